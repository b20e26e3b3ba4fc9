/**
 * Key algorithms the product supports, named the same way in config, policy, the HSM port and
 * the jig protocol. P-256 is the default for birth certificates (system.md §3).
 */
export const KEY_ALGORITHMS = ['ec-p256', 'ec-p384', 'ed25519', 'rsa-2048', 'rsa-3072'] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

export function isKeyAlgorithm(value: unknown): value is KeyAlgorithm {
  return typeof value === 'string' && (KEY_ALGORITHMS as readonly string[]).includes(value);
}

/** The digest a signature with a key of this algorithm uses (none for Ed25519, which hashes internally). */
export function digestFor(alg: KeyAlgorithm): 'sha256' | 'sha384' | null {
  switch (alg) {
    case 'ec-p384':
      return 'sha384';
    case 'ed25519':
      return null;
    default:
      return 'sha256';
  }
}
