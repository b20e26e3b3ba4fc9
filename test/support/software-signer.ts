import { generateKeyPairSync, sign as cryptoSign, type KeyObject } from 'node:crypto';
import type { Signer } from '../../src/pki/signer.js';
import { digestFor, type KeyAlgorithm } from '../../src/pki/key-algorithm.js';

/** A Signer over a node:crypto key, for unit tests only (production keys live in the HSM). */
export function softwareSigner(algorithm: KeyAlgorithm = 'ec-p256'): Signer & { privateKey: KeyObject; publicKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPair(algorithm);
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return {
    algorithm,
    spki,
    privateKey,
    publicKey,
    sign: (data) => cryptoSign(digestFor(algorithm), data, privateKey),
  };
}

export function generateKeyPair(algorithm: KeyAlgorithm): { privateKey: KeyObject; publicKey: KeyObject } {
  switch (algorithm) {
    case 'ec-p256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'ec-p384':
      return generateKeyPairSync('ec', { namedCurve: 'P-384' });
    case 'ed25519':
      return generateKeyPairSync('ed25519');
    case 'rsa-2048':
      return generateKeyPairSync('rsa', { modulusLength: 2048 });
    case 'rsa-3072':
      return generateKeyPairSync('rsa', { modulusLength: 3072 });
  }
}
