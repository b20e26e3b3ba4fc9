import { DerError } from './der-reader.js';
import { TAG, tlv } from './der-writer.js';

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * GeneralizedTime in the DER form (X.690 §11.7): `YYYYMMDDHHMMSSZ`, UTC, no fractional seconds
 * (milliseconds are dropped). Used where a syntax says GeneralizedTime whatever the year, unlike
 * `time()` in der-writer which follows RFC 5280's UTCTime-until-2049 rule.
 */
export function generalizedTime(date: Date): Buffer {
  const text =
    `${pad(date.getUTCFullYear(), 4)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}` +
    `${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`;
  return tlv(TAG.GENERALIZED_TIME, Buffer.from(text, 'ascii'));
}

const UTC_TIME = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;
const GENERALIZED_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;

/**
 * Decode a UTCTime or GeneralizedTime in the only forms DER / RFC 5280 §4.1.2.5 allow: UTC ("Z"),
 * with seconds, without fractions. UTCTime years 50..99 are 19xx, 00..49 are 20xx
 * (RFC 5280 §4.1.2.5.1, RFC 5652 §11.3). Throws DerError for anything else, including dates
 * that do not exist (month 13, 31 February).
 */
export function decodeTime(tag: number, content: Uint8Array): Date {
  const text = Buffer.from(content).toString('latin1');
  let parts: RegExpExecArray | null;
  let year: number;
  if (tag === TAG.UTC_TIME) {
    parts = UTC_TIME.exec(text);
    if (!parts) throw new DerError(`bad UTCTime ${JSON.stringify(text)}`);
    const yy = Number(parts[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (tag === TAG.GENERALIZED_TIME) {
    parts = GENERALIZED_TIME.exec(text);
    if (!parts) throw new DerError(`bad GeneralizedTime ${JSON.stringify(text)}`);
    year = Number(parts[1]);
  } else {
    throw new DerError(`expected a time, found tag 0x${tag.toString(16)}`);
  }
  const [month, day, hour, minute, second] = parts.slice(2).map(Number);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const date = new Date(ms);
  // Date.UTC silently rolls 31 February into March: insist the fields round-trip.
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    date.getUTCHours() !== hour ||
    date.getUTCMinutes() !== minute ||
    date.getUTCSeconds() !== second
  ) {
    throw new DerError(`impossible date ${JSON.stringify(text)}`);
  }
  return date;
}
