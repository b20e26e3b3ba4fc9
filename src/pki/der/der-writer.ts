/**
 * Minimal DER encoder (X.690 §10). Hand-rolled on purpose: the birth-certificate hot path
 * builds a TBS in a few microseconds this way, where a general ASN.1 object builder costs
 * ~100x the HSM signature itself (conventions.md §5). Every function returns a complete TLV.
 */
export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

function lengthBytes(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  if (length < 0x100) return Buffer.from([0x81, length]);
  if (length < 0x10000) return Buffer.from([0x82, length >> 8, length & 0xff]);
  if (length < 0x1000000) return Buffer.from([0x83, length >> 16, (length >> 8) & 0xff, length & 0xff]);
  throw new RangeError(`DER length ${length} too large`);
}

export function tlv(tag: number, ...content: Uint8Array[]): Buffer {
  const body = content.length === 1 ? content[0] : Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), lengthBytes(body.length), body]);
}

export const sequence = (...items: Uint8Array[]): Buffer => tlv(TAG.SEQUENCE, ...items);

/** SET OF: DER requires the encodings sorted (X.690 §11.6). */
export function setOf(...items: Uint8Array[]): Buffer {
  const sorted = [...items].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return tlv(TAG.SET, ...sorted);
}

/** Context-specific constructed tag [n] (EXPLICIT wrapping, or IMPLICIT of a constructed type). */
export const contextConstructed = (n: number, ...content: Uint8Array[]): Buffer => tlv(0xa0 | n, ...content);
/** Context-specific primitive tag [n] (IMPLICIT of a primitive type). */
export const contextPrimitive = (n: number, content: Uint8Array): Buffer => tlv(0x80 | n, content);

/** INTEGER from unsigned big-endian magnitude bytes (adds the 0x00 sign octet when needed). */
export function unsignedInteger(magnitude: Uint8Array): Buffer {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const trimmed = magnitude.subarray(start);
  return trimmed[0] & 0x80 ? tlv(TAG.INTEGER, Buffer.from([0]), trimmed) : tlv(TAG.INTEGER, trimmed);
}

export function smallInteger(value: number | bigint): Buffer {
  let v = BigInt(value);
  if (v < 0n) throw new RangeError('negative INTEGER not supported');
  const bytes: number[] = [];
  do {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  } while (v > 0n);
  return unsignedInteger(Buffer.from(bytes));
}

export const booleanTrue = (): Buffer => Buffer.from([TAG.BOOLEAN, 1, 0xff]);
export const nullValue = (): Buffer => Buffer.from([TAG.NULL, 0]);
export const octetString = (bytes: Uint8Array): Buffer => tlv(TAG.OCTET_STRING, bytes);
export const utf8String = (s: string): Buffer => tlv(TAG.UTF8_STRING, Buffer.from(s, 'utf8'));
export const ia5String = (s: string): Buffer => tlv(TAG.IA5_STRING, Buffer.from(s, 'ascii'));

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
export function printableString(s: string): Buffer {
  if (!PRINTABLE.test(s)) throw new RangeError(`not a PrintableString: ${JSON.stringify(s)}`);
  return tlv(TAG.PRINTABLE_STRING, Buffer.from(s, 'ascii'));
}
export const isPrintable = (s: string): boolean => PRINTABLE.test(s);

/** BIT STRING with 0 unused bits (keys, signatures). */
export const bitString = (bytes: Uint8Array): Buffer => tlv(TAG.BIT_STRING, Buffer.from([0]), bytes);

const oidCache = new Map<string, Buffer>();
export function oid(dotted: string): Buffer {
  const cached = oidCache.get(dotted);
  if (cached) return cached;
  const arcs = dotted.split('.').map((a) => BigInt(a));
  if (arcs.length < 2) throw new RangeError(`bad OID ${dotted}`);
  const out: number[] = [];
  const push = (value: bigint): void => {
    const chunk: number[] = [Number(value & 0x7fn)];
    value >>= 7n;
    while (value > 0n) {
      chunk.unshift(Number(value & 0x7fn) | 0x80);
      value >>= 7n;
    }
    out.push(...chunk);
  };
  push(arcs[0] * 40n + arcs[1]);
  for (const arc of arcs.slice(2)) push(arc);
  const encoded = tlv(TAG.OID, Buffer.from(out));
  oidCache.set(dotted, encoded);
  return encoded;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * RFC 5280 §4.1.2.5: dates through 2049 as UTCTime, from 2050 as GeneralizedTime,
 * both in Z with seconds and no fractions.
 */
export function time(date: Date): Buffer {
  const y = date.getUTCFullYear();
  const rest = `${pad2(date.getUTCMonth() + 1)}${pad2(date.getUTCDate())}${pad2(date.getUTCHours())}${pad2(date.getUTCMinutes())}${pad2(date.getUTCSeconds())}Z`;
  if (y >= 1950 && y < 2050) return tlv(TAG.UTC_TIME, Buffer.from(`${pad2(y % 100)}${rest}`, 'ascii'));
  return tlv(TAG.GENERALIZED_TIME, Buffer.from(`${String(y).padStart(4, '0')}${rest}`, 'ascii'));
}

/** RFC 5280 §4.1.2.5: "no well-defined expiration date" (IEEE 802.1AR IDevID). */
export const NO_EXPIRY = tlv(TAG.GENERALIZED_TIME, Buffer.from('99991231235959Z', 'ascii'));
