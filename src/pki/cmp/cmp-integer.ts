import { DerError, contentOf, expectTag, type Tlv } from '../der/der-reader.js';
import { TAG, tlv } from '../der/der-writer.js';

/**
 * Small signed INTEGERs of CMP (certReqId may be -1 for p10cr, RFC 9480 §2.14; checkAfter,
 * status codes). Anything wider than 48 bits is refused: no field here needs more.
 */
export function decodeSmallInteger(buf: Uint8Array, t: Tlv, what: string): number {
  const c = contentOf(buf, expectTag(buf, t, TAG.INTEGER, what));
  if (c.length === 0 || c.length > 6) throw new DerError(`${what}: INTEGER of ${c.length} bytes`);
  if (c.length > 1 && ((c[0] === 0 && !(c[1] & 0x80)) || (c[0] === 0xff && c[1] & 0x80))) {
    throw new DerError(`${what}: non-minimal INTEGER`);
  }
  let value = 0;
  for (const byte of c) value = value * 256 + byte;
  // two's complement: a set top bit makes it negative
  if (c[0] & 0x80) value -= 2 ** (8 * c.length);
  return value;
}

export function encodeSignedInteger(value: number): Buffer {
  if (!Number.isSafeInteger(value)) throw new RangeError(`INTEGER ${value} out of range`);
  const bytes: number[] = [];
  let v = BigInt(value);
  for (;;) {
    const byte = Number(BigInt.asUintN(8, v));
    bytes.unshift(byte);
    v >>= 8n;
    if ((v === 0n && !(byte & 0x80)) || (v === -1n && byte & 0x80)) break;
  }
  return tlv(TAG.INTEGER, Buffer.from(bytes));
}
