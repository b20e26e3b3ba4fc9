import { Controller, Get, Post } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CheckpointService } from '../audit/checkpoint.service.js';
import type { AuditCheckpoint } from '../../audit/checkpoint.js';

/** The audit chain's state: its head and the last signed checkpoint. */
@Controller('api/audit')
export class AuditController {
  constructor(
    private readonly ds: DataSource,
    private readonly checkpoints: CheckpointService,
  ) {}

  @Get()
  async state(): Promise<{ head: { seq: number; hash: string } | null; checkpoint: AuditCheckpoint | null }> {
    const [head] = await this.ds.query(`SELECT seq, hash FROM audit_record ORDER BY seq DESC LIMIT 1`);
    return { head: head ?? null, checkpoint: await this.checkpoints.latest() };
  }

  /** Sign a checkpoint of the head now (e.g. before exporting for an auditor). */
  @Post('checkpoints')
  async checkpoint(): Promise<{ checkpoint: AuditCheckpoint | null }> {
    return { checkpoint: await this.checkpoints.checkpoint() };
  }
}
