import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { GroupCommitWriter, type WriteOp } from '../database/group-commit.js';
import { auditRecordFromRow, type AuditFields, type AuditRecord } from '../../audit/audit-record.js';

export type AuditKind =
  | 'station-started'
  | 'config-changed'
  | 'grant-imported'
  | 'order-opened'
  | 'order-closed'
  | 'key-created'
  | 'key-destroyed'
  | 'certificate-signed'
  | 'certificate-verified'
  | 'device-locked'
  | 'certificate-spoiled'
  | 'device-refused'
  | 'alarm-raised'
  | 'alarm-cleared'
  | 'issuance-voided'
  | 'login'
  | 'login-failed'
  | 'logout'
  | 'user-changed'
  | 'device-rerun'
  | 'shift-started'
  | 'audit-exported'
  | 'audit-receipt-imported';

export interface AuditEvent {
  actor: string;
  detail: string;
  orderId?: string;
  deviceSerial?: string;
  fingerprint?: string;
  outcome?: AuditFields['outcome'];
}

/**
 * The station's tamper-evident audit log (system.md §6): every event that matters becomes a
 * record of one hash chain, appended through the group-commit writer so that it commits in
 * the same transaction as the change it describes when it is given as part of a group.
 */
@Injectable()
export class AuditLog {
  constructor(
    private readonly ds: DataSource,
    private readonly writer: GroupCommitWriter,
  ) {}

  /** The audit op for `kind`, to commit together with other writes (writer.group). */
  op(kind: AuditKind, e: AuditEvent): WriteOp {
    return {
      audit: {
        time: new Date().toISOString(),
        kind,
        actor: e.actor,
        orderId: e.orderId ?? null,
        deviceSerial: e.deviceSerial ?? null,
        fingerprint: e.fingerprint ?? null,
        outcome: e.outcome ?? 'ok',
        detail: e.detail,
      },
    };
  }

  /** Append one record on its own, durable when the promise resolves. */
  async record(kind: AuditKind, e: AuditEvent, options: { sync?: boolean } = {}): Promise<void> {
    await this.writer.group([this.op(kind, e)], options);
  }

  async list(limit = 500): Promise<AuditRecord[]> {
    const rows = await this.ds.query(`SELECT * FROM audit_record ORDER BY seq DESC LIMIT ?`, [limit]);
    return rows.map(auditRecordFromRow);
  }

  async range(fromSeq: number, toSeq: number): Promise<AuditRecord[]> {
    const rows = await this.ds.query(`SELECT * FROM audit_record WHERE seq BETWEEN ? AND ? ORDER BY seq`, [fromSeq, toSeq]);
    return rows.map(auditRecordFromRow);
  }
}

