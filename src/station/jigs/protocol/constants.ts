/**
 * Jig protocol v1: every number that appears on the wire. docs/jig-protocol.md is the normative
 * text for firmware teams; this file and that document must say the same thing.
 */
import type { KeyAlgorithm } from '../../../pki/key-algorithm.js';

/** Start-of-frame marker. Two bytes so that a single noise byte rarely looks like a frame start. */
export const MAGIC_0 = 0xa5;
export const MAGIC_1 = 0x5a;

export const PROTOCOL_VERSION = 1;

/** magic(2) version(1) type(1) slot(1) seq(2) length(2). Frozen across versions (see docs §9). */
export const HEADER_LENGTH = 9;
export const CRC_LENGTH = 4;
/** Large enough for an RSA-3072 leaf plus a two-certificate chain; small enough for MCU RAM. */
export const MAX_PAYLOAD_LENGTH = 8192;
export const MAX_FRAME_LENGTH = HEADER_LENGTH + MAX_PAYLOAD_LENGTH + CRC_LENGTH;

/** Slot numbers 0..254 address devices; 0xFF addresses the jig controller itself. */
export const JIG_CONTROLLER_SLOT = 0xff;
export const MAX_DEVICE_SLOT = 0xfe;

/** Request types (station -> jig). An answer carries `type | RESPONSE_FLAG`. */
export const RequestType = {
  JIG_INFO: 0x01,
  HELLO: 0x02,
  CSR_REQUEST: 0x03,
  INJECT: 0x04,
  READ_BACK: 0x05,
  LOCK: 0x06,
} as const;
export type RequestTypeName = keyof typeof RequestType;

export const RESPONSE_FLAG = 0x80;
/** Negative answer to any request (jig -> station). */
export const NACK_TYPE = 0xff;

export function requestTypeName(type: number): RequestTypeName | undefined {
  return (Object.keys(RequestType) as RequestTypeName[]).find((name) => RequestType[name] === type);
}

/** Human name of any type byte, for logs and error messages. */
export function describeType(type: number): string {
  if (type === NACK_TYPE) return 'NACK';
  const request = requestTypeName(type);
  if (request) return request;
  const answered = requestTypeName(type & ~RESPONSE_FLAG);
  if (type & RESPONSE_FLAG && answered) return `${answered}_RESPONSE`;
  return `0x${type.toString(16).padStart(2, '0')}`;
}

/**
 * TLV tags. One tag space for all messages so a tag means the same thing wherever it appears;
 * receivers ignore tags they do not know (forward compatibility, docs §9).
 */
export const Tag = {
  JIG_ID: 0x01,
  SLOT_COUNT: 0x02,
  OCCUPIED_SLOTS: 0x03,
  MODEL: 0x10,
  SERIAL: 0x11,
  FIRMWARE: 0x12,
  PROTOCOL_VERSION: 0x13,
  KEY_ALGORITHMS: 0x14,
  FLAGS: 0x15,
  KEY_ALGORITHM: 0x16,
  CSR: 0x20,
  CERTIFICATE: 0x30,
  CHAIN_CERTIFICATE: 0x31,
  NACK_CODE: 0x40,
  NACK_REASON: 0x41,
  NACK_REQUEST_TYPE: 0x42,
} as const;

/** HELLO FLAGS bits; the other bits are reserved, sent as 0 and ignored on receipt. */
export const DeviceFlag = {
  HAS_KEY: 0x01,
  HAS_CERTIFICATE: 0x02,
  LOCKED: 0x04,
} as const;

export const KEY_ALGORITHM_CODES: Readonly<Record<KeyAlgorithm, number>> = {
  'ec-p256': 0x01,
  'ec-p384': 0x02,
  ed25519: 0x03,
  'rsa-2048': 0x04,
  'rsa-3072': 0x05,
};

export function keyAlgorithmFromCode(code: number): KeyAlgorithm | undefined {
  return (Object.keys(KEY_ALGORITHM_CODES) as KeyAlgorithm[]).find((alg) => KEY_ALGORITHM_CODES[alg] === code);
}

/** NACK codes; docs §7 says when a device sends each. */
export const NackCode = {
  BAD_CRC: 0x01,
  MALFORMED: 0x02,
  UNSUPPORTED_VERSION: 0x03,
  UNKNOWN_TYPE: 0x04,
  NO_SUCH_SLOT: 0x05,
  BAD_STATE: 0x06,
  LOCKED: 0x07,
  UNSUPPORTED_KEY_ALGORITHM: 0x08,
  KEY_MISMATCH: 0x09,
  STORAGE_FAILURE: 0x0a,
  TOO_LARGE: 0x0b,
  BUSY: 0x0c,
} as const;
export type NackName = keyof typeof NackCode;

export function nackName(code: number): NackName | undefined {
  return (Object.keys(NackCode) as NackName[]).find((name) => NackCode[name] === code);
}

/** Default serial settings of a jig line: 115200 8N1, no flow control. */
export const DEFAULT_BAUD_RATE = 115200;
/** A partial frame that receives no byte for this long is dropped (docs §6). */
export const DEFAULT_INTER_FRAME_TIMEOUT_MS = 100;

/** Time to move `bytes` over an 8N1 line (10 bits per byte). */
export function wireTimeMs(bytes: number, baudRate: number): number {
  return (bytes * 10 * 1000) / baudRate;
}
