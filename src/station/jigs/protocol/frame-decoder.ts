/**
 * Turns a byte stream (any chunking) into frames. A pure stream Transform: bytes in, objects out,
 * no I/O, so both the station client and the device simulator use it and tests can feed it
 * awkward chunk splits.
 *
 * Resynchronisation rules (docs/jig-protocol.md §6):
 * - bytes before a magic are noise, reported once per run as a FrameNoiseError item;
 * - an announced length above MAX_PAYLOAD_LENGTH is rejected as soon as the header is in
 *   (waiting for 64 KiB that will never come would stall the line);
 * - on a CRC mismatch exactly one byte is dropped and the scan restarts, because the real
 *   frame may begin inside the bytes we wrongly took for a frame;
 * - a partial frame that receives no byte for `interFrameTimeoutMs` is dropped the same way:
 *   its sender stopped mid-frame. The limit is a gap, not an age, so that a maximal frame at a
 *   slow baud rate (8.5 s at 9600) is never cut while its bytes keep flowing.
 * Defects never fail the stream: they are pushed as `{ kind: 'error' }` items for counting and
 * for the device to NACK.
 */
import { Transform, type TransformCallback } from 'node:stream';
import {
  CRC_LENGTH,
  DEFAULT_INTER_FRAME_TIMEOUT_MS,
  HEADER_LENGTH,
  MAGIC_0,
  MAGIC_1,
  MAX_PAYLOAD_LENGTH,
  PROTOCOL_VERSION,
} from './constants.js';
import { frameCrc, readHeader, type Frame } from './frame.js';
import {
  FrameCrcError,
  FrameNoiseError,
  FrameTooLargeError,
  FrameTruncatedError,
  FrameVersionError,
  type FrameDecodeError,
} from './protocol.errors.js';

export type DecodedItem = { kind: 'frame'; frame: Frame } | { kind: 'error'; error: FrameDecodeError };

export interface FrameDecoderOptions {
  interFrameTimeoutMs?: number;
  /** Injectable clock for tests; defaults to Date.now. */
  now?: () => number;
}

export class FrameDecoder extends Transform {
  private buffer: Buffer = Buffer.alloc(0);
  private pendingNoise = 0;
  /** Bytes of the last defective frame still ahead of the scan: its remains, not noise. */
  private defectRemaining = 0;
  private lastByteAt = 0;
  private gapTimer: NodeJS.Timeout | undefined;
  private readonly interFrameTimeoutMs: number;
  private readonly now: () => number;

