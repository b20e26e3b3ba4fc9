import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainError } from '../../common/domain-error.js';
import { AuditBatchRejectedError, signAuditReceipt, verifyAuditBatch, type AuditBatchContent } from '../../audit/audit-batch.js';
import { GENESIS_HASH, type AuditRecord } from '../../audit/audit-record.js';
import { CentralPkiService } from '../ca/central-pki.service.js';
import { WriteSerializer } from '../../common/write-serializer.js';
import { sql, toCount } from '../../common/database-dialect.js';
import { lockForTransaction } from '../../common/database-locks.js';

const ROWS_PER_INSERT = 1000; // 10,000 parameters: within SQLite's 32,766 and PostgreSQL's 65,535

/** Multi-row INSERT statements by row count, built once (batches are mostly of one size). */
const statementsBySize = (head: string, row: string) => {
  const made = new Map<number, string>();
  return (rows: number): string => {
    let text = made.get(rows);
    if (!text) made.set(rows, (text = sql(`${head} VALUES ${Array.from({ length: rows }, () => row).join(', ')}`)));
    return text;
  };
};
const insertRecords = statementsBySize(
  'INSERT INTO station_audit_record (station_id, seq, hash, prev_hash, kind, order_id, device_serial, fingerprint, record, received_at)',
  '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
);
const insertRegistry = statementsBySize('INSERT OR IGNORE INTO device_registry (fingerprint, device_serial, station_id, order_id, seq)', '(?, ?, ?, ?, ?)');

/**
 * The `record` column holds what the other columns do not: together they are the whole record
 * (recordView in ui/console-anomalies.service.ts puts it back together). Storing each field once
 * keeps a row at a third of the bytes, and the rows written are what ingest costs most.
 */
const recordRest = (r: AuditRecord): string => JSON.stringify({ time: r.time, actor: r.actor, outcome: r.outcome, detail: r.detail });

/** A batch central will not take, with the reason (system.md §6). */
export class BatchRefusedError extends DomainError {
  readonly retryable = false;
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface IngestResult {
  stationId: string;
  receipt: Buffer;
  toSeq: number;
  headHash: string;
  /** records stored by this call (0 for a replay) */
  stored: number;
}

/**
 * Ingests a station's signed audit batches: verified against the brand root and the station
 * that sent it, continuous with what central holds (no gap, no fork), idempotent (a batch sent
 * again gets the same receipt) and resumable (a batch overlapping what is held adds the rest).
 * Answers with a receipt signed by the Audit Receipt Signer. 'certificate-signed' records feed
 * the device registry, which field enrollment checks.
 */
@Injectable()
export class AuditIngestService {
  constructor(
    private readonly ds: DataSource,
    private readonly pki: CentralPkiService,
    private readonly writes: WriteSerializer,
  ) {}

  /** One batch from a station (online sync): `sender` is the station that sent it. */
  ingest(sender: string, der: Buffer, now = new Date()): Promise<IngestResult> {
    return this.ingestBatches(sender, [der], now);
  }

  /**
   * Consecutive batches of one station (an offline batch file, docs/audit.md), taken whole or
   * not at all: every batch is verified, and they must follow one another, before anything is
   * stored; they are stored in one transaction and answered with the receipt of the last.
   * `sender` is the station that sent them, or null when the brand owner imports a file carried
   * from an air-gapped station (then the batch signatures alone name the station).
   */
  async ingestBatches(sender: string | null, ders: Buffer[], now = new Date()): Promise<IngestResult> {
    if (ders.length === 0) throw new BatchRefusedError('BATCH_MALFORMED', 422, 'no audit batch given');
    const batches = ders.map((der, i) => this.verify(der, now, ders.length > 1 ? `batch ${i + 1} of ${ders.length}: ` : ''));
    const stationId = batches[0].stationId;
    for (let i = 1; i < batches.length; i++) {
      const [a, b] = [batches[i - 1], batches[i]];
      if (b.stationId !== stationId) throw new BatchRefusedError('BATCH_WRONG_STATION', 422, `batch ${i + 1} of ${batches.length} is of station ${b.stationId}, batch 1 of ${stationId}: one station per file`);
      if (b.fromSeq !== a.toSeq + 1 || b.prevHash !== a.records[a.records.length - 1].hash) {
        throw new BatchRefusedError('BATCH_BROKEN_CHAIN', 422, `batch ${i + 1} of ${batches.length} (${b.fromSeq}..${b.toSeq}) does not continue batch ${i} (${a.fromSeq}..${a.toSeq})`);
      }
    }
    if (sender !== null && stationId !== sender) {
      throw new BatchRefusedError('BATCH_WRONG_STATION', 403, `station ${sender} sent a batch of station ${stationId}`);
    }
    return this.writes.run(() => this.store(stationId, batches, now));
  }

  private verify(der: Buffer, now: Date, where: string): AuditBatchContent {
    try {
      return verifyAuditBatch(der, this.pki.rootCertificate(), now);
    } catch (err) {
      if (err instanceof AuditBatchRejectedError) throw new BatchRefusedError(err.code, 422, `${where}${err.message}`);
      throw err;
    }
  }

