import { contextConstructed, nullValue, sequence, smallInteger } from '../der/der-writer.js';
import { encodeSignedInteger } from './cmp-integer.js';
import { encodeInfoTypeAndValue, type InfoTypeAndValue } from './pki-header.js';
import { encodeFreeText, encodePkiStatusInfo, type PkiStatusInfo } from './pki-status.js';

/** Encoders of the response body values (RFC 4210 §5.3); the caller wraps them with encodeBody. */

export interface CertResponseFields {
  /** 0 for ir/cr/kur, -1 for p10cr (RFC 9483 §4.1.4) */
  certReqId: number;
  status: PkiStatusInfo;
  /** DER of the issued certificate: only with status accepted / grantedWithMods */
  certificate?: Buffer;
}

/**
 * CertRepMessage ::= SEQUENCE { caPubs [1] SEQUENCE OF CMPCertificate OPTIONAL, response SEQUENCE OF CertResponse }
 * CertResponse ::= SEQUENCE { certReqId, status, certifiedKeyPair OPTIONAL }
 * CertifiedKeyPair ::= SEQUENCE { certOrEncCert CHOICE { certificate [0] CMPCertificate, ... } }
 */
export function encodeCertRepMessage(response: CertResponseFields, caPubs: Buffer[] = []): Buffer {
  const parts = [encodeSignedInteger(response.certReqId), encodePkiStatusInfo(response.status)];
  if (response.certificate) parts.push(sequence(contextConstructed(0, response.certificate)));
  const body = [sequence(sequence(...parts))];
  if (caPubs.length) body.unshift(contextConstructed(1, sequence(...caPubs)));
  return sequence(...body);
}

/** RevRepContent ::= SEQUENCE { status SEQUENCE SIZE (1..MAX) OF PKIStatusInfo, ... } */
export const encodeRevRepContent = (statuses: PkiStatusInfo[]): Buffer => sequence(sequence(...statuses.map(encodePkiStatusInfo)));

/** GenRepContent ::= SEQUENCE OF InfoTypeAndValue */
export const encodeGenRepContent = (items: InfoTypeAndValue[]): Buffer => sequence(...items.map(encodeInfoTypeAndValue));

/** CaCertsValue ::= SEQUENCE SIZE (1..MAX) OF CMPCertificate (RFC 9480 §4.3) */
export const caCertsValue = (certificates: Buffer[]): Buffer => sequence(...certificates);

/** PKIConfirmContent ::= NULL */
export const encodePkiConfirmContent = (): Buffer => nullValue();

/** PollRepContent ::= SEQUENCE OF SEQUENCE { certReqId, checkAfter (seconds), reason PKIFreeText OPTIONAL } */
export function encodePollRepContent(certReqId: number, checkAfterSeconds: number, reason?: string): Buffer {
  const entry = [encodeSignedInteger(certReqId), smallInteger(Math.max(0, Math.round(checkAfterSeconds)))];
  if (reason) entry.push(encodeFreeText(reason));
  return sequence(sequence(...entry));
}

/** ErrorMsgContent ::= SEQUENCE { pKIStatusInfo, errorCode INTEGER OPTIONAL, errorDetails PKIFreeText OPTIONAL } */
export function encodeErrorMsgContent(status: PkiStatusInfo, details?: string): Buffer {
  const parts = [encodePkiStatusInfo(status)];
  if (details) parts.push(encodeFreeText(details));
  return sequence(...parts);
}
