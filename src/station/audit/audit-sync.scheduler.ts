import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { STATION_CONFIG, StationConfig } from '../../config/station-config.js';
import { AUDIT_SYNC_QUEUE } from './audit-sync.processor.js';

/**
 * Keeps the audit sync's job scheduler in Redis. Redis only carries work (conventions.md §9): a
 * Redis that restarts empty has forgotten the schedule, so it is written again each time the
 * queue's connection becomes ready, not only at start. Writing it is idempotent (upsert by id).
 */
@Injectable()
export class AuditSyncScheduler {
  private readonly log = new Logger(AuditSyncScheduler.name);

  constructor(
    @InjectQueue(AUDIT_SYNC_QUEUE) private readonly queue: Queue,
    @Inject(STATION_CONFIG) private readonly config: StationConfig,
  ) {}

  async start(): Promise<void> {
    await this.schedule();
    // the connection is up by now (the schedule went through it): every later 'ready' is a reconnect
    this.queue.backend.on('ready', () => {
      this.log.log('Redis connection back: audit sync schedule written again');
      void this.schedule().catch((err) => this.log.warn(`audit sync schedule: ${(err as Error).message}`));
    });
  }

  private async schedule(): Promise<void> {
    await this.queue.upsertJobScheduler(
      'audit-sync',
      { every: this.config.auditSyncIntervalMs },
      { name: 'sync', opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } },
    );
  }
}