  constructor(options: FrameDecoderOptions = {}) {
    super({ readableObjectMode: true });
    this.interFrameTimeoutMs = options.interFrameTimeoutMs ?? DEFAULT_INTER_FRAME_TIMEOUT_MS;
    this.now = options.now ?? Date.now;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    // If the gap timer could not run (busy event loop), the buffered bytes are stale all the same.
    if (this.buffer.length > 0 && this.now() - this.lastByteAt > this.interFrameTimeoutMs) this.expireStale();
    this.buffer = this.buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffer, chunk]);
    this.lastByteAt = this.now();
    this.drain();
    this.armGapTimer();
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.clearGapTimer();
    this.expireStale();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.clearGapTimer();
    callback(error);
  }

  /** Decodes every complete frame in the buffer; leaves a possible partial frame in place. */
  private drain(): void {
    for (;;) {
      const start = this.findMagic();
      if (start < 0) {
        // Keep a trailing 0xA5: it may be the first half of a magic split across chunks.
        const keep = this.buffer.length > 0 && this.buffer[this.buffer.length - 1] === MAGIC_0 ? 1 : 0;
        this.skip(this.buffer.length - keep, true);
        return;
      }
      this.skip(start, true);
      this.defectRemaining = 0;
      if (this.buffer.length < HEADER_LENGTH) return;
      const header = readHeader(this.buffer);
      if (header.length > MAX_PAYLOAD_LENGTH) {
        this.emitError(new FrameTooLargeError(header, MAX_PAYLOAD_LENGTH));
        this.skipDefect(HEADER_LENGTH);
        continue;
      }
      const total = HEADER_LENGTH + header.length + CRC_LENGTH;
      if (this.buffer.length < total) return;
      const crcEnd = HEADER_LENGTH + header.length;
      const expected = frameCrc(this.buffer.subarray(2, crcEnd));
      const actual = this.buffer.readUInt32BE(crcEnd);
      if (expected !== actual) {
        this.emitError(new FrameCrcError(header, expected, actual));
        this.skipDefect(total);
        continue;
      }
      if (header.version !== PROTOCOL_VERSION) {
        // The header layout is frozen across versions, so the frame is delimited and its CRC
        // checked; the receiver can answer UNSUPPORTED_VERSION to the right seq.
        this.emitError(new FrameVersionError(header, total));
        this.skip(total, false);
        continue;
      }
      const payload = new Uint8Array(this.buffer.subarray(HEADER_LENGTH, crcEnd));
      this.flushNoise();
      this.push({
        kind: 'frame',
        frame: { version: header.version, type: header.type, slot: header.slot, seq: header.seq, payload },
      } satisfies DecodedItem);
      this.skip(total, false);
    }
  }

  /** No byte arrived for the inter-frame gap: whatever is buffered will never complete. */
  private expireStale(): void {
    while (this.buffer.length > 0) {
      if (this.buffer.length >= 2 && this.buffer[0] === MAGIC_0 && this.buffer[1] === MAGIC_1) {
        const header = this.buffer.length >= HEADER_LENGTH ? readHeader(this.buffer) : undefined;
        this.emitError(new FrameTruncatedError(this.buffer.length, header));
        this.skipDefect(this.buffer.length);
        // A complete frame may hide behind the dead partial one (its length ran over it).
        this.drain();
      } else {
        // drain() leaves either a partial frame or a lone trailing 0xA5, which is noise.
        this.skip(this.buffer.length, true);
      }
    }
    this.flushNoise();
  }

  private findMagic(): number {
    for (let i = 0; i + 1 < this.buffer.length; i++) {
      if (this.buffer[i] === MAGIC_0 && this.buffer[i + 1] === MAGIC_1) return i;
    }
    return -1;
  }

  private skip(count: number, isNoise: boolean): void {
    if (count <= 0) return;
    if (isNoise) {
      const remains = Math.min(count, this.defectRemaining);
      this.defectRemaining -= remains;
      this.pendingNoise += count - remains;
    }
    this.buffer = this.buffer.subarray(count);
  }

  /**
   * Drops the first byte of a defective frame of `frameBytes` bytes. Its other bytes, skipped by
   * the next scan, were already reported with the defect, so they are not counted again as noise.
   */
  private skipDefect(frameBytes: number): void {
    this.skip(1, false);
    this.defectRemaining = Math.max(0, Math.min(frameBytes, this.buffer.length + 1) - 1);
  }

  private emitError(error: FrameDecodeError): void {
    this.flushNoise();
    this.push({ kind: 'error', error } satisfies DecodedItem);
  }

  private flushNoise(): void {
    if (this.pendingNoise === 0) return;
    const count = this.pendingNoise;
    this.pendingNoise = 0;
    this.push({ kind: 'error', error: new FrameNoiseError(count) } satisfies DecodedItem);
  }

  private armGapTimer(): void {
    this.clearGapTimer();
    if (this.buffer.length === 0 && this.pendingNoise === 0) return;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = undefined;
      if (!this.destroyed) this.expireStale();
    }, this.interFrameTimeoutMs + 1);
    // A decoder must never keep a process alive on its own.
    this.gapTimer.unref();
  }

  private clearGapTimer(): void {
    if (this.gapTimer) clearTimeout(this.gapTimer);
    this.gapTimer = undefined;
  }
}
