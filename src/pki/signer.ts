import type { KeyAlgorithm } from './key-algorithm.js';

/**
 * Anything that can sign with a private key it never reveals: an HSM key in production,
 * a node:crypto key in tests. `sign` returns the signature in X.509 form (DER ECDSA-Sig-Value,
 * PKCS#1 v1.5, or raw Ed25519) and hashes internally.
 */
export interface Signer {
  readonly algorithm: KeyAlgorithm;
  /** DER SubjectPublicKeyInfo of the signing key. */
  readonly spki: Uint8Array;
  sign(data: Uint8Array): Uint8Array;
}
