/**
 * Typed jig messages and their payload codecs (docs/jig-protocol.md §5). Requests flow
 * station -> jig, answers jig -> station with the request's type | 0x80, or a NACK.
 * Decoders validate everything and throw MessageDecodeError carrying the NACK code to answer with.
 */
import type { KeyAlgorithm } from '../../../pki/key-algorithm.js';
import {
  DeviceFlag,
  KEY_ALGORITHM_CODES,
  NACK_TYPE,
  NackCode,
  RESPONSE_FLAG,
  RequestType,
  Tag,
  describeType,
  keyAlgorithmFromCode,
  nackName,
  requestTypeName,
  type NackName,
  type RequestTypeName,
} from './constants.js';
import { MessageDecodeError } from './protocol.errors.js';
import { TlvReader, encodeTlvs, tlv, type Tlv } from './tlv.js';

export type JigRequest =
  | { type: 'JIG_INFO' }
  | { type: 'HELLO' }
  | { type: 'CSR_REQUEST'; algorithm: KeyAlgorithm }
  | { type: 'INJECT'; certificate: Uint8Array; chain: Uint8Array[] }
  | { type: 'READ_BACK' }
  | { type: 'LOCK' };

export interface DeviceFlags {
  hasKey: boolean;
  hasCertificate: boolean;
  locked: boolean;
}

export interface JigInfoAnswer {
  type: 'JIG_INFO';
  jigId: string;
  slotCount: number;
  occupiedSlots: number[];
}

export interface HelloAnswer {
  type: 'HELLO';
  model: string;
  serial: string;
  firmware: string;
  protocolVersion: number;
  /** Algorithms the device can generate; codes this station does not know are left out. */
  keyAlgorithms: KeyAlgorithm[];
  /** Algorithm of the key the device holds, once it has one. */
  keyAlgorithm?: KeyAlgorithm;
  flags: DeviceFlags;
}

export interface NackAnswer {
  type: 'NACK';
  code: number;
  /** 'UNKNOWN' for a code newer than this station. */
  codeName: NackName | 'UNKNOWN';
  reason: string;
  /** The request type the device refused, when it says so. */
  requestType?: number;
}

export type JigAnswer =
  | JigInfoAnswer
  | HelloAnswer
  | { type: 'CSR_REQUEST'; csr: Uint8Array }
  | { type: 'INJECT' }
  | { type: 'READ_BACK'; certificate: Uint8Array; chain: Uint8Array[] }
  | { type: 'LOCK' }
  | NackAnswer;

export interface EncodedMessage {
  type: number;
  payload: Uint8Array;
}

const EMPTY = new Uint8Array(0);

export function encodeRequest(request: JigRequest): EncodedMessage {
  const type = RequestType[request.type];
  switch (request.type) {
    case 'CSR_REQUEST':
      return { type, payload: encodeTlvs([tlv.u8(Tag.KEY_ALGORITHM, KEY_ALGORITHM_CODES[request.algorithm])]) };
    case 'INJECT':
      return { type, payload: encodeTlvs(certificateTlvs(request.certificate, request.chain)) };
    default:
      return { type, payload: EMPTY };
  }
}

export function decodeRequest(type: number, payload: Uint8Array): JigRequest {
  const name = requestTypeName(type);
  if (!name) throw new MessageDecodeError(`type ${describeType(type)} is not a request`, NackCode.UNKNOWN_TYPE);
  const reader = TlvReader.of(payload, name);
  switch (name) {
    case 'CSR_REQUEST': {
      const code = reader.u8(Tag.KEY_ALGORITHM, 'key algorithm');
      const algorithm = keyAlgorithmFromCode(code);
      if (!algorithm) {
        throw new MessageDecodeError(`key algorithm code 0x${code.toString(16)} is unknown`, NackCode.UNSUPPORTED_KEY_ALGORITHM);
      }
      return { type: name, algorithm };
    }
    case 'INJECT':
      return { type: name, ...readCertificates(reader) };
    default:
      return { type: name } as JigRequest;
  }
}

