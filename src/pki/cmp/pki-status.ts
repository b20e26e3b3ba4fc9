import { DerError, children, contentOf, expectTag, type Tlv } from '../der/der-reader.js';
import { TAG, sequence, smallInteger, tlv, utf8String } from '../der/der-writer.js';
import { decodeSmallInteger } from './cmp-integer.js';

/** PKIStatus (RFC 4210 §5.2.3). */
export const PKI_STATUS = {
  accepted: 0,
  grantedWithMods: 1,
  rejection: 2,
  waiting: 3,
  revocationWarning: 4,
  revocationNotification: 5,
  keyUpdateWarning: 6,
} as const;
export type PkiStatus = keyof typeof PKI_STATUS;

/** PKIFailureInfo bit numbers (RFC 4210 §5.2.3, RFC 9480 §2.16). */
export const PKI_FAILURE_INFO = {
  badAlg: 0,
  badMessageCheck: 1,
  badRequest: 2,
  badTime: 3,
  badCertId: 4,
  badDataFormat: 5,
  wrongAuthority: 6,
  incorrectData: 7,
  missingTimeStamp: 8,
  badPOP: 9,
  certRevoked: 10,
  certConfirmed: 11,
  wrongIntegrity: 12,
  badRecipientNonce: 13,
  timeNotAvailable: 14,
  unacceptedPolicy: 15,
  unacceptedExtension: 16,
  addInfoNotAvailable: 17,
  badSenderNonce: 18,
  badCertTemplate: 19,
  signerNotTrusted: 20,
  transactionIdInUse: 21,
  unsupportedVersion: 22,
  notAuthorized: 23,
  systemUnavail: 24,
  systemFailure: 25,
  duplicateCertReq: 26,
} as const;
export type PkiFailureInfo = keyof typeof PKI_FAILURE_INFO;

export interface PkiStatusInfo {
  status: PkiStatus;
  /** statusString: one UTF8String of PKIFreeText */
  text?: string;
  failInfo?: PkiFailureInfo[];
}

/** PKIFailureInfo as a DER named BIT STRING: trailing zero bits dropped (X.690 §11.2.2). */
export function encodeFailureInfo(bits: readonly PkiFailureInfo[]): Buffer {
  const numbers = bits.map((b) => PKI_FAILURE_INFO[b]);
  if (numbers.length === 0) return tlv(TAG.BIT_STRING, Buffer.from([0]));
  const highest = Math.max(...numbers);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const n of numbers) bytes[n >> 3] |= 0x80 >> (n & 7);
  const unused = bytes.length * 8 - (highest + 1);
  return tlv(TAG.BIT_STRING, Buffer.from([unused]), bytes);
}

export function decodeFailureInfo(content: Uint8Array): PkiFailureInfo[] {
  if (content.length === 0 || content[0] > 7) throw new DerError('PKIFailureInfo: bad BIT STRING');
  const out: PkiFailureInfo[] = [];
  for (const [name, n] of Object.entries(PKI_FAILURE_INFO) as Array<[PkiFailureInfo, number]>) {
    const byte = content[1 + (n >> 3)];
    if (byte !== undefined && byte & (0x80 >> (n & 7))) out.push(name);
  }
  return out;
}

/** PKIFreeText ::= SEQUENCE SIZE (1..MAX) OF UTF8String */
export const encodeFreeText = (text: string): Buffer => sequence(utf8String(text));

export function decodeFreeText(buf: Uint8Array, t: Tlv): string {
  return children(buf, expectTag(buf, t, TAG.SEQUENCE, 'PKIFreeText'))
    .map((s) => Buffer.from(contentOf(buf, expectTag(buf, s, TAG.UTF8_STRING, 'PKIFreeText item'))).toString('utf8'))
    .join('\n');
}

/** PKIStatusInfo ::= SEQUENCE { status, statusString PKIFreeText OPTIONAL, failInfo OPTIONAL } */
export function encodePkiStatusInfo(info: PkiStatusInfo): Buffer {
  const parts = [smallInteger(PKI_STATUS[info.status])];
  if (info.text) parts.push(encodeFreeText(info.text));
  if (info.failInfo?.length) parts.push(encodeFailureInfo(info.failInfo));
  return sequence(...parts);
}

export function decodePkiStatusInfo(buf: Uint8Array, t: Tlv): PkiStatusInfo {
  const [statusTlv, ...rest] = children(buf, expectTag(buf, t, TAG.SEQUENCE, 'PKIStatusInfo'));
  if (!statusTlv) throw new DerError('PKIStatusInfo: missing status');
  const code = decodeSmallInteger(buf, statusTlv, 'PKIStatus');
  const status = (Object.keys(PKI_STATUS) as PkiStatus[]).find((k) => PKI_STATUS[k] === code);
  if (!status) throw new DerError(`PKIStatus ${code} is not defined`);
  const info: PkiStatusInfo = { status };
  for (const field of rest) {
    if (field.tag === TAG.SEQUENCE && info.text === undefined && !info.failInfo) info.text = decodeFreeText(buf, field);
    else if (field.tag === TAG.BIT_STRING && !info.failInfo) info.failInfo = decodeFailureInfo(contentOf(buf, field));
    else throw new DerError('PKIStatusInfo: unexpected field');
  }
  return info;
}
