import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditLog } from '../audit/audit-log.js';

export interface RefusalView {
  deviceSerial: string | null;
  jigId: string;
  slot: number;
  code: string;
  message: string;
  createdAt: string;
}

/** Every refusal and final failure, with its reason, for the operator and the record. */
@Injectable()
export class RefusalLog {
  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditLog,
  ) {}

  async record(r: Omit<RefusalView, 'createdAt'>): Promise<void> {
    await this.audit.record('device-refused', {
      actor: `jig ${r.jigId} slot ${r.slot}`,
      deviceSerial: r.deviceSerial ?? undefined,
      outcome: 'refused',
      detail: `${r.code}: ${r.message}`,
    });
    await this.ds.query(`INSERT INTO device_refusal (device_serial, jig_id, slot, code, message, created_at) VALUES (?, ?, ?, ?, ?, ?)`, [
      r.deviceSerial,
      r.jigId,
      r.slot,
      r.code,
      r.message,
      new Date().toISOString(),
    ]);
  }

  async list(limit = 200): Promise<RefusalView[]> {
    return this.ds.query(
      `SELECT device_serial AS deviceSerial, jig_id AS jigId, slot, code, message, created_at AS createdAt FROM device_refusal ORDER BY id DESC LIMIT ?`,
      [limit],
    );
  }
}
