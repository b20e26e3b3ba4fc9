import { InvalidInputError } from '../common/domain-error.js';
import { isKeyAlgorithm, type KeyAlgorithm } from '../pki/key-algorithm.js';

/** CKA_APPLICATION of the product's counter data objects, so other data objects are never touched. */
export const COUNTER_APPLICATION = 'birthcert-counter';

const MAX_LABEL_LENGTH = 128;
const MAX_U64 = (1n << 64n) - 1n;

/** Labels and counter names: non-empty, bounded, printable (they end up in logs and audit rows). */
export function assertLabel(value: unknown, what: 'key label' | 'counter name'): asserts value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LABEL_LENGTH) {
    throw new InvalidInputError(`${what} must be a string of 1 to ${MAX_LABEL_LENGTH} characters`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw new InvalidInputError(`${what} must not contain control characters`);
  }
}

export function assertAlgorithm(value: unknown): asserts value is KeyAlgorithm {
  if (!isKeyAlgorithm(value)) {
    throw new InvalidInputError(`unsupported key algorithm ${JSON.stringify(value)}`);
  }
}

/** Counters are unsigned 64-bit: what fits CKA_VALUE's 8 bytes, and what the quota needs. */
export function encodeCounter(value: bigint): Buffer {
  if (typeof value !== 'bigint' || value < 0n || value > MAX_U64) {
    throw new InvalidInputError('counter value must be a bigint in [0, 2^64-1]');
  }
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(value);
  return out;
}

export function decodeCounter(bytes: Uint8Array): bigint | null {
  if (bytes.length !== 8) return null;
  return Buffer.from(bytes.buffer, bytes.byteOffset, 8).readBigUInt64BE(0);
}
