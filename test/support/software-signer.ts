import { sign as cryptoSign, type KeyObject } from 'node:crypto';
import { generateSoftwareKeyPair } from '../../src/pki/software-keys.js';

import type { Signer } from '../../src/pki/signer.js';
import { digestFor, type KeyAlgorithm } from '../../src/pki/key-algorithm.js';

/** A Signer over a node:crypto key, for unit tests only (production keys live in the HSM). */
export function softwareSigner(algorithm: KeyAlgorithm = 'ec-p256'): Signer & { privateKey: KeyObject; publicKey: KeyObject } {
  const { privateKey, publicKey } = generateSoftwareKeyPair(algorithm);
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return {
    algorithm,
    spki,
    privateKey,
    publicKey,
    sign: (data) => cryptoSign(digestFor(algorithm), data, privateKey),
  };
}

