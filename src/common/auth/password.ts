import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Passwords are stored as scrypt (RFC 7914) hashes with a per-user random salt, in one
 * self-describing string `scrypt$N$r$p$salt$hash` (base64), so the cost can be raised later
 * without breaking stored hashes. N = 2^15, r = 8, p = 1 uses 32 MiB and ~0.1 s per check:
 * well within OWASP's scrypt guidance, cheap for a handful of logins per shift.
 */
const N = 1 << 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const MAX_MEMORY = 128 * N * R * 2; // scrypt needs 128·N·r bytes; leave headroom

export const MIN_PASSWORD_LENGTH = 10;

function derive(password: string, salt: Buffer, n: number, r: number, p: number, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, length, { N: n, r, p, maxmem: Math.max(MAX_MEMORY, 128 * n * r * 2) }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, N, R, P, KEY_LENGTH);
  return ['scrypt', N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

const FORMAT = /^scrypt\$(\d{1,8})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9+/=]{8,})\$([A-Za-z0-9+/=]{16,})$/;

/**
 * True when `password` matches `stored`. The comparison is timing-safe; a stored value that is
 * not a hash this code wrote never matches (and never throws: a login must not 500).
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = FORMAT.exec(stored);
  if (!m) return false;
  const [n, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (n < 2 || (n & (n - 1)) !== 0 || n > 1 << 20 || r < 1 || p < 1) return false;
  const expected = Buffer.from(m[5], 'base64');
  const actual = await derive(password, Buffer.from(m[4], 'base64'), n, r, p, expected.length);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * A hash of a password nobody knows: checked when the user name is unknown, so that a failed
 * login takes as long for a missing user as for a wrong password (no user enumeration by time).
 */
let decoy: Promise<string> | null = null;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(24).toString('base64'));
  return decoy;
}

/** A password to print once for a new account: 20 characters from an unambiguous alphabet (~100 bits). */
export function generatePassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(20);
  // 256 % 55 bias is ~1%: irrelevant against 100 bits
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}
