import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '../../common/domain-error.js';
import { AuditBatchRejectedError, signAuditReceipt, verifyAuditBatch, type AuditBatchContent } from '../../audit/audit-batch.js';
import { GENESIS_HASH } from '../../audit/audit-record.js';
import { CentralPkiService } from '../ca/central-pki.service.js';
import { WriteSerializer } from '../../common/write-serializer.js';
import { sql, toCount } from '../../common/database-dialect.js';
import { lockForTransaction } from '../../common/database-locks.js';

const ROWS_PER_INSERT = 500;

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

  async ingest(stationId: string, der: Buffer, now = new Date()): Promise<IngestResult> {
    let batch: AuditBatchContent;
    try {
      batch = verifyAuditBatch(der, this.pki.rootCertificate(), now);
    } catch (err) {
      if (err instanceof AuditBatchRejectedError) throw new BatchRefusedError(err.code, 422, err.message);
      throw err;
    }
    if (batch.stationId !== stationId) {
      throw new BatchRefusedError('BATCH_WRONG_STATION', 403, `station ${stationId} sent a batch of station ${batch.stationId}`);
    }
    return this.writes.run(() => this.store(stationId, batch, now));
  }

  private store(stationId: string, batch: AuditBatchContent, now: Date): Promise<IngestResult> {
    return this.ds.transaction(async (m) => {
      // one batch of a station at a time, whichever central node it reached (no-op on SQLite)
      await lockForTransaction(m, `audit-ingest:${stationId}`);
      const [last] = await m.query(sql(`SELECT seq, hash FROM station_audit_record WHERE station_id = ? ORDER BY seq DESC LIMIT 1`), [stationId]);
      const held = { seq: last?.seq ?? 0, hash: last?.hash ?? GENESIS_HASH };
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
      // many rows per statement: one driver round trip per hundred records, not per record
      for (let i = 0; i < fresh.length; i += ROWS_PER_INSERT) {
        const chunk = fresh.slice(i, i + ROWS_PER_INSERT);
        await m.query(
          sql(`INSERT INTO station_audit_record (station_id, seq, hash, prev_hash, kind, order_id, device_serial, fingerprint, record, received_at) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`),
          chunk.flatMap((r) => [stationId, r.seq, r.hash, r.prevHash, r.kind, r.orderId, r.deviceSerial, r.fingerprint, JSON.stringify(r), at]),
        );
        const signed = chunk.filter((r) => r.kind === 'certificate-signed' && r.fingerprint && r.deviceSerial);
        if (signed.length) {
          await m.query(
            sql(`INSERT OR IGNORE INTO device_registry (fingerprint, device_serial, station_id, order_id, seq) VALUES ${signed.map(() => '(?, ?, ?, ?, ?)').join(', ')}`),
            signed.flatMap((r) => [r.fingerprint, r.deviceSerial, stationId, r.orderId, r.seq]),
          );
        }
      }
      const toSeq = batch.toSeq;
      const headHash = batch.records[batch.records.length - 1].hash;
      const [existing] = await m.query(sql(`SELECT receipt FROM audit_receipt WHERE station_id = ? AND to_seq = ?`), [stationId, toSeq]);
      if (existing) return { receipt: Buffer.from(existing.receipt), toSeq, headHash, stored: fresh.length };
      const { signer, certificates } = await this.pki.documentSigner('receipt-signer');
      const receipt = signAuditReceipt({ v: 1, stationId, toSeq, headHash, receivedAt: at }, signer, [...certificates]);
      await m.query(sql(`INSERT INTO audit_receipt (station_id, to_seq, head_hash, receipt, received_at) VALUES (?, ?, ?, ?, ?)`), [stationId, toSeq, headHash, receipt, at]);
      return { receipt, toSeq, headHash, stored: fresh.length };
    });
  }

  async stationState(stationId: string): Promise<{ stationId: string; lastSeq: number; lastHash: string | null; devices: number }> {
    const [last] = await this.ds.query(sql(`SELECT seq, hash FROM station_audit_record WHERE station_id = ? ORDER BY seq DESC LIMIT 1`), [stationId]);
    const [{ n }] = await this.ds.query(sql(`SELECT COUNT(*) AS n FROM device_registry WHERE station_id = ?`), [stationId]);
    return { stationId, lastSeq: last?.seq ?? 0, lastHash: last?.hash ?? null, devices: toCount(n) };
  }
}
