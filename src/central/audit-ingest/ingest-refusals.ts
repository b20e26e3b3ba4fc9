import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { sql } from '../../common/database-dialect.js';

/**
 * Remembers the batches central refused (gap, fork, bad signature…), so the brand owner sees
 * them as anomalies: a station retries the same refused batch every sync interval, so a refusal
 * is stored once per station, code and message, with how often and until when it was seen.
 */
@Injectable()
export class IngestRefusals {
  private readonly log = new Logger('audit-ingest');

  constructor(private readonly ds: DataSource) {}

  /** Never throws: the station must get the refusal itself, not an error about recording it. */
  async record(stationId: string, code: string, message: string, now = new Date()): Promise<void> {
    const at = now.toISOString();
    try {
      await this.ds.query(sql(`INSERT OR IGNORE INTO audit_ingest_refusal (station_id, code, message, first_at, last_at, attempts) VALUES (?, ?, ?, ?, ?, 0)`), [stationId, code, message, at, at]);
      await this.ds.query(sql(`UPDATE audit_ingest_refusal SET attempts = attempts + 1, last_at = ? WHERE station_id = ? AND code = ? AND message = ?`), [at, stationId, code, message]);
    } catch (err) {
      this.log.warn(`could not record the refusal of a batch from ${stationId}: ${(err as Error).message}`);
    }
  }
}
