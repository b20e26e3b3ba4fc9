/**
 * Payload TLVs: tag u8 | length u16 BE | value. A flat list, order significant only for repeated
 * tags (CHAIN_CERTIFICATE keeps chain order). See docs/jig-protocol.md §4.
 */
import { MAX_PAYLOAD_LENGTH } from './constants.js';
import { MessageDecodeError } from './protocol.errors.js';
import { InvalidInputError } from '../../../common/domain-error.js';

export interface Tlv {
  tag: number;
  value: Uint8Array;
}

const TLV_HEADER = 3;

export function encodeTlvs(items: readonly Tlv[]): Uint8Array {
  const total = items.reduce((sum, item) => sum + TLV_HEADER + item.value.length, 0);
  if (total > MAX_PAYLOAD_LENGTH) {
    throw new InvalidInputError(`jig message of ${total} bytes exceeds the ${MAX_PAYLOAD_LENGTH}-byte payload limit`);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const { tag, value } of items) {
    if (!Number.isInteger(tag) || tag < 0 || tag > 0xff) throw new InvalidInputError(`TLV tag ${tag} is not a byte`);
    out[offset] = tag;
    out[offset + 1] = value.length >> 8;
    out[offset + 2] = value.length & 0xff;
    out.set(value, offset + TLV_HEADER);
    offset += TLV_HEADER + value.length;
  }
  return out;
}

export function decodeTlvs(payload: Uint8Array): Tlv[] {
  const items: Tlv[] = [];
  let offset = 0;
  while (offset < payload.length) {
    if (payload.length - offset < TLV_HEADER) {
      throw new MessageDecodeError(`TLV header at offset ${offset} is cut off (${payload.length - offset} byte(s) left)`);
    }
    const tag = payload[offset];
    const length = (payload[offset + 1] << 8) | payload[offset + 2];
    const start = offset + TLV_HEADER;
    if (start + length > payload.length) {
      throw new MessageDecodeError(
        `TLV tag 0x${tag.toString(16)} at offset ${offset} announces ${length} bytes, only ${payload.length - start} remain`,
      );
    }
    items.push({ tag, value: payload.slice(start, start + length) });
    offset = start + length;
  }
  return items;
}

/** Typed reads over a decoded TLV list; every failure is a MessageDecodeError (answered MALFORMED). */
export class TlvReader {
  constructor(
    private readonly items: readonly Tlv[],
    private readonly context: string,
  ) {}

  static of(payload: Uint8Array, context: string): TlvReader {
    return new TlvReader(decodeTlvs(payload), context);
  }

  all(tag: number): Uint8Array[] {
    return this.items.filter((item) => item.tag === tag).map((item) => item.value);
  }

  /** A single-valued tag: repeated occurrences are ambiguous, so they are refused. */
  optional(tag: number): Uint8Array | undefined {
    const values = this.all(tag);
    if (values.length > 1) throw new MessageDecodeError(`${this.context}: tag 0x${tag.toString(16)} appears ${values.length} times`);
    return values[0];
  }

  bytes(tag: number, name: string): Uint8Array {
    const value = this.optional(tag);
    if (value === undefined) throw new MessageDecodeError(`${this.context}: required ${name} (tag 0x${tag.toString(16)}) is missing`);
    return value;
  }

  nonEmptyBytes(tag: number, name: string): Uint8Array {
    const value = this.bytes(tag, name);
    if (value.length === 0) throw new MessageDecodeError(`${this.context}: ${name} is empty`);
    return value;
  }

  u8(tag: number, name: string): number {
    const value = this.bytes(tag, name);
    if (value.length !== 1) throw new MessageDecodeError(`${this.context}: ${name} must be 1 byte, got ${value.length}`);
    return value[0];
  }

  optionalU8(tag: number, name: string): number | undefined {
    return this.optional(tag) === undefined ? undefined : this.u8(tag, name);
  }

  text(tag: number, name: string): string {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(this.bytes(tag, name));
    } catch (error) {
      if (error instanceof MessageDecodeError) throw error;
      throw new MessageDecodeError(`${this.context}: ${name} is not valid UTF-8`);
    }
  }
}

export const tlv = {
  bytes: (tag: number, value: Uint8Array): Tlv => ({ tag, value }),
  u8: (tag: number, value: number): Tlv => ({ tag, value: Uint8Array.of(value) }),
  text: (tag: number, value: string): Tlv => ({ tag, value: new TextEncoder().encode(value) }),
};
