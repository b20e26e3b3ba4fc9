import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { sql, toCount } from '../../common/database-dialect.js';
import { StationActivityReader } from './station-activity.reader.js';
import type { AnomalyDto, AnomalyKind, AuditRecordDto } from './console.dto.js';

const REFUSAL_KIND: Record<string, AnomalyKind> = { BATCH_GAP: 'audit-gap', BATCH_FORK: 'audit-fork' };

/**
 * Everything the brand owner must look at, newest first: clones and unknown devices (field
 * enrollment's alarms), audit gaps and forks (batches central refused), and tamper alarms the
 * stations recorded in their chains. Each says where to drill down: a device, or a station's
 * records around one sequence number.
 */
@Injectable()
export class ConsoleAnomaliesService {
  constructor(
    private readonly ds: DataSource,
    private readonly activity: StationActivityReader,
  ) {}

  async list(): Promise<AnomalyDto[]> {
    const out: AnomalyDto[] = [];
    const alarms: Array<Record<string, unknown>> = await this.ds.query(
      sql(`SELECT a.id, a.raised_at, a.kind, a.order_id, a.device_serial, a.details, a.cleared_at, o.station_id
       FROM central_alarm a LEFT JOIN production_order o ON o.order_id = a.order_id ORDER BY a.id DESC LIMIT 1000`),
    );
    for (const a of alarms) {
      out.push({
        id: `alarm-${a.id}`, kind: a.kind as AnomalyKind, at: String(a.raised_at), open: !a.cleared_at,
        stationId: (a.station_id as string | null) ?? null, orderId: (a.order_id as string | null) ?? null,
        deviceSerial: (a.device_serial as string | null) ?? null, seq: null, detail: String(a.details),
      });
    }
    const refusals: Array<Record<string, unknown>> = await this.ds.query(
      sql(`SELECT f.id, f.station_id, f.code, f.message, f.last_at, f.attempts,
       (SELECT MAX(received_at) FROM audit_receipt r WHERE r.station_id = f.station_id) AS receipt_at,
       (SELECT MAX(seq) FROM station_audit_record s WHERE s.station_id = f.station_id) AS held
       FROM audit_ingest_refusal f ORDER BY f.id DESC LIMIT 1000`),
    );
    for (const f of refusals) {
      const attempts = toCount(f.attempts);
      out.push({
        id: `refusal-${f.id}`, kind: REFUSAL_KIND[String(f.code)] ?? 'audit-refused', at: String(f.last_at),
        // open until the station's chain moves on past it (a receipt given after the refusal)
        open: !f.receipt_at || String(f.receipt_at) < String(f.last_at),
        stationId: String(f.station_id), orderId: null, deviceSerial: null, seq: f.held == null ? null : toCount(f.held),
        detail: `${f.code}: ${f.message}${attempts > 1 ? ` (${attempts} attempts)` : ''}`,
      });
    }
    const records = await this.activity.records();
    for (const r of records.filter((x) => x.kind === 'tamper-alarm')) {
      const cleared = records.some((c) => c.kind === 'alarm-cleared' && c.stationId === r.stationId && c.seq > r.seq);
      out.push({ id: `tamper-${r.stationId}-${r.seq}`, kind: 'tamper-alarm', at: r.time, open: !cleared, stationId: r.stationId, orderId: r.orderId, deviceSerial: r.deviceSerial, seq: r.seq, detail: r.detail });
    }
    return out.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  }

  /** A station's ingested records: around `around`, or the latest. */
  async stationRecords(stationId: string, around?: number, span = 25): Promise<AuditRecordDto[]> {
    const rows: Array<Record<string, unknown>> = around
      ? await this.ds.query(sql(`SELECT * FROM station_audit_record WHERE station_id = ? AND seq BETWEEN ? AND ? ORDER BY seq DESC`), [stationId, around - span, around + span])
      : await this.ds.query(sql(`SELECT * FROM station_audit_record WHERE station_id = ? ORDER BY seq DESC LIMIT ?`), [stationId, span * 2]);
    return rows.map(recordView);
  }

  async deviceRecords(deviceSerial: string): Promise<AuditRecordDto[]> {
    const rows: Array<Record<string, unknown>> = await this.ds.query(
      sql(`SELECT * FROM station_audit_record WHERE device_serial = ? ORDER BY station_id, seq LIMIT 500`),
      [deviceSerial],
    );
    return rows.map(recordView);
  }
}

export function recordView(r: Record<string, unknown>): AuditRecordDto {
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(String(r.record)) as Record<string, unknown>;
  } catch {
    // a record central stored always parses; show the columns if it somehow does not
  }
  return {
    stationId: String(r.station_id),
    seq: toCount(r.seq),
    time: String(body.time ?? ''),
    kind: String(r.kind),
    actor: String(body.actor ?? ''),
    orderId: (r.order_id as string | null) ?? null,
    deviceSerial: (r.device_serial as string | null) ?? null,
    fingerprint: (r.fingerprint as string | null) ?? null,
    outcome: String(body.outcome ?? ''),
    detail: String(body.detail ?? ''),
    hash: String(r.hash),
    prevHash: String(r.prev_hash),
    receivedAt: String(r.received_at),
  };
}
