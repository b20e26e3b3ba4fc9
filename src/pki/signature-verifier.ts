import { verify } from 'node:crypto';
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
