import type { KeyAlgorithm } from './key-algorithm.js';
import { OID } from './oids.js';
import { nullValue, oid, sequence } from './der/der-writer.js';

/** Pre-encoded signature AlgorithmIdentifiers (RFC 5758 §3.2, RFC 4055, RFC 8410 §3). */
const SIGNATURE_ALGORITHM: Record<KeyAlgorithm, Buffer> = {
  'ec-p256': sequence(oid(OID.ecdsaWithSha256)),
  'ec-p384': sequence(oid(OID.ecdsaWithSha384)),
  ed25519: sequence(oid(OID.ed25519)),
  // RFC 4055 §5: the parameters of sha256WithRSAEncryption are NULL.
  'rsa-2048': sequence(oid(OID.sha256WithRsa), nullValue()),
  'rsa-3072': sequence(oid(OID.sha256WithRsa), nullValue()),
};

export function signatureAlgorithmFor(alg: KeyAlgorithm): Buffer {
  return SIGNATURE_ALGORITHM[alg];
}

/** The signature OIDs a CSR or certificate signed by a key of `alg` may carry. */
export function acceptedSignatureOids(alg: KeyAlgorithm): string[] {
  switch (alg) {
    case 'ec-p256':
      return [OID.ecdsaWithSha256];
    case 'ec-p384':
      return [OID.ecdsaWithSha384, OID.ecdsaWithSha256];
    case 'ed25519':
      return [OID.ed25519];
    default:
      return [OID.sha256WithRsa];
  }
}

/** node:crypto digest name for verifying a signature with the given OID (null: Ed25519). */
export function digestForSignatureOid(sigOid: string): string | null {
  switch (sigOid) {
    case OID.ecdsaWithSha384:
      return 'sha384';
    case OID.ed25519:
      return null;
    default:
      return 'sha256';
  }
}
