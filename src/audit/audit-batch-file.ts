import { fromPemAll, toPem } from '../pki/pem.js';

/**
 * Files that carry audit batches and receipts across an air gap (docs/audit.md, "Offline
 * delivery"). A batch file holds one or more signed audit batches — exactly the CMS SignedData
 * the online sync sends — each as a PEM block labelled CMS (RFC 7468 §9), in chain order. A
 * receipt file holds central's signed receipt the same way. PEM keeps the files readable by
 * `openssl cms -inform PEM` and safe for any USB stick or mail gateway.
 */
export const CMS_PEM_LABEL = 'CMS';

export class AuditFileFormatError extends Error {}

export function formatBatchFile(batches: Uint8Array[]): string {
  return batches.map((b) => toPem(b, CMS_PEM_LABEL)).join('');
}

/**
 * The signed batches of a batch file, in order. A bare DER SignedData (one batch, as the online
 * sync posts it) is accepted too.
 */
export function readBatchFile(bytes: Buffer): Buffer[] {
  if (bytes.length > 0 && bytes[0] === 0x30) return [bytes];
  const text = bytes.toString('utf8');
  const blocks = fromPemAll(text, CMS_PEM_LABEL);
  if (blocks.length === 0) throw new AuditFileFormatError('not an audit batch file: no "-----BEGIN CMS-----" block and not DER');
  if (blocks.some((b) => b.length === 0)) throw new AuditFileFormatError('an empty CMS block in the audit batch file');
  return blocks;
}

export function formatReceiptFile(receipt: Uint8Array): string {
  return toPem(receipt, CMS_PEM_LABEL);
}

/** A receipt file (PEM), or the receipt's DER, or its base64: the signed receipt's DER. */
export function readReceiptFile(input: Buffer | string): Buffer {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  if (bytes.length > 0 && bytes[0] === 0x30) return bytes;
  const text = bytes.toString('utf8').trim();
  const blocks = fromPemAll(text, CMS_PEM_LABEL);
  if (blocks.length === 1) return blocks[0];
  if (blocks.length > 1) throw new AuditFileFormatError(`a receipt file holds one receipt, this one holds ${blocks.length}`);
  if (/^[A-Za-z0-9+/=\s]+$/.test(text)) {
    const der = Buffer.from(text.replace(/\s+/g, ''), 'base64');
    if (der[0] === 0x30) return der;
  }
  throw new AuditFileFormatError('not an audit receipt: no "-----BEGIN CMS-----" block, DER or base64');
}
