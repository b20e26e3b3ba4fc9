import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HSM_PORT, type HsmPort } from '../../hsm/hsm.port.js';
import { hsmSigner } from '../../hsm/hsm-signer.js';
import { signAuditBatch } from '../../audit/audit-batch.js';
import { GENESIS_HASH, auditRecordFromRow, type AuditRecord } from '../../audit/audit-record.js';
import { STATION_CONFIG, StationConfig } from '../../config/station-config.js';
import { CheckpointService } from './checkpoint.service.js';

/**
 * What the online sync and the offline batch files share: reading runs of the chain, signing
 * them as batches with the audit key in the HSM, and recording central's receipts. The
 * acknowledged head only moves forward, whichever way a receipt arrived (network or file).
 */
@Injectable()
export class StationAuditBatches {
  constructor(
    private readonly ds: DataSource,
    @Inject(HSM_PORT) private readonly hsm: HsmPort,
    @Inject(STATION_CONFIG) private readonly config: StationConfig,
    private readonly checkpoints: CheckpointService,
  ) {}

  /** The last record central has acknowledged (seq 0 and the genesis hash before any). */
  async acked(): Promise<{ seq: number; hash: string }> {
    const [sync] = await this.ds.query(`SELECT acked_seq AS seq, acked_hash AS hash FROM audit_sync WHERE id = 1`);
    return { seq: sync?.seq ?? 0, hash: sync?.hash ?? GENESIS_HASH };
  }

  async head(): Promise<{ seq: number; hash: string }> {
    const [head] = await this.ds.query(`SELECT seq, hash FROM audit_record ORDER BY seq DESC LIMIT 1`);
    return { seq: head?.seq ?? 0, hash: head?.hash ?? GENESIS_HASH };
  }

  /** The hash of record `seq` (the genesis hash for 0), or null when there is no such record. */
  async hashOf(seq: number): Promise<string | null> {
    if (seq === 0) return GENESIS_HASH;
    const [row] = await this.ds.query(`SELECT hash FROM audit_record WHERE seq = ?`, [seq]);
    return row?.hash ?? null;
  }

  async records(fromSeq: number, toSeq: number, limit: number): Promise<AuditRecord[]> {
    const rows = await this.ds.query(`SELECT * FROM audit_record WHERE seq BETWEEN ? AND ? ORDER BY seq LIMIT ?`, [fromSeq, toSeq, limit]);
    return rows.map(auditRecordFromRow);
  }

  /** Sign a contiguous run of records (following the record whose hash is prevHash) as a batch. */
  async sign(records: AuditRecord[], prevHash: string): Promise<Buffer> {
    const certificates = await this.checkpoints.credential();
    const key = this.hsm.findKey('audit-signing');
    if (!key) throw new Error('audit key missing from the HSM');
    return signAuditBatch(
      { v: 1, stationId: this.config.stationId, fromSeq: records[0].seq, toSeq: records[records.length - 1].seq, prevHash, records },
      hsmSigner(this.hsm, key),
      certificates,
    );
  }

  /** Record a verified receipt; true when it moved the acknowledged head forward. */
  async recordReceipt(toSeq: number, headHash: string, receipt: Uint8Array): Promise<boolean> {
    const before = await this.acked();
    await this.ds.query(
      `INSERT INTO audit_sync (id, acked_seq, acked_hash, receipt, updated_at) VALUES (1, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET acked_seq = excluded.acked_seq, acked_hash = excluded.acked_hash, receipt = excluded.receipt, updated_at = excluded.updated_at
       WHERE excluded.acked_seq > audit_sync.acked_seq`,
      [toSeq, headHash, Buffer.from(receipt), new Date().toISOString()],
    );
    return toSeq > before.seq;
  }
}
