/**
 * Is (x, y) a point of the named prime curve? SEC 1 §3.2.2.1 step 3 (y² = x³ + ax + b mod p,
 * a = −3 for both NIST curves). Both curves have cofactor 1, so a point on the curve is in the
 * prime-order group and the costly n·Q = O check of step 4 adds nothing (SEC 1 §3.2.3.1).
 * This lets a public key be vetted without importing it into OpenSSL, whose import runs that
 * scalar multiplication anyway.
 */
const CURVES = {
  'P-256': {
    p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
    b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
  },
  'P-384': {
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
    b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
  },
} as const;

export type NamedCurve = keyof typeof CURVES;

export function isOnCurve(curve: NamedCurve, x: Uint8Array, y: Uint8Array): boolean {
  const { p, b } = CURVES[curve];
  const X = toBigInt(x);
  const Y = toBigInt(y);
  if (X >= p || Y >= p) return false;
  const rhs = (((X * X) % p) * X - 3n * X + b) % p;
  return (Y * Y - rhs) % p === 0n;
}

function toBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`);
}
