import { endianness } from 'node:os';
import pkcs11js from 'pkcs11js';
import { DomainError } from '../common/domain-error.js';
import { HsmOperationError, HsmUnavailableError } from './hsm.errors.js';

/**
 * PKCS#11 3.0 identifiers that pkcs11js 2.1.7 does not export (its constants stop at 2.40).
 * Values from the OASIS pkcs11t.h.
 */
export const CKK_EC_EDWARDS = 0x40;
export const CKM_EC_EDWARDS_KEY_PAIR_GEN = 0x1055;
export const CKM_EDDSA = 0x1057;

const CKR_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(pkcs11js as unknown as Record<string, unknown>)
    .filter((e): e is [string, number] => e[0].startsWith('CKR_') && typeof e[1] === 'number')
    .map(([name, value]) => [value, name] as const),
);

export function ckrName(code: number): string {
  return CKR_NAMES.get(code) ?? `CKR_0x${code.toString(16).padStart(8, '0')}`;
}

/**
 * The CKR_ name of a pkcs11js error, or null for anything else (TypeError, load failure...).
 * pkcs11js 2.1.7 wraps most calls in Pkcs11Error, but the methods it overrides in JS
 * (C_SetAttributeValue, C_CreateObject...) throw a plain Error "CKR_NAME:code": read both.
 */
export function ckrOf(err: unknown): string | null {
  if (err instanceof pkcs11js.Pkcs11Error && err.code !== 0) return ckrName(err.code);
  if (err instanceof Error) {
    const m = /^(CKR_[A-Z0-9_]+):(\d+)/.exec(err.message);
    if (m) return ckrName(Number(m[2]));
  }
  return null;
}

/**
 * Return values meaning the device or session went away, not that the request was wrong. They
 * become HsmUnavailableError (retryable) and make the adapter re-open its session next time.
 */
const UNAVAILABLE = new Set([
  'CKR_DEVICE_ERROR',
  'CKR_DEVICE_MEMORY',
  'CKR_DEVICE_REMOVED',
  'CKR_TOKEN_NOT_PRESENT',
  'CKR_TOKEN_NOT_RECOGNIZED',
  'CKR_SESSION_CLOSED',
  'CKR_SESSION_HANDLE_INVALID',
  'CKR_SESSION_COUNT',
  'CKR_USER_NOT_LOGGED_IN',
  'CKR_CRYPTOKI_NOT_INITIALIZED',
]);

export const HANDLE_INVALID = new Set(['CKR_OBJECT_HANDLE_INVALID', 'CKR_KEY_HANDLE_INVALID']);

export function isUnavailable(ckr: string | null): boolean {
  return ckr !== null && UNAVAILABLE.has(ckr);
}

/** Wraps anything pkcs11js threw into the port's typed errors, naming the CKR_ code. */
export function toHsmError(err: unknown, context: string): DomainError {
  if (err instanceof DomainError) return err; // already typed (key not found, bad input...)
  const ckr = ckrOf(err);
  if (ckr === null) {
    const detail = err instanceof Error ? err.message : String(err);
    return new HsmOperationError(`${context}: ${detail}`, { cause: err });
  }
  if (isUnavailable(ckr)) return new HsmUnavailableError(`${context}: ${ckr}`, { cause: err });
  return new HsmOperationError(`${context}: ${ckr}`, { cause: err, ckr });
}

const LITTLE_ENDIAN = endianness() === 'LE';

/** CK_ULONG attribute values come back in the host's byte order and width (8 bytes on 64-bit Linux). */
export function readUlong(value: Buffer): number {
  if (value.length === 8) return Number(LITTLE_ENDIAN ? value.readBigUInt64LE(0) : value.readBigUInt64BE(0));
  if (value.length === 4) return LITTLE_ENDIAN ? value.readUInt32LE(0) : value.readUInt32BE(0);
  throw new Error(`unexpected CK_ULONG width ${value.length}`);
}

export function readBool(value: Buffer): boolean {
  return value.length > 0 && value[0] !== 0;
}

/** Token labels are fixed 32-byte fields padded with blanks (some modules pad with NULs). */
export function trimLabel(label: string): string {
  return label.replace(/[\s\0]+$/, '');
}
