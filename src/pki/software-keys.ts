import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { KeyAlgorithm } from './key-algorithm.js';

/**
 * A key pair of the given algorithm in process memory: for the in-memory HSM fake, the device
 * simulator's devices and tests. The product's own CA keys never come from here (HSM only).
 */
export function generateSoftwareKeyPair(algorithm: KeyAlgorithm): { privateKey: KeyObject; publicKey: KeyObject } {
  switch (algorithm) {
    case 'ec-p256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'ec-p384':
      return generateKeyPairSync('ec', { namedCurve: 'P-384' });
    case 'ed25519':
      return generateKeyPairSync('ed25519');
    case 'rsa-2048':
      return generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
    case 'rsa-3072':
      return generateKeyPairSync('rsa', { modulusLength: 3072, publicExponent: 0x10001 });
  }
}
