import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export type StationEventKind =
  | 'order-opened'
  | 'order-closed'
  | 'key-destroyed'
  | 'alarm-raised'
  | 'alarm-cleared'
  | 'issuance-voided';

export interface StationEventView {
  id: number;
  kind: string;
  orderId: string | null;
  deviceSerial: string | null;
  actor: string;
  detail: string;
  createdAt: string;
}

/**
 * The station's append-only event record (triggers refuse UPDATE and DELETE). The
 * hash-chained, signed audit log builds on these events.
 */
@Injectable()
export class EventLog {
  constructor(private readonly ds: DataSource) {}

  async record(kind: StationEventKind, e: { orderId?: string; deviceSerial?: string; actor: string; detail: string }): Promise<void> {
    await this.ds.query(`INSERT INTO station_event (kind, order_id, device_serial, actor, detail, created_at) VALUES (?, ?, ?, ?, ?, ?)`, [
      kind,
      e.orderId ?? null,
      e.deviceSerial ?? null,
      e.actor,
      e.detail,
      new Date().toISOString(),
    ]);
  }

  async list(limit = 500): Promise<StationEventView[]> {
    return this.ds.query(
      `SELECT id, kind, order_id AS orderId, device_serial AS deviceSerial, actor, detail, created_at AS createdAt FROM station_event ORDER BY id DESC LIMIT ?`,
      [limit],
    );
  }
}
