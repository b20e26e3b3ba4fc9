import type { KeyAlgorithm } from '../pki/key-algorithm.js';

export type EcdsaHash = 'sha256' | 'sha384' | 'sha512';

/** A private key living inside the token. The handle is opaque outside the adapter. */
export interface HsmKey {
  /** CKA_LABEL, unique per token in this product. */
  readonly label: string;
  readonly algorithm: KeyAlgorithm;
  /** DER SubjectPublicKeyInfo of the key's public half. */
  readonly spki: Uint8Array;
}

/**
 * The HSM port: everything the product asks of a PKCS#11 token.
 *
 * Contract (checked by test/integration/hsm/hsm-contract.ts against every backend):
 * - generateKeyPair creates a token (persistent) key pair; the private key is CKA_SENSITIVE,
 *   non-extractable, CKA_SIGN; a label that already exists is refused with HsmKeyExistsError.
 * - sign(key, data) returns the signature in the form X.509/CMS carry it: a DER ECDSA-Sig-Value
 *   for EC keys (the adapter hashes with digestFor(alg) and uses raw CKM_ECDSA, since SoftHSM2
 *   lacks combined hash-and-sign ECDSA), PKCS#1 v1.5 for RSA, raw 64 bytes for Ed25519.
 *   It is synchronous on purpose: it sits on the issuance hot path.
 * - findKey returns null for an unknown label; destroyKey removes both halves and is idempotent.
 * - verifyEcdsa checks an ECDSA signature (raw r||s) over data hashed with `hash`, by a public key
 *   that is not on the token (a device's CSR): true if it verifies, false if it does not or is
 *   malformed.
 *   It throws only when the token cannot answer, so an outage is never read as a bad signature.
 * - Counters are token data objects (CKO_DATA) holding an unsigned 64-bit value; readCounter of
 *   an unknown name returns null.
 */
export interface HsmPort {
  generateKeyPair(label: string, algorithm: KeyAlgorithm): HsmKey;
  findKey(label: string): HsmKey | null;
  sign(key: HsmKey, data: Uint8Array): Uint8Array;
  verifyEcdsa(algorithm: 'ec-p256' | 'ec-p384', uncompressedPoint: Uint8Array, hash: EcdsaHash, data: Uint8Array, signature: Uint8Array): boolean;
  destroyKey(label: string): void;
  listKeyLabels(): string[];
  readCounter(name: string): bigint | null;
  writeCounter(name: string, value: bigint): void;
  close(): void;
}

export const HSM_PORT = Symbol('HSM_PORT');

/** Settings naming a PKCS#11 token; a real HSM drops in by changing these alone. */
export interface HsmConfig {
  /** Path of the PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so */
  modulePath: string;
  /** Token label (slot ids are not stable across re-initialisation, labels are). */
  tokenLabel: string;
  /** User PIN. Never logged. */
  pin: string;
}
