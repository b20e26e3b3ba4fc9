import { X509Certificate, verify } from 'node:crypto';
import type { Signer } from '../pki/signer.js';
import { verifyChain } from '../pki/chain.js';
import { readCertificateDetails } from '../pki/certificate-details.js';

/**
 * A signed checkpoint of the audit chain: the station's audit key (in its HSM, certified by the
 * brand's Management CA) signs the chain head at `seq`. Rewriting records up to `seq` — even
 * re-hashing the whole chain consistently — breaks the checkpoint, since nobody can sign again
 * without the token.
 */
export interface AuditCheckpoint {
  stationId: string;
  seq: number;
  /** the hash of record `seq` */
  hash: string;
  time: string;
  /** base64 DER signature over checkpointMessage() */
  signature: string;
  /** base64 DER: the audit certificate, then the chain above it */
  certificates: string[];
}

/** The exact bytes signed (docs/audit.md). */
export function checkpointMessage(c: Pick<AuditCheckpoint, 'stationId' | 'seq' | 'hash' | 'time'>): Buffer {
  return Buffer.from(`birthcert-audit-checkpoint/1\n${c.stationId}\n${c.seq}\n${c.hash}\n${c.time}\n`, 'utf8');
}

export function signCheckpoint(
  fields: Pick<AuditCheckpoint, 'stationId' | 'seq' | 'hash' | 'time'>,
  signer: Signer,
  certificates: Uint8Array[],
): AuditCheckpoint {
  return {
    ...fields,
    signature: Buffer.from(signer.sign(checkpointMessage(fields))).toString('base64'),
    certificates: certificates.map((c) => Buffer.from(c).toString('base64')),
  };
}

export class CheckpointInvalidError extends Error {}

/**
 * Check a checkpoint with public material only: its certificate chains to `anchor`, is an end
 * entity allowed to sign, names the station, was valid when the checkpoint was made, and its
 * key made the signature. Throws CheckpointInvalidError with the reason.
 */
export function verifyCheckpoint(c: AuditCheckpoint, anchor: Uint8Array): void {
  const certs = c.certificates.map((b) => Buffer.from(b, 'base64'));
  if (certs.length === 0) throw new CheckpointInvalidError(`checkpoint at ${c.seq} carries no certificate`);
  try {
    verifyChain(certs, anchor);
  } catch (err) {
    throw new CheckpointInvalidError(`checkpoint at ${c.seq}: certificate does not chain to the brand root (${(err as Error).message})`);
  }
  const details = readCertificateDetails(certs[0]);
  if (details.ca || (details.keyUsage && !details.keyUsage.has('digitalSignature'))) {
    throw new CheckpointInvalidError(`checkpoint at ${c.seq}: the certificate may not sign checkpoints`);
  }
  if (details.commonName !== `Station ${c.stationId} audit`) {
    throw new CheckpointInvalidError(`checkpoint at ${c.seq}: certificate is for "${details.commonName}", not station ${c.stationId}`);
  }
  const when = new Date(c.time);
  if (!(when >= details.notBefore && when <= details.notAfter)) {
    throw new CheckpointInvalidError(`checkpoint at ${c.seq}: made at ${c.time}, outside its certificate's validity`);
  }
  const key = new X509Certificate(certs[0]).publicKey;
  if (!verify('sha256', checkpointMessage(c), key, Buffer.from(c.signature, 'base64'))) {
    throw new CheckpointInvalidError(`checkpoint at ${c.seq}: signature does not verify`);
  }
}
