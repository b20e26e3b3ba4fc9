import { Logger } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { AuditSyncService } from './audit-sync.service.js';

export const AUDIT_SYNC_QUEUE = 'audit-sync';

/**
 * The repeatable sync job (a BullMQ job scheduler): each run sends what is not yet
 * acknowledged. A failed run (central down) is simply tried again at the next tick; the
 * backlog waits in the database, never in Redis.
 */
@Processor(AUDIT_SYNC_QUEUE, { concurrency: 1 })
export class AuditSyncProcessor extends WorkerHost {
  private readonly log = new Logger(AuditSyncProcessor.name);

  constructor(private readonly sync: AuditSyncService) {
    super();
  }

  async process(): Promise<{ acked: number }> {
    try {
      return { acked: await this.sync.sync() };
    } catch (err) {
      this.log.warn(`audit sync: ${(err as Error).message} (retrying at the next tick)`);
      throw err;
    }
  }
}
