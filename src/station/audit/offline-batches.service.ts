import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../../common/domain-error.js';
import { MAX_BATCH_RECORDS, readAuditReceipt } from '../../audit/audit-batch.js';
import { formatBatchFile, readReceiptFile, AuditFileFormatError } from '../../audit/audit-batch-file.js';
import { SignedContentError } from '../../pki/signed-content.js';
import { STATION_CONFIG, StationConfig } from '../../config/station-config.js';
import { TRUST_ANCHOR } from '../orders/trust-anchor.js';
import { AuditLog } from './audit-log.js';
import { StationAuditBatches } from './station-audit-batches.js';
import { AuditSyncService, type AuditSyncState } from './audit-sync.service.js';

/** A batch file range the station cannot export (nothing there, or backwards). */
export class AuditExportRangeError extends DomainError {
  readonly code = 'AUDIT_EXPORT_RANGE';
  readonly status = 422;
  readonly retryable = false;
}

/** A receipt file the station does not believe, with the reason. */
export class AuditReceiptRefusedError extends DomainError {
  readonly code = 'AUDIT_RECEIPT_REFUSED';
  readonly status = 422;
  readonly retryable = false;
}

export interface BatchFileExport {
  fileName: string;
  text: string;
  fromSeq: number;
  toSeq: number;
  batches: number;
}

/**
 * Audit sync for an air-gapped line (docs/audit.md, "Offline delivery"): the supervisor exports
 * the records central has not acknowledged as a batch file — the very batches the online sync
 * sends, signed by the audit key in this station's HSM — carries it to central, and brings
 * central's receipt back as a file, which moves the acknowledged head here exactly as an online
 * receipt would.
 */
@Injectable()
export class OfflineBatchesService {
  constructor(
    private readonly batches: StationAuditBatches,
    private readonly audit: AuditLog,
    private readonly sync: AuditSyncService,
    @Inject(STATION_CONFIG) private readonly config: StationConfig,
    @Inject(TRUST_ANCHOR) private readonly trustAnchor: Buffer,
  ) {}

  /**
   * Records fromSeq..toSeq (default: from the first central has not acknowledged to the head) as
   * a batch file. The export is audited first, so by default the file ends with its own record.
   */
  async exportBatchFile(actor: string, range: { fromSeq?: number; toSeq?: number } = {}): Promise<BatchFileExport> {
    await this.audit.record('audit-exported', {
      actor,
      detail: `signed audit batch file exported by ${actor}${range.fromSeq || range.toSeq ? ` (records ${range.fromSeq ?? 'next'}..${range.toSeq ?? 'head'})` : ''}`,
    });
    const [acked, head] = [await this.batches.acked(), await this.batches.head()];
    const fromSeq = range.fromSeq ?? acked.seq + 1;
    const toSeq = Math.min(range.toSeq ?? head.seq, head.seq);
    if (fromSeq < 1 || fromSeq > toSeq) throw new AuditExportRangeError(`no records ${fromSeq}..${range.toSeq ?? head.seq} to export: the chain holds 1..${head.seq}`);
    let prevHash = (await this.batches.hashOf(fromSeq - 1))!;
    const signed: Buffer[] = [];
    for (let seq = fromSeq; seq <= toSeq; ) {
      const records = await this.batches.records(seq, toSeq, MAX_BATCH_RECORDS);
      signed.push(await this.batches.sign(records, prevHash));
      prevHash = records[records.length - 1].hash;
      seq = records[records.length - 1].seq + 1;
    }
    return {
      fileName: `audit-batches-${this.config.stationId}-${fromSeq}-${toSeq}.pem`,
      text: formatBatchFile(signed),
      fromSeq,
      toSeq,
      batches: signed.length,
    };
  }

  /**
   * Central's receipt brought back as a file: believed only if central's receipt signer made it
   * under the brand root, for this station, naming a record of this chain with the very hash it
   * has here. An older receipt than the one held changes nothing (importing twice is harmless).
   */
  async importReceipt(actor: string, file: Buffer | string): Promise<{ toSeq: number; advanced: boolean; sync: AuditSyncState }> {
    let receipt;
    let der: Buffer;
    try {
      der = readReceiptFile(file);
      receipt = readAuditReceipt(der, this.trustAnchor, new Date());
    } catch (err) {
      if (err instanceof AuditFileFormatError) throw new AuditReceiptRefusedError(err.message);
      if (err instanceof SignedContentError) throw new AuditReceiptRefusedError(`receipt ${err.failure.toLowerCase()}: ${err.message}`);
      throw err;
    }
    if (receipt.stationId !== this.config.stationId) {
      throw new AuditReceiptRefusedError(`the receipt is for station ${receipt.stationId}, this is station ${this.config.stationId}`);
    }
    const ours = await this.batches.hashOf(receipt.toSeq);
    if (ours === null) throw new AuditReceiptRefusedError(`the receipt acknowledges record ${receipt.toSeq}, which this station does not have`);
    if (ours !== receipt.headHash) {
      throw new AuditReceiptRefusedError(`the receipt's record ${receipt.toSeq} has hash ${receipt.headHash}, this station's ${ours}: central holds another chain`);
    }
    const advanced = await this.batches.recordReceipt(receipt.toSeq, receipt.headHash, der);
    await this.audit.record('audit-receipt-imported', {
      actor,
      detail: `central's receipt for records up to ${receipt.toSeq} (received ${receipt.receivedAt}) imported by ${actor}${advanced ? '' : '; already acknowledged'}`,
    });
    return { toSeq: receipt.toSeq, advanced, sync: await this.sync.state() };
  }
}
