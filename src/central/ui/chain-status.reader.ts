import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { sql, toCount } from '../../common/database-dialect.js';
import type { ChainStatusDto, RefusalDto } from './console.dto.js';

/**
 * How central's copy of a station's audit chain stands: how far it reaches, whether every record
 * is there and links to the one before (system.md §6), when the last
 * receipt was given, and whether a batch was refused since (a gap or a fork the station must
 * resolve).
 */
@Injectable()
export class ChainStatusReader {
  constructor(private readonly ds: DataSource) {}

  async status(stationId: string): Promise<ChainStatusDto> {
    const [agg] = await this.ds.query(sql(`SELECT COUNT(*) AS n, MAX(seq) AS last_seq FROM station_audit_record WHERE station_id = ?`), [stationId]);
    const records = toCount(agg?.n);
    const lastSeq = toCount(agg?.last_seq ?? 0);
    const [head] = await this.ds.query(sql(`SELECT hash FROM station_audit_record WHERE station_id = ? AND seq = ?`), [stationId, lastSeq]);
    const [breaks] = await this.ds.query(
      sql(`SELECT COUNT(*) AS n FROM station_audit_record a JOIN station_audit_record b ON b.station_id = a.station_id AND b.seq = a.seq - 1
       WHERE a.station_id = ? AND a.prev_hash <> b.hash`),
      [stationId],
    );
    const [receipt] = await this.ds.query(sql(`SELECT MAX(received_at) AS at FROM audit_receipt WHERE station_id = ?`), [stationId]);
    const lastReceiptAt = (receipt?.at as string | null) ?? null;
    const refusals = await this.refusals(stationId, 1);
    const lastRefusal = refusals[0];
    const missing = lastSeq - records;
    const linkBreaks = toCount(breaks?.n);
    let state: ChainStatusDto['state'] = 'ok';
    if (missing > 0 || linkBreaks > 0) state = 'broken';
    else if (lastRefusal && (!lastReceiptAt || lastRefusal.lastAt > lastReceiptAt)) state = 'refused';
    else if (records === 0) state = 'never-synced';
    return { state, records, lastSeq, lastHash: (head?.hash as string | undefined) ?? null, lastReceiptAt, missing, linkBreaks, ...(lastRefusal ? { lastRefusal } : {}) };
  }

  async refusals(stationId: string, limit = 50): Promise<RefusalDto[]> {
    const rows: Array<Record<string, unknown>> = await this.ds.query(
      sql(`SELECT code, message, first_at, last_at, attempts FROM audit_ingest_refusal WHERE station_id = ? ORDER BY last_at DESC, id DESC LIMIT ?`),
      [stationId, limit],
    );
    return rows.map((r) => ({ code: String(r.code), message: String(r.message), firstAt: String(r.first_at), lastAt: String(r.last_at), attempts: toCount(r.attempts) }));
  }
}
