import { createPublicKey, verify } from 'node:crypto';
import type { PublicKeyInfo } from './spki.js';

/**
 * Checks a signature made by the holder of a public key (a CSR's proof of possession). The
 * default runs in node:crypto; the station hands in one backed by its HSM, which checks EC
 * signatures at a lower cost than an OpenSSL key import plus verify (bench/issuance).
 * `signature` is in the form X.509 and PKCS#10 carry it (DER ECDSA-Sig-Value for EC).
 */
export interface SignatureVerifier {
  verify(key: PublicKeyInfo, spki: Uint8Array, digest: string | null, data: Uint8Array, signature: Uint8Array): boolean;
}

export const softwareVerifier: SignatureVerifier = {
  verify: (key, _spki, digest, data, signature) => {
    try {
      return verify(digest, data, key.key, signature);
    } catch {
      return false; // a signature OpenSSL cannot parse proves nothing
    }
  },
};

/**
 * The same check with the key imported from its DER SubjectPublicKeyInfo for each signature.
 * Where OpenSSL decodes keys with its legacy methods (an engine serves EC and RSA key methods:
 * hsm/openssl-engine.ts) that import is the cheapest form, and the whole check costs less than
 * the HSM's (~90 µs against ~115 µs for P-256); elsewhere the provider decoders make it the
 * dearest (~200–250 µs).
 */
export const spkiVerifier: SignatureVerifier = {
  verify: (_key, spki, digest, data, signature) => {
    try {
      return verify(digest, data, createPublicKey({ key: Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength), format: 'der', type: 'spki' }), signature);
    } catch {
      return false; // a key or signature OpenSSL cannot parse proves nothing
    }
  },
};
