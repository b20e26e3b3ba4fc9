/**
 * Errors of the station's conversation with a jig. Messages are written for the operator at the
 * line: what happened, on which slot, and what to do about it.
 */
import { DomainError } from '../../common/domain-error.js';
import type { NackName } from './protocol/constants.js';

/** What the line carried besides valid answers while one request was outstanding. */
export interface LineDefects {
  badCrc: number;
  truncated: number;
  tooLarge: number;
  unsupportedVersion: number;
  noiseBytes: number;
}

export function corruptFrameCount(defects: LineDefects): number {
  return defects.badCrc + defects.truncated + defects.tooLarge + defects.unsupportedVersion;
}

export interface JigRequestContext {
  /** Transport description, e.g. /dev/serial/by-path/...-port0. */
  jig: string;
  slot: number;
  requestType: string;
}

function where(context: JigRequestContext): string {
  return context.slot === 0xff ? `Jig ${context.jig} (controller)` : `Jig ${context.jig} slot ${context.slot}`;
}

/** No valid answer after every try. Retryable: the device may be slow, rebooting, or badly seated. */
export class JigTimeoutError extends DomainError {
  readonly code = 'JIG_TIMEOUT';
  readonly status = 504;
  readonly retryable = true;
  readonly corruptFrames: number;

  constructor(
    readonly context: JigRequestContext,
    readonly tries: number,
    readonly timeoutMs: number,
    readonly defects: LineDefects,
  ) {
    const corrupt = corruptFrameCount(defects);
    const seen =
      corrupt === 0 && defects.noiseBytes === 0
        ? 'nothing came back'
        : `the line carried only ${describeDefects(defects)}`;
    const hint =
      corrupt === 0 && defects.noiseBytes === 0
        ? 'Check that the device is seated and powered, then retry.'
        : 'Check the cable and connector of this slot; if it persists, set the device aside as faulty.';
    super(
      `${where(context)}: no valid answer to ${context.requestType} after ${tries} tries ` +
        `(${timeoutMs} ms each); ${seen}. ${hint}`,
    );
    this.corruptFrames = corrupt;
  }
}

const NACK_HINTS: Partial<Record<NackName, string>> = {
  LOCKED: 'The device is already locked (provisioned before): set it aside for the supervisor.',
  KEY_MISMATCH: 'The certificate does not belong to this device: stop and call the supervisor.',
  UNSUPPORTED_KEY_ALGORITHM: "The device cannot make the product's key type: check the product/firmware.",
  BAD_STATE: 'The device is not at the expected step: re-run the device from the start.',
  STORAGE_FAILURE: 'The device could not write its storage: retry; if it persists, set it aside as faulty.',
  BUSY: 'The device is busy: retry in a moment.',
  BAD_CRC: 'The device received a corrupted frame: check the cable, then retry.',
  NO_SUCH_SLOT: 'The jig reports no device in this slot: check the device is seated.',
};

/** Retrying makes sense only when the refusal is about a passing condition, not about the device's state. */
const RETRYABLE_NACKS: ReadonlySet<string> = new Set<NackName>(['BUSY', 'STORAGE_FAILURE', 'BAD_CRC']);

/** The device answered, and refused. */
export class JigNackError extends DomainError {
  readonly code = 'JIG_NACK';
  readonly status = 409;
  readonly retryable: boolean;

  constructor(
    readonly context: JigRequestContext,
    readonly nackCode: number,
    readonly nackName: NackName | 'UNKNOWN',
    readonly reason: string,
  ) {
    const name = nackName === 'UNKNOWN' ? `unknown code 0x${nackCode.toString(16)}` : nackName;
    const hint = nackName === 'UNKNOWN' ? 'Check the device firmware version.' : (NACK_HINTS[nackName] ?? 'Call the supervisor.');
    super(`${where(context)} refused ${context.requestType}: ${name}${reason ? ` ("${reason}")` : ''}. ${hint}`);
    this.retryable = RETRYABLE_NACKS.has(nackName);
  }
}

/** A CRC-valid answer that breaks the protocol (wrong type, missing field): a firmware bug, not line noise. */
export class JigProtocolError extends DomainError {
  readonly code = 'JIG_PROTOCOL';
  readonly status = 502;
  readonly retryable = false;

  constructor(
    readonly context: JigRequestContext,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${where(context)}: invalid answer to ${context.requestType}: ${detail}. The device firmware does not follow the jig protocol: call the supervisor.`, options);
  }
}

/** The line to the jig is gone (unplugged, port closed). Retryable once the jig is back. */
export class JigDisconnectedError extends DomainError {
  readonly code = 'JIG_DISCONNECTED';
  readonly status = 503;
  readonly retryable = true;

  constructor(
    readonly jig: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`Jig ${jig} is disconnected: ${detail}. Check its USB/serial cable and power.`, options);
  }
}

function describeDefects(defects: LineDefects): string {
  const parts: string[] = [];
  if (defects.badCrc) parts.push(`${defects.badCrc} frame(s) with a bad CRC`);
  if (defects.truncated) parts.push(`${defects.truncated} frame(s) cut off mid-way`);
  if (defects.tooLarge) parts.push(`${defects.tooLarge} oversized frame(s)`);
  if (defects.unsupportedVersion) parts.push(`${defects.unsupportedVersion} frame(s) of another protocol version`);
  if (defects.noiseBytes) parts.push(`${defects.noiseBytes} byte(s) of noise`);
  return parts.join(', ');
}
