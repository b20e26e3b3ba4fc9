import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { verifyAuditReceipt } from '../../audit/audit-batch.js';
import { STATION_CONFIG, StationConfig } from '../../config/station-config.js';
import { CENTRAL_CLIENT, type CentralClient } from '../central-client/central-client.port.js';
import { TRUST_ANCHOR } from '../orders/trust-anchor.js';
import { StationAuditBatches } from './station-audit-batches.js';
import { failpoint } from '../../common/failpoint.js';

export interface AuditSyncState {
  headSeq: number;
  ackedSeq: number;
  unsynced: number;
  lastReceiptAt: string | null;
  /** how batches reach central: HTTPS with the station's TLS client certificate, or the API token */
  transport: 'mutual-tls' | 'api-token';
}

const BATCH = 500;

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
    @Inject(CENTRAL_CLIENT) private readonly central: CentralClient,
    @Inject(STATION_CONFIG) private readonly config: StationConfig,
    @Inject(TRUST_ANCHOR) private readonly trustAnchor: Buffer,
    private readonly batches: StationAuditBatches,
  ) {}

  async state(): Promise<AuditSyncState> {
    const [head] = await this.ds.query(`SELECT MAX(seq) AS seq FROM audit_record`);
    const [sync] = await this.ds.query(`SELECT acked_seq AS ackedSeq, updated_at AS at FROM audit_sync WHERE id = 1`);
    const headSeq = head?.seq ?? 0;
    const ackedSeq = sync?.ackedSeq ?? 0;
    const transport = this.config.central.tlsUrl ? 'mutual-tls' : 'api-token';
    return { headSeq, ackedSeq, unsynced: Math.max(0, headSeq - ackedSeq), lastReceiptAt: sync?.at ?? null, transport };
  }

  /** Send everything not yet acknowledged; one run at a time. Returns records acknowledged. */
  sync(): Promise<number> {
    this.running ??= this.run().finally(() => (this.running = null));
    return this.running;
  }

  private async run(): Promise<number> {
    let acked = 0;
    for (;;) {
      const from = await this.batches.acked();
      const records = await this.batches.records(from.seq + 1, Number.MAX_SAFE_INTEGER, BATCH);
      if (records.length === 0) return acked;
      const toSeq = records[records.length - 1].seq;
      const headHash = records[records.length - 1].hash;
      const batch = await this.batches.sign(records, from.hash);
      const receipt = await this.central.sendAuditBatch(batch);
      failpoint('audit:after-send');
      verifyAuditReceipt(receipt, this.trustAnchor, new Date(), { stationId: this.config.stationId, toSeq, headHash });
      await this.batches.recordReceipt(toSeq, headHash, receipt);
      acked += records.length;
      this.log.debug(`audit records ${records[0].seq}..${toSeq} acknowledged by central`);
    }
  }
}
