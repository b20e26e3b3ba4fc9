/**
 * One request's life on the wire: transmit, wait, retransmit with the SAME seq, match the answer.
 * Retransmitting with the same seq (docs/jig-protocol.md §7) lets a late answer to an earlier try
 * still complete the request, and lets the device recognise a duplicate.
 */
import type { DecodedItem } from './protocol/frame-decoder.js';
import type { Frame } from './protocol/frame.js';
import { NackCode, type RequestTypeName } from './protocol/constants.js';
import { decodeAnswer, type JigAnswer } from './protocol/messages.js';
import { MessageDecodeError } from './protocol/protocol.errors.js';
import {
  JigDisconnectedError,
  JigNackError,
  JigProtocolError,
  JigTimeoutError,
  type JigRequestContext,
  type LineDefects,
} from './jig.errors.js';

export interface ExchangeSettings {
  context: JigRequestContext & { requestType: RequestTypeName };
  seq: number;
  frame: Uint8Array;
  timeoutMs: number;
  maxTries: number;
  /** Quiet time after a corrupt frame before retransmitting, so one burst of noise costs one try. */
  quietGapMs: number;
  busyBackoffMs: number;
  send(bytes: Uint8Array): Promise<void>;
}

export class RequestExchange {
  tries = 0;
  staleFrames = 0;
  readonly defects: LineDefects = { badCrc: 0, truncated: 0, tooLarge: 0, unsupportedVersion: 0, noiseBytes: 0 };
  private timer: NodeJS.Timeout | undefined;
  private finished = false;
  private resolve!: (answer: JigAnswer) => void;
  private reject!: (error: Error) => void;
  readonly result: Promise<JigAnswer>;

  constructor(private readonly settings: ExchangeSettings) {
    this.result = new Promise<JigAnswer>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  start(): Promise<JigAnswer> {
    this.transmit();
    return this.result;
  }

  onItem(item: DecodedItem): void {
    if (this.finished) return;
    if (item.kind === 'frame') this.onFrame(item.frame);
    else this.onDefect(item.error.kind, item.error.byteCount, item.error.header);
  }

  onDisconnect(error: JigDisconnectedError): void {
    this.fail(error);
  }

  private onFrame(frame: Frame): void {
    const { context, seq } = this.settings;
    // Answers to earlier requests (or to another slot) can still be on the line: not ours.
    if (frame.seq !== seq || frame.slot !== context.slot) {
      this.staleFrames++;
      return;
    }
    let answer: JigAnswer;
    try {
      answer = decodeAnswer(frame.type, frame.payload);
    } catch (error) {
      if (error instanceof MessageDecodeError) return this.fail(new JigProtocolError(context, error.message, { cause: error }));
      throw error;
    }
    if (answer.type === 'NACK') {
      // The device saw our request damaged, or cannot take it right now: the same request may pass.
      if (answer.code === NackCode.BAD_CRC && this.tries < this.settings.maxTries) return this.retransmitAfter(0);
      if (answer.code === NackCode.BUSY && this.tries < this.settings.maxTries) {
        return this.retransmitAfter(this.settings.busyBackoffMs);
      }
      return this.fail(new JigNackError(context, answer.code, answer.codeName, answer.reason));
    }
    if (answer.type !== context.requestType) {
      return this.fail(new JigProtocolError(context, `the device answered ${answer.type} to ${context.requestType}`));
    }
    this.finish();
    this.resolve(answer);
  }

  private onDefect(kind: string, byteCount: number, header?: { seq: number; slot: number; version: number }): void {
    const { context, seq } = this.settings;
    switch (kind) {
      case 'bad-crc':
        this.defects.badCrc++;
        break;
      case 'truncated':
        this.defects.truncated++;
        break;
      case 'too-large':
        this.defects.tooLarge++;
        break;
      case 'unsupported-version':
        this.defects.unsupportedVersion++;
        // CRC-valid and addressed to us: the device speaks another version; retrying cannot help.
        if (header && header.seq === seq && header.slot === context.slot) {
          return this.fail(new JigProtocolError(context, `the device answered in protocol version ${header.version}, the station speaks 1`));
        }
        break;
      default:
        this.defects.noiseBytes += byteCount;
    }
    // Probably our answer, damaged: once the line is quiet, ask again instead of waiting out the timeout.
    this.armTimer(this.settings.quietGapMs);
  }

  private transmit(): void {
    if (this.finished) return;
    this.tries++;
    this.armTimer(this.settings.timeoutMs);
    this.settings.send(this.settings.frame).catch((error: unknown) => {
      this.fail(
        error instanceof JigDisconnectedError
          ? error
          : new JigDisconnectedError(this.settings.context.jig, `write failed: ${String(error)}`, { cause: error }),
      );
    });
  }

  private retransmitAfter(delayMs: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => this.transmit(), delayMs);
  }

  /** When the timer fires: one more try if any is left, otherwise give up. */
  private armTimer(ms: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      if (this.tries < this.settings.maxTries) this.transmit();
      else this.fail(new JigTimeoutError(this.settings.context, this.tries, this.settings.timeoutMs, { ...this.defects }));
    }, ms);
  }

  private fail(error: Error): void {
    if (this.finished) return;
    this.finish();
    this.reject(error);
  }

  private finish(): void {
    this.finished = true;
    this.clearTimer();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
