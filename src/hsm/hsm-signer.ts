import type { Signer } from '../pki/signer.js';
import type { HsmKey, HsmPort } from './hsm.port.js';

/** A PKI Signer whose private key never leaves the token. */
export function hsmSigner(hsm: HsmPort, key: HsmKey): Signer {
  return { algorithm: key.algorithm, spki: key.spki, sign: (data) => hsm.sign(key, data) };
}
