import { DerError } from '../pki/der/der-reader.js';
import { ecdsaDerToRaw } from '../pki/ecdsa-signature.js';
import { softwareVerifier, spkiVerifier, type SignatureVerifier } from '../pki/signature-verifier.js';
import type { PublicKeyInfo } from '../pki/spki.js';
import { HSM_PORT, type EcdsaHash, type HsmPort } from './hsm.port.js';
import { engineKeyMethodsPreferred } from './openssl-engine.js';

/** Nest token for the verifier a host module provides (central: over its HSM). */
export const SIGNATURE_VERIFIER = Symbol('SIGNATURE_VERIFIER');

const EC_SIZES = { 'ec-p256': 32, 'ec-p384': 48 } as const;
const isEcdsaHash = (digest: string | null): digest is EcdsaHash => digest === 'sha256' || digest === 'sha384' || digest === 'sha512';

/**
 * Proof-of-possession checks for EC keys (uncompressed points) in the HSM: a session object and
 * C_Verify cost less than OpenSSL's key import plus verify (~100 µs against ~150 µs for P-256
 * with SoftHSM2, bench/issuance). Other keys are checked in node:crypto. A signature that is not
 * a well-formed ECDSA-Sig-Value for the curve is simply false.
 *
 * Once the process has made the OpenSSL engine serve key methods (a TLS listener with its key in
 * the token: openssl-engine.ts), OpenSSL imports keys cheaply and node:crypto checks EC
 * signatures for less than the HSM does; every signature is then checked there.
 */
export class HsmSignatureVerifier implements SignatureVerifier {
  constructor(
    private readonly hsm: HsmPort,
    private readonly cheaperInOpenSsl: () => boolean = engineKeyMethodsPreferred,
  ) {}

  verify(key: PublicKeyInfo, spki: Uint8Array, digest: string | null, data: Uint8Array, signature: Uint8Array): boolean {
    if (this.cheaperInOpenSsl()) return spkiVerifier.verify(key, spki, digest, data, signature);
    const size = key.algorithm === 'ec-p256' || key.algorithm === 'ec-p384' ? EC_SIZES[key.algorithm] : 0;
    const point = key.ecPoint;
    if (!size || !point || point.length !== 1 + 2 * size || point[0] !== 0x04 || !isEcdsaHash(digest)) {
      return softwareVerifier.verify(key, spki, digest, data, signature);
    }
    let raw: Buffer;
    try {
      raw = ecdsaDerToRaw(signature, size);
    } catch (err) {
      if (err instanceof DerError) return false;
      throw err;
    }
    return this.hsm.verifyEcdsa(key.algorithm as keyof typeof EC_SIZES, point, digest, data, raw);
  }
}

/** The provider both services use: SIGNATURE_VERIFIER over the process's HSM port. */
export const signatureVerifierProvider = {
  provide: SIGNATURE_VERIFIER,
  useFactory: (hsm: HsmPort): SignatureVerifier => new HsmSignatureVerifier(hsm),
  inject: [HSM_PORT],
};
