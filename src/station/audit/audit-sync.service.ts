import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HSM_PORT, type HsmPort } from '../../hsm/hsm.port.js';
import { hsmSigner } from '../../hsm/hsm-signer.js';
import { signAuditBatch, verifyAuditReceipt, MAX_BATCH_RECORDS } from '../../audit/audit-batch.js';
import { GENESIS_HASH } from '../../audit/audit-record.js';
import { STATION_CONFIG, StationConfig } from '../../config/station-config.js';
import { CENTRAL_CLIENT, type CentralClient } from '../central-client/central-client.port.js';
import { TRUST_ANCHOR } from '../orders/trust-anchor.js';
import { CheckpointService } from './checkpoint.service.js';
import { auditRecordFromRow } from '../../audit/audit-record.js';
import { failpoint } from '../../common/failpoint.js';

export interface AuditSyncState {
  headSeq: number;
  ackedSeq: number;
  unsynced: number;
  lastReceiptAt: string | null;
}

const BATCH = Math.min(500, MAX_BATCH_RECORDS);

/**
 * Sends the audit chain to central in signed batches (system.md §6), from the record after the
 * last receipt; resumable after any interruption (central takes overlaps and answers a batch
 * sent twice with the same receipt). A receipt is believed only if central's receipt signer
 * made it and it names the records sent.
 */
@Injectable()
export class AuditSyncService {
  private readonly log = new Logger(AuditSyncService.name);
  private running: Promise<number> | null = null;

  constructor(
    private readonly ds: DataSource,
    @Inject(HSM_PORT) private readonly hsm: HsmPort,
    @Inject(CENTRAL_CLIENT) private readonly central: CentralClient,
    @Inject(STATION_CONFIG) private readonly config: StationConfig,
    @Inject(TRUST_ANCHOR) private readonly trustAnchor: Buffer,
    private readonly checkpoints: CheckpointService,
  ) {}

  async state(): Promise<AuditSyncState> {
    const [head] = await this.ds.query(`SELECT MAX(seq) AS seq FROM audit_record`);
    const [sync] = await this.ds.query(`SELECT acked_seq AS ackedSeq, updated_at AS at FROM audit_sync WHERE id = 1`);
    const headSeq = head?.seq ?? 0;
    const ackedSeq = sync?.ackedSeq ?? 0;
    return { headSeq, ackedSeq, unsynced: headSeq - ackedSeq, lastReceiptAt: sync?.at ?? null };
  }

  /** Send everything not yet acknowledged; one run at a time. Returns records acknowledged. */
  sync(): Promise<number> {
    this.running ??= this.run().finally(() => (this.running = null));
    return this.running;
  }

  private async run(): Promise<number> {
    let acked = 0;
    for (;;) {
      const [sync] = await this.ds.query(`SELECT acked_seq AS seq, acked_hash AS hash FROM audit_sync WHERE id = 1`);
      const from = { seq: sync?.seq ?? 0, hash: sync?.hash ?? GENESIS_HASH };
      const rows = await this.ds.query(`SELECT * FROM audit_record WHERE seq > ? ORDER BY seq LIMIT ?`, [from.seq, BATCH]);
      if (rows.length === 0) return acked;
      const records = rows.map(auditRecordFromRow);
      const certificates = await this.checkpoints.credential();
      const key = this.hsm.findKey('audit-signing');
      if (!key) throw new Error('audit key missing from the HSM');
      const toSeq = records[records.length - 1].seq;
      const headHash = records[records.length - 1].hash;
      const batch = signAuditBatch(
        { v: 1, stationId: this.config.stationId, fromSeq: records[0].seq, toSeq, prevHash: from.hash, records },
        hsmSigner(this.hsm, key),
        certificates,
      );
      const receipt = await this.central.sendAuditBatch(batch);
      failpoint('audit:after-send');
      verifyAuditReceipt(receipt, this.trustAnchor, new Date(), { stationId: this.config.stationId, toSeq, headHash });
      await this.ds.query(
        `INSERT INTO audit_sync (id, acked_seq, acked_hash, receipt, updated_at) VALUES (1, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET acked_seq = excluded.acked_seq, acked_hash = excluded.acked_hash, receipt = excluded.receipt, updated_at = excluded.updated_at`,
        [toSeq, headHash, receipt, new Date().toISOString()],
      );
      acked += records.length;
      this.log.debug(`audit records ${records[0].seq}..${toSeq} acknowledged by central`);
    }
  }
}
