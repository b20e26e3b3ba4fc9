/**
 * Frame encoding and the helpers the decoder shares. Layout (docs/jig-protocol.md §2):
 *
 *   A5 5A | version u8 | type u8 | slot u8 | seq u16 BE | length u16 BE | payload | CRC-32 u32 BE
 *
 * The CRC is CRC-32/ISO-HDLC (the zlib/Ethernet CRC) over version..payload: the magic is excluded
 * because it is constant, and including the header means a corrupted slot or seq is caught too.
 */
import { crc32 } from 'node:zlib';
import {
  CRC_LENGTH,
  HEADER_LENGTH,
  MAGIC_0,
  MAGIC_1,
  MAX_DEVICE_SLOT,
  JIG_CONTROLLER_SLOT,
  MAX_PAYLOAD_LENGTH,
  PROTOCOL_VERSION,
} from './constants.js';
import { InvalidInputError } from '../../../common/domain-error.js';
import type { FrameHeader } from './protocol.errors.js';

export interface Frame {
  version: number;
  type: number;
  slot: number;
  seq: number;
  payload: Uint8Array;
}

export interface FrameToEncode {
  type: number;
  slot: number;
  seq: number;
  payload?: Uint8Array;
  /** Only tests and the version-negotiation path set this; everything else speaks v1. */
  version?: number;
}

export function frameCrc(bytes: Uint8Array): number {
  return crc32(bytes) >>> 0;
}

export function isValidSlot(slot: number): boolean {
  return Number.isInteger(slot) && slot >= 0 && (slot <= MAX_DEVICE_SLOT || slot === JIG_CONTROLLER_SLOT);
}

/** Encodes one frame. Refuses (InvalidInputError) what no receiver would accept, so bugs surface here. */
export function encodeFrame(frame: FrameToEncode): Uint8Array {
  const payload = frame.payload ?? new Uint8Array(0);
  const version = frame.version ?? PROTOCOL_VERSION;
  if (payload.length > MAX_PAYLOAD_LENGTH) {
    throw new InvalidInputError(`jig frame payload of ${payload.length} bytes exceeds ${MAX_PAYLOAD_LENGTH}`);
  }
  if (!isValidSlot(frame.slot)) throw new InvalidInputError(`jig slot ${frame.slot} is not 0..254 or 255`);
  for (const [name, value, max] of [
    ['type', frame.type, 0xff],
    ['seq', frame.seq, 0xffff],
    ['version', version, 0xff],
  ] as const) {
    if (!Number.isInteger(value) || value < 0 || value > max) {
      throw new InvalidInputError(`jig frame ${name} ${value} is out of range 0..${max}`);
    }
  }
  const out = new Uint8Array(HEADER_LENGTH + payload.length + CRC_LENGTH);
  const view = new DataView(out.buffer);
  out[0] = MAGIC_0;
  out[1] = MAGIC_1;
  out[2] = version;
  out[3] = frame.type;
  out[4] = frame.slot;
  view.setUint16(5, frame.seq);
  view.setUint16(7, payload.length);
  out.set(payload, HEADER_LENGTH);
  const crcEnd = HEADER_LENGTH + payload.length;
  view.setUint32(crcEnd, frameCrc(out.subarray(2, crcEnd)));
  return out;
}

/** Reads the fixed header; `bytes` must start at the magic and hold at least HEADER_LENGTH bytes. */
export function readHeader(bytes: Uint8Array): FrameHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_LENGTH);
  return {
    version: bytes[2],
    type: bytes[3],
    slot: bytes[4],
    seq: view.getUint16(5),
    length: view.getUint16(7),
  };
}

/** Lowercase hex with a space between bytes, for logs and the spec's worked example. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}
