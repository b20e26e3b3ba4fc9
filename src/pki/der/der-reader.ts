/**
 * Minimal DER reader: enough to walk a CSR or certificate without building an object tree.
 * Every read is bounds-checked; malformed input throws DerError (callers map it to their
 * own boundary error).
 */
export class DerError extends Error {}

export interface Tlv {
  tag: number;
  /** offset of the tag byte */
  start: number;
  /** offset of the first content byte */
  contentStart: number;
  /** offset just past the content */
  end: number;
}

export function readTlv(buf: Uint8Array, offset: number, limit = buf.length): Tlv {
  if (offset + 2 > limit) throw new DerError('truncated DER header');
  const tag = buf[offset];
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tags are not supported');
  let length = buf[offset + 1];
  let pos = offset + 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n === 0 || n > 3) throw new DerError('unsupported DER length form');
    if (pos + n > limit) throw new DerError('truncated DER length');
    length = 0;
    for (let i = 0; i < n; i++) length = (length << 8) | buf[pos + i];
    if (length < 0x80 || (n > 1 && buf[pos] === 0)) throw new DerError('non-minimal DER length');
    pos += n;
  }
  const end = pos + length;
  if (end > limit) throw new DerError('DER content runs past its container');
  return { tag, start: offset, contentStart: pos, end };
}

export function expectTag(buf: Uint8Array, t: Tlv, tag: number, what: string): Tlv {
  if (t.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, found 0x${t.tag.toString(16)}`);
  return t;
}

/** The direct children of a constructed TLV. */
export function children(buf: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let pos = parent.contentStart;
  while (pos < parent.end) {
    const child = readTlv(buf, pos, parent.end);
    out.push(child);
    pos = child.end;
  }
  return out;
}

export const contentOf = (buf: Uint8Array, t: Tlv): Uint8Array => buf.subarray(t.contentStart, t.end);
export const encodingOf = (buf: Uint8Array, t: Tlv): Uint8Array => buf.subarray(t.start, t.end);

/**
 * Dotted OIDs already decoded, by their content octets: a request names the same few dozen
 * OIDs again and again, and decoding arcs as BigInts costs more than a lookup. Bounded, so that
 * a peer sending made-up OIDs cannot grow it without limit; past the bound OIDs are decoded
 * every time.
 */
const decodedOids = new Map<string, string>();
const MAX_CACHED_OIDS = 4096;
const MAX_CACHED_OID_BYTES = 64;

export function decodeOid(content: Uint8Array): string {
  if (content.length > MAX_CACHED_OID_BYTES) return decodeOidArcs(content);
  const key = String.fromCharCode(...content);
  const cached = decodedOids.get(key);
  if (cached !== undefined) return cached;
  const oid = decodeOidArcs(content);
  if (decodedOids.size < MAX_CACHED_OIDS) decodedOids.set(key, oid);
  return oid;
}

function decodeOidArcs(content: Uint8Array): string {
  if (content.length === 0) throw new DerError('empty OID');
  const arcs: bigint[] = [];
  let value = 0n;
  for (let i = 0; i < content.length; i++) {
    value = (value << 7n) | BigInt(content[i] & 0x7f);
    if (!(content[i] & 0x80)) {
      arcs.push(value);
      value = 0n;
    } else if (i === content.length - 1) throw new DerError('truncated OID');
  }
  const first = arcs[0] < 80n ? arcs[0] / 40n : 2n;
  const second = arcs[0] - first * 40n;
  return [first, second, ...arcs.slice(1)].join('.');
}

/** Parse a whole DER value and insist nothing trails it. */
export function readTopLevel(buf: Uint8Array, what: string): Tlv {
  const t = readTlv(buf, 0);
  if (t.end !== buf.length) throw new DerError(`${what}: trailing bytes after DER value`);
  return t;
}