export function encodeAnswer(answer: JigAnswer): EncodedMessage {
  if (answer.type === 'NACK') {
    const items = [tlv.u8(Tag.NACK_CODE, answer.code), tlv.text(Tag.NACK_REASON, answer.reason)];
    if (answer.requestType !== undefined) items.push(tlv.u8(Tag.NACK_REQUEST_TYPE, answer.requestType));
    return { type: NACK_TYPE, payload: encodeTlvs(items) };
  }
  const type = RequestType[answer.type] | RESPONSE_FLAG;
  switch (answer.type) {
    case 'JIG_INFO':
      return {
        type,
        payload: encodeTlvs([
          tlv.text(Tag.JIG_ID, answer.jigId),
          tlv.u8(Tag.SLOT_COUNT, answer.slotCount),
          tlv.bytes(Tag.OCCUPIED_SLOTS, Uint8Array.from(answer.occupiedSlots)),
        ]),
      };
    case 'HELLO': {
      const flags =
        (answer.flags.hasKey ? DeviceFlag.HAS_KEY : 0) |
        (answer.flags.hasCertificate ? DeviceFlag.HAS_CERTIFICATE : 0) |
        (answer.flags.locked ? DeviceFlag.LOCKED : 0);
      const items: Tlv[] = [
        tlv.text(Tag.MODEL, answer.model),
        tlv.text(Tag.SERIAL, answer.serial),
        tlv.text(Tag.FIRMWARE, answer.firmware),
        tlv.u8(Tag.PROTOCOL_VERSION, answer.protocolVersion),
        tlv.bytes(Tag.KEY_ALGORITHMS, Uint8Array.from(answer.keyAlgorithms, (alg) => KEY_ALGORITHM_CODES[alg])),
        tlv.u8(Tag.FLAGS, flags),
      ];
      if (answer.keyAlgorithm) items.push(tlv.u8(Tag.KEY_ALGORITHM, KEY_ALGORITHM_CODES[answer.keyAlgorithm]));
      return { type, payload: encodeTlvs(items) };
    }
    case 'CSR_REQUEST':
      return { type, payload: encodeTlvs([tlv.bytes(Tag.CSR, answer.csr)]) };
    case 'READ_BACK':
      return { type, payload: encodeTlvs(certificateTlvs(answer.certificate, answer.chain)) };
    default:
      return { type, payload: EMPTY };
  }
}

export function decodeAnswer(type: number, payload: Uint8Array): JigAnswer {
  if (type === NACK_TYPE) return decodeNack(payload);
  const name = type & RESPONSE_FLAG ? requestTypeName(type & ~RESPONSE_FLAG) : undefined;
  if (!name) throw new MessageDecodeError(`type ${describeType(type)} is not an answer`, NackCode.UNKNOWN_TYPE);
  const reader = TlvReader.of(payload, `${name} answer`);
  switch (name) {
    case 'JIG_INFO':
      return {
        type: name,
        jigId: reader.text(Tag.JIG_ID, 'jig id'),
        slotCount: reader.u8(Tag.SLOT_COUNT, 'slot count'),
        occupiedSlots: Array.from(reader.bytes(Tag.OCCUPIED_SLOTS, 'occupied slots')),
      };
    case 'HELLO':
      return decodeHello(reader);
    case 'CSR_REQUEST':
      return { type: name, csr: reader.nonEmptyBytes(Tag.CSR, 'CSR') };
    case 'READ_BACK':
      return { type: name, ...readCertificates(reader) };
    default:
      return { type: name } as JigAnswer;
  }
}

/** The answer type a request expects, for matching. */
export function answerTypeFor(request: RequestTypeName): number {
  return RequestType[request] | RESPONSE_FLAG;
}

function decodeHello(reader: TlvReader): HelloAnswer {
  const flags = reader.u8(Tag.FLAGS, 'flags');
  const keyCode = reader.optionalU8(Tag.KEY_ALGORITHM, 'key algorithm');
  return {
    type: 'HELLO',
    model: reader.text(Tag.MODEL, 'model'),
    serial: reader.text(Tag.SERIAL, 'serial'),
    firmware: reader.text(Tag.FIRMWARE, 'firmware'),
    protocolVersion: reader.u8(Tag.PROTOCOL_VERSION, 'protocol version'),
    keyAlgorithms: Array.from(reader.bytes(Tag.KEY_ALGORITHMS, 'key algorithms'))
      .map(keyAlgorithmFromCode)
      .filter((alg): alg is KeyAlgorithm => alg !== undefined),
    ...(keyCode !== undefined && keyAlgorithmFromCode(keyCode) ? { keyAlgorithm: keyAlgorithmFromCode(keyCode) } : {}),
    flags: {
      hasKey: (flags & DeviceFlag.HAS_KEY) !== 0,
      hasCertificate: (flags & DeviceFlag.HAS_CERTIFICATE) !== 0,
      locked: (flags & DeviceFlag.LOCKED) !== 0,
    },
  };
}

function decodeNack(payload: Uint8Array): NackAnswer {
  const reader = TlvReader.of(payload, 'NACK');
  const code = reader.u8(Tag.NACK_CODE, 'NACK code');
  const requestType = reader.optionalU8(Tag.NACK_REQUEST_TYPE, 'refused request type');
  return {
    type: 'NACK',
    code,
    codeName: nackName(code) ?? 'UNKNOWN',
    // A reason is for humans; a device without one still sends a usable NACK.
    reason: reader.optional(Tag.NACK_REASON) ? reader.text(Tag.NACK_REASON, 'NACK reason') : '',
    ...(requestType !== undefined ? { requestType } : {}),
  };
}

function certificateTlvs(certificate: Uint8Array, chain: readonly Uint8Array[]): Tlv[] {
  return [tlv.bytes(Tag.CERTIFICATE, certificate), ...chain.map((der) => tlv.bytes(Tag.CHAIN_CERTIFICATE, der))];
}

function readCertificates(reader: TlvReader): { certificate: Uint8Array; chain: Uint8Array[] } {
  const certificate = reader.nonEmptyBytes(Tag.CERTIFICATE, 'certificate');
  const chain = reader.all(Tag.CHAIN_CERTIFICATE);
  if (chain.some((der) => der.length === 0)) throw new MessageDecodeError('a chain certificate is empty');
  return { certificate, chain };
}
