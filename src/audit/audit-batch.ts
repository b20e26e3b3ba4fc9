import { encodeSignedData } from '../pki/cms-signed-data.js';
import { OID } from '../pki/oids.js';
import type { Signer } from '../pki/signer.js';
import { verifySignedContent, SignedContentError } from '../pki/signed-content.js';
import type { AuditRecord } from './audit-record.js';
import { verifyAuditChain } from './verify-chain.js';

/**
 * An audit batch: a contiguous run of a station's audit records, signed (CMS SignedData,
 * RFC 5652) with the station's audit key. Content: UTF-8 JSON
 * { v: 1, stationId, fromSeq, toSeq, prevHash, records } (docs/audit.md).
 */
export interface AuditBatchContent {
  v: 1;
  stationId: string;
  fromSeq: number;
  toSeq: number;
  /** hash of record fromSeq − 1 (64 zeros for a batch from record 1) */
  prevHash: string;
  records: AuditRecord[];
}

/** A receipt from central: it holds the station's chain up to toSeq, whose hash is headHash. */
export interface AuditReceiptContent {
  v: 1;
  stationId: string;
  toSeq: number;
  headHash: string;
  receivedAt: string;
}

export const MAX_BATCH_BYTES = 8 * 1024 * 1024;
export const MAX_BATCH_RECORDS = 5000;

export type AuditBatchRejection = 'BATCH_MALFORMED' | 'BATCH_FORGED' | 'BATCH_TAMPERED' | 'BATCH_BROKEN_CHAIN' | 'BATCH_WRONG_STATION';

export class AuditBatchRejectedError extends Error {
  constructor(
    readonly code: AuditBatchRejection,
    message: string,
  ) {
    super(message);
  }
}

export function signAuditBatch(content: AuditBatchContent, signer: Signer, certificates: Uint8Array[]): Buffer {
  return encodeSignedData({
    eContentType: OID.auditBatch,
    eContent: Buffer.from(JSON.stringify(content), 'utf8'),
    signer,
    signerCertificate: certificates[0],
    extraCertificates: certificates.slice(1),
  });
}

/**
 * Verify a batch with public material only: signed by the audit key of the station it names
 * (certificate CN "Station <id> audit" chaining to the brand root), records contiguous from
 * fromSeq to toSeq and chained from prevHash.
 */
export function verifyAuditBatch(der: Uint8Array, anchor: Uint8Array, now: Date): AuditBatchContent {
  let verified;
  try {
    verified = verifySignedContent(der, { eContentType: OID.auditBatch, anchor, now, maxSize: MAX_BATCH_BYTES, what: 'audit batch' });
  } catch (err) {
    if (err instanceof SignedContentError) throw new AuditBatchRejectedError(`BATCH_${err.failure}` as AuditBatchRejection, err.message);
    throw err;
  }
  let c: AuditBatchContent;
  try {
    c = JSON.parse(verified.content.toString('utf8')) as AuditBatchContent;
  } catch {
    throw new AuditBatchRejectedError('BATCH_MALFORMED', 'audit batch content is not JSON');
  }
  if (c.v !== 1 || typeof c.stationId !== 'string' || !Array.isArray(c.records) || c.records.length === 0 || c.records.length > MAX_BATCH_RECORDS) {
    throw new AuditBatchRejectedError('BATCH_MALFORMED', `audit batch content has the wrong shape (1..${MAX_BATCH_RECORDS} records)`);
  }
  if (verified.signer.commonName !== `Station ${c.stationId} audit`) {
    throw new AuditBatchRejectedError('BATCH_WRONG_STATION', `audit batch for station ${JSON.stringify(c.stationId)} is signed by "${verified.signer.commonName}"`);
  }
  if (c.records[0].seq !== c.fromSeq || c.records[c.records.length - 1].seq !== c.toSeq) {
    throw new AuditBatchRejectedError('BATCH_MALFORMED', `audit batch says ${c.fromSeq}..${c.toSeq} but holds ${c.records[0].seq}..${c.records[c.records.length - 1].seq}`);
  }
  const v = verifyAuditChain(c.records, { prevHash: c.prevHash });
  if (!v.ok) throw new AuditBatchRejectedError('BATCH_BROKEN_CHAIN', `audit batch ${c.fromSeq}..${c.toSeq}: ${v.firstBad!.reason}`);
  return c;
}

export function signAuditReceipt(content: AuditReceiptContent, signer: Signer, certificates: Uint8Array[]): Buffer {
  return encodeSignedData({
    eContentType: OID.auditReceipt,
    eContent: Buffer.from(JSON.stringify(content), 'utf8'),
    signer,
    signerCertificate: certificates[0],
    extraCertificates: certificates.slice(1),
  });
}

/** A receipt's content, once it is known to be central's: signed by its Audit Receipt Signer under the brand root. */
export function readAuditReceipt(der: Uint8Array, anchor: Uint8Array, now: Date): AuditReceiptContent {
  const { content, signer } = verifySignedContent(der, { eContentType: OID.auditReceipt, anchor, now, maxSize: 64 * 1024, what: 'audit receipt' });
  if (!/Audit Receipt Signer$/.test(signer.commonName ?? '')) throw new SignedContentError('FORGED', `audit receipt signed by "${signer.commonName}"`);
  let r: AuditReceiptContent;
  try {
    r = JSON.parse(content.toString('utf8')) as AuditReceiptContent;
  } catch {
    throw new SignedContentError('MALFORMED', 'audit receipt content is not JSON');
  }
  if (typeof r.stationId !== 'string' || !Number.isSafeInteger(r.toSeq) || r.toSeq < 1 || typeof r.headHash !== 'string') {
    throw new SignedContentError('MALFORMED', 'audit receipt content has the wrong shape');
  }
  return r;
}

/** A receipt is believed only if central's receipt signer made it and it says what we sent. */
export function verifyAuditReceipt(der: Uint8Array, anchor: Uint8Array, now: Date, expected: { stationId: string; toSeq: number; headHash: string }): AuditReceiptContent {
  const r = readAuditReceipt(der, anchor, now);
  if (r.stationId !== expected.stationId || r.toSeq !== expected.toSeq || r.headHash !== expected.headHash) {
    throw new SignedContentError('TAMPERED', `audit receipt for ${r.stationId} up to ${r.toSeq} does not match what was sent (${expected.toSeq})`);
  }
  return r;
}
