import { Controller, Get, Post } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CheckpointService } from '../audit/checkpoint.service.js';
import type { AuditCheckpoint } from '../../audit/checkpoint.js';
import { AuditSyncService, type AuditSyncState } from '../audit/audit-sync.service.js';

/** The audit chain's state: its head and the last signed checkpoint. */
@Controller('api/audit')
export class AuditController {
  constructor(
    private readonly ds: DataSource,
    private readonly checkpoints: CheckpointService,
    private readonly sync: AuditSyncService,
  ) {}

  /** Head, last checkpoint, and what central has not yet acknowledged (the unsynced backlog). */
  @Get()
  async state(): Promise<{ head: { seq: number; hash: string } | null; checkpoint: AuditCheckpoint | null; sync: AuditSyncState }> {
    const [head] = await this.ds.query(`SELECT seq, hash FROM audit_record ORDER BY seq DESC LIMIT 1`);
    return { head: head ?? null, checkpoint: await this.checkpoints.latest(), sync: await this.sync.state() };
  }

  /** Send the backlog to central now (the job does it every auditSyncIntervalMs anyway). */
  @Post('sync')
  async syncNow(): Promise<{ acked: number; sync: AuditSyncState }> {
    const acked = await this.sync.sync();
    return { acked, sync: await this.sync.state() };
  }

  /** Sign a checkpoint of the head now (e.g. before exporting for an auditor). */
  @Post('checkpoints')
  async checkpoint(): Promise<{ checkpoint: AuditCheckpoint | null }> {
    return { checkpoint: await this.checkpoints.checkpoint() };
  }
}
