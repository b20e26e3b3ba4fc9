import { DomainError } from '../../../common/domain-error.js';
import { NackCode } from './constants.js';

/** The fixed header fields of a frame, as read from the wire (not trustworthy unless CRC passed). */
export interface FrameHeader {
  version: number;
  type: number;
  slot: number;
  seq: number;
  length: number;
}

export type FrameDefectKind = 'noise' | 'bad-crc' | 'too-large' | 'unsupported-version' | 'truncated';

/**
 * Bytes on the line that did not form a valid frame. The decoder reports these as items (it never
 * fails the stream), so the reader can count them and, on the device side, answer with `nackCode`.
 */
export abstract class FrameDecodeError extends DomainError {
  readonly code = 'JIG_FRAME_INVALID';
  readonly status = 400;
  readonly retryable = false;
  abstract readonly kind: FrameDefectKind;
  /** The NACK a receiver answers with, when the header is readable enough to address one. */
  abstract readonly nackCode: number | undefined;

  constructor(
    message: string,
    /** Bytes thrown away because of this defect. */
    readonly byteCount: number,
    readonly header?: FrameHeader,
  ) {
    super(message);
  }
}

/** Bytes outside any frame (line noise, a device's boot banner, the tail of a broken frame). */
export class FrameNoiseError extends FrameDecodeError {
  readonly kind = 'noise';
  readonly nackCode = undefined;
  constructor(byteCount: number) {
    super(`${byteCount} byte(s) of noise outside any frame`, byteCount);
  }
}

export class FrameCrcError extends FrameDecodeError {
  readonly kind = 'bad-crc';
  readonly nackCode = NackCode.BAD_CRC;
  constructor(header: FrameHeader, expected: number, actual: number) {
    super(
      `frame CRC mismatch (seq ${header.seq}, slot ${header.slot}): computed 0x${expected.toString(16).padStart(8, '0')}, ` +
        `frame says 0x${actual.toString(16).padStart(8, '0')}`,
      header.length + 13,
      header,
    );
  }
}

export class FrameTooLargeError extends FrameDecodeError {
  readonly kind = 'too-large';
  readonly nackCode = NackCode.TOO_LARGE;
  constructor(header: FrameHeader, max: number) {
    super(`frame announces ${header.length} payload bytes, the limit is ${max}`, 9, header);
  }
}

/** A well-formed frame (CRC good) of a protocol version this code does not speak. */
export class FrameVersionError extends FrameDecodeError {
  readonly kind = 'unsupported-version';
  readonly nackCode = NackCode.UNSUPPORTED_VERSION;
  constructor(header: FrameHeader, frameLength: number) {
    super(`frame uses protocol version ${header.version}, only version 1 is supported`, frameLength, header);
  }
}

/** A frame whose sender stopped mid-way (cable pulled, device reset) and went quiet. */
export class FrameTruncatedError extends FrameDecodeError {
  readonly kind = 'truncated';
  readonly nackCode = undefined;
  constructor(received: number, header?: FrameHeader) {
    super(
      header
        ? `frame (seq ${header.seq}, slot ${header.slot}) stopped after ${received} of ${header.length + 13} bytes`
        : `frame stopped after ${received} byte(s), before its header was complete`,
      received,
      header,
    );
  }
}

/**
 * A frame with a good CRC whose payload does not make sense for its type: a TLV runs past the end,
 * a required tag is missing, a value is out of range. `nackCode` is what a device answers with.
 */
export class MessageDecodeError extends DomainError {
  readonly code = 'JIG_MESSAGE_INVALID';
  readonly status = 400;
  readonly retryable = false;

  constructor(
    message: string,
    readonly nackCode: number = NackCode.MALFORMED,
  ) {
    super(message);
  }
}