  private store(stationId: string, batches: AuditBatchContent[], now: Date): Promise<IngestResult> {
    return this.ds.transaction(async (m) => {
      // one batch of a station at a time, whichever central node it reached (no-op on SQLite)
      await lockForTransaction(m, `audit-ingest:${stationId}`);
      const [last] = await m.query(sql(`SELECT seq, hash FROM station_audit_record WHERE station_id = ? ORDER BY seq DESC LIMIT 1`), [stationId]);
      let held = { seq: last?.seq ?? 0, hash: last?.hash ?? GENESIS_HASH };
      let stored = 0;
      for (const batch of batches) {
        stored += await this.storeOne(m, stationId, batch, held, now);
        const head = batch.records[batch.records.length - 1];
        if (head.seq > held.seq) held = { seq: head.seq, hash: head.hash };
      }
      const batch = batches[batches.length - 1];
      const at = now.toISOString();
      const toSeq = batch.toSeq;
      const headHash = batch.records[batch.records.length - 1].hash;
      const [existing] = await m.query(sql(`SELECT receipt FROM audit_receipt WHERE station_id = ? AND to_seq = ?`), [stationId, toSeq]);
      if (existing) return { stationId, receipt: Buffer.from(existing.receipt), toSeq, headHash, stored };
      const { signer, certificates } = await this.pki.documentSigner('receipt-signer');
      const receipt = signAuditReceipt({ v: 1, stationId, toSeq, headHash, receivedAt: at }, signer, [...certificates]);
      await m.query(sql(`INSERT INTO audit_receipt (station_id, to_seq, head_hash, receipt, received_at) VALUES (?, ?, ?, ?, ?)`), [stationId, toSeq, headHash, receipt, at]);
      return { stationId, receipt, toSeq, headHash, stored };
    });
  }

  /** Check one batch against what central holds and store what is new; returns the count stored. */
  private async storeOne(m: EntityManager, stationId: string, batch: AuditBatchContent, held: { seq: number; hash: string }, now: Date): Promise<number> {
    if (batch.fromSeq > held.seq + 1) {
      throw new BatchRefusedError('BATCH_GAP', 409, `batch starts at record ${batch.fromSeq}; central holds station ${stationId} up to ${held.seq}: send from ${held.seq + 1}`);
    }
    // what central holds already must be exactly what the batch says (else: a fork)
    const overlap = batch.records.filter((r) => r.seq <= held.seq);
    if (overlap.length) {
      const rows: Array<{ seq: number; hash: string }> = await m.query(
        sql(`SELECT seq, hash FROM station_audit_record WHERE station_id = ? AND seq BETWEEN ? AND ? ORDER BY seq`),
        [stationId, overlap[0].seq, overlap[overlap.length - 1].seq],
      );
      const differs = overlap.find((r, i) => rows[i]?.hash !== r.hash);
      if (differs) throw new BatchRefusedError('BATCH_FORK', 409, `record ${differs.seq} differs from the one central received earlier: the station's chain forked or was rewritten`);
    } else if (batch.prevHash !== held.hash) {
      throw new BatchRefusedError('BATCH_FORK', 409, `batch from record ${batch.fromSeq} does not continue the chain central holds (record ${held.seq})`);
    }
    const fresh = batch.records.filter((r) => r.seq > held.seq);
    const at = now.toISOString();
    // many rows per statement: one driver round trip per thousand records, not per record
    for (let i = 0; i < fresh.length; i += ROWS_PER_INSERT) {
      const chunk = fresh.slice(i, i + ROWS_PER_INSERT);
      const values: unknown[] = [];
      for (const r of chunk) values.push(stationId, r.seq, r.hash, r.prevHash, r.kind, r.orderId, r.deviceSerial, r.fingerprint, recordRest(r), at);
      await m.query(insertRecords(chunk.length), values);
      const registry: unknown[] = [];
      for (const r of chunk) {
        if (r.kind === 'certificate-signed' && r.fingerprint && r.deviceSerial) registry.push(r.fingerprint, r.deviceSerial, stationId, r.orderId, r.seq);
      }
      if (registry.length) await m.query(insertRegistry(registry.length / 5), registry);
    }
    return fresh.length;
  }

  /** What central holds of a station: its chain head, how many records (a gap or a duplicate shows as records ≠ lastSeq) and devices. */
  async stationState(stationId: string): Promise<{ stationId: string; lastSeq: number; lastHash: string | null; records: number; devices: number }> {
    const [last] = await this.ds.query(sql(`SELECT seq, hash FROM station_audit_record WHERE station_id = ? ORDER BY seq DESC LIMIT 1`), [stationId]);
    const [{ n }] = await this.ds.query(sql(`SELECT COUNT(*) AS n FROM device_registry WHERE station_id = ?`), [stationId]);
    const [{ r }] = await this.ds.query(sql(`SELECT COUNT(*) AS r FROM station_audit_record WHERE station_id = ?`), [stationId]);
    return { stationId, lastSeq: last?.seq ?? 0, lastHash: last?.hash ?? null, records: toCount(r), devices: toCount(n) };
  }
}
