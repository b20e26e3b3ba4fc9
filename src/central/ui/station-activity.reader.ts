import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { sql } from '../../common/database-dialect.js';

/** A station audit record the console counts: issuance, spoilage, tamper alarms. */
export interface CountedRecord {
  stationId: string;
  seq: number;
  kind: 'issued' | 'spoiled' | 'tamper-alarm' | 'alarm-cleared';
  orderId: string | null;
  deviceSerial: string | null;
  time: string;
  detail: string;
}

const KIND: Record<string, CountedRecord['kind']> = {
  'certificate-signed': 'issued',
  'certificate-spoiled': 'spoiled',
  'issuance-voided': 'spoiled',
  'alarm-raised': 'tamper-alarm',
  'alarm-cleared': 'alarm-cleared',
};

/**
 * Reads what the stations' ingested audit records say about orders: certificates signed
 * (issued), spoiled (certificate-spoiled, and interrupted reservations voided per device), and
 * tamper alarms. A spoiled record that names only the device gets its order from the device
 * registry. The record's own time (the station's clock) dates it, not its arrival.
 */
@Injectable()
export class StationActivityReader {
  constructor(private readonly ds: DataSource) {}

  async records(): Promise<CountedRecord[]> {
    const rows: Array<Record<string, unknown>> = await this.ds.query(
      sql(`SELECT r.station_id, r.seq, r.kind, r.order_id, r.device_serial, r.record, d.order_id AS registry_order
       FROM station_audit_record r
       LEFT JOIN device_registry d ON r.order_id IS NULL AND d.device_serial = r.device_serial AND d.station_id = r.station_id
       WHERE r.kind IN ('certificate-signed', 'certificate-spoiled', 'issuance-voided', 'alarm-raised', 'alarm-cleared')
       ORDER BY r.station_id, r.seq`),
    );
    const out: CountedRecord[] = [];
    for (const r of rows) {
      const kind = KIND[String(r.kind)];
      // a voiding without a device is a count reconciled after an alarm, not a spoiled device
      if (r.kind === 'issuance-voided' && !r.device_serial) continue;
      const parsed = parseRecord(String(r.record));
      out.push({
        stationId: String(r.station_id),
        seq: Number(r.seq),
        kind,
        orderId: (r.order_id as string | null) ?? (r.registry_order as string | null) ?? null,
        deviceSerial: (r.device_serial as string | null) ?? null,
        time: parsed.time,
        detail: parsed.detail,
      });
    }
    return out;
  }

  /** Enrollments in the field with their order's station. */
  async enrollments(): Promise<Array<{ orderId: string; stationId: string; at: string }>> {
    const rows: Array<Record<string, unknown>> = await this.ds.query(
      sql(`SELECT e.order_id, o.station_id, e.enrolled_at FROM device_enrollment e JOIN production_order o ON o.order_id = e.order_id`),
    );
    return rows.map((r) => ({ orderId: String(r.order_id), stationId: String(r.station_id), at: String(r.enrolled_at) }));
  }
}

function parseRecord(text: string): { time: string; detail: string } {
  try {
    const r = JSON.parse(text) as { time?: unknown; detail?: unknown };
    return { time: String(r.time ?? ''), detail: String(r.detail ?? '') };
  } catch {
    return { time: '', detail: '' };
  }
}
