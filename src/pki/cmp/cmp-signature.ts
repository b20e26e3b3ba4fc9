import { DerError, children, contentOf, decodeOid, expectTag, readTopLevel } from '../der/der-reader.js';
import { TAG } from '../der/der-writer.js';
import type { KeyAlgorithm } from '../key-algorithm.js';
import { OID } from '../oids.js';
import { inspectSpki } from '../spki.js';
import { softwareVerifier, type SignatureVerifier } from '../signature-verifier.js';
import { CmpRejectedError } from './cmp.errors.js';

type KeyFamily = 'ec' | 'rsa' | 'ed25519';

/**
 * Signature algorithms accepted for CMP protection and CRMF proof of possession (RFC 9481 §3):
 * ECDSA and RSA PKCS#1 v1.5 with SHA-2, and Ed25519. A P-384 key with ecdsa-with-SHA256 is
 * fine: `openssl cmp` signs with `-digest` (SHA-256 by default) whatever the curve.
 */
const SIGNATURE_ALGORITHMS: Record<string, { family: KeyFamily; digest: string | null }> = {
  [OID.ecdsaWithSha256]: { family: 'ec', digest: 'sha256' },
  [OID.ecdsaWithSha384]: { family: 'ec', digest: 'sha384' },
  [OID.ecdsaWithSha512]: { family: 'ec', digest: 'sha512' },
  [OID.sha256WithRsa]: { family: 'rsa', digest: 'sha256' },
  [OID.sha384WithRsa]: { family: 'rsa', digest: 'sha384' },
  [OID.sha512WithRsa]: { family: 'rsa', digest: 'sha512' },
  [OID.ed25519]: { family: 'ed25519', digest: null },
};

const familyOf = (alg: KeyAlgorithm): KeyFamily => (alg.startsWith('ec-') ? 'ec' : alg === 'ed25519' ? 'ed25519' : 'rsa');

/** The OID of a DER AlgorithmIdentifier. */
export function algorithmOid(algorithmIdentifier: Uint8Array): string {
  const top = expectTag(algorithmIdentifier, readTopLevel(algorithmIdentifier, 'AlgorithmIdentifier'), TAG.SEQUENCE, 'AlgorithmIdentifier');
  const [oidTlv] = children(algorithmIdentifier, top);
  if (!oidTlv) throw new DerError('AlgorithmIdentifier: empty');
  return decodeOid(contentOf(algorithmIdentifier, expectTag(algorithmIdentifier, oidTlv, TAG.OID, 'algorithm')));
}

/**
 * Verify `signature` over `data` with the key in `spki` under `algorithmOid`. Returns whether
 * the signature holds; throws CmpRejectedError(badAlg) for an algorithm that is not accepted or
 * does not fit the key, and for a key that cannot be read.
 */
export function verifySignature(sigAlgorithmOid: string, spki: Uint8Array, data: Uint8Array, signature: Uint8Array, verifier: SignatureVerifier = softwareVerifier): boolean {
  const alg = SIGNATURE_ALGORITHMS[sigAlgorithmOid];
  if (!alg) throw new CmpRejectedError(['badAlg'], `signature algorithm ${sigAlgorithmOid} is not supported (RFC 9481 §3: ECDSA, RSA PKCS#1 v1.5 with SHA-2, Ed25519)`);
  let key;
  try {
    key = inspectSpki(spki);
  } catch (err) {
    throw new CmpRejectedError(['badAlg'], `public key refused: ${(err as Error).message}`);
  }
  if (familyOf(key.algorithm) !== alg.family) {
    throw new CmpRejectedError(['badAlg'], `signature algorithm ${sigAlgorithmOid} does not fit a ${key.algorithm} key`);
  }
  // false also for an ECDSA signature that is not a DER ECDSA-Sig-Value
  return verifier.verify(key, spki, alg.digest, data, signature);
}
