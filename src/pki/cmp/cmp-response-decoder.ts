import { DerError, children, encodingOf, expectTag, type Tlv } from '../der/der-reader.js';
import { TAG } from '../der/der-writer.js';
import { decodeSmallInteger } from './cmp-integer.js';
import { decodeFreeText, decodePkiStatusInfo, type PkiStatusInfo } from './pki-status.js';

/** The client side's view of the answers (tests and the device simulator read them). Throw DerError. */

export interface DecodedCertResponse extends PkiStatusInfo {
  certReqId: number;
  certificate?: Buffer;
}

/** CertRepMessage (RFC 4210 §5.3.4): the responses, caPubs skipped. */
export function decodeCertRepMessage(buf: Uint8Array, t: Tlv): DecodedCertResponse[] {
  const fields = children(buf, expectTag(buf, t, TAG.SEQUENCE, 'CertRepMessage'));
  const responses = fields.find((f) => f.tag === TAG.SEQUENCE);
  if (!responses) throw new DerError('CertRepMessage: missing response');
  return children(buf, responses).map((r) => {
    const [id, status, ckp] = children(buf, expectTag(buf, r, TAG.SEQUENCE, 'CertResponse'));
    if (!id || !status) throw new DerError('CertResponse: missing fields');
    const out: DecodedCertResponse = { certReqId: decodeSmallInteger(buf, id, 'certReqId'), ...decodePkiStatusInfo(buf, status) };
    if (ckp) {
      const [certOrEncCert] = children(buf, expectTag(buf, ckp, TAG.SEQUENCE, 'CertifiedKeyPair'));
      if (certOrEncCert?.tag === 0xa0) out.certificate = Buffer.from(encodingOf(buf, children(buf, certOrEncCert)[0]));
    }
    return out;
  });
}

/** PollRepContent (RFC 4210 §5.3.22): the first entry. */
export function decodePollRepContent(buf: Uint8Array, t: Tlv): { certReqId: number; checkAfter: number; reason?: string } {
  const [entry] = children(buf, expectTag(buf, t, TAG.SEQUENCE, 'PollRepContent'));
  if (!entry) throw new DerError('PollRepContent: empty');
  const [id, after, reason] = children(buf, expectTag(buf, entry, TAG.SEQUENCE, 'PollRep entry'));
  if (!id || !after) throw new DerError('PollRep entry: missing fields');
  return { certReqId: decodeSmallInteger(buf, id, 'certReqId'), checkAfter: decodeSmallInteger(buf, after, 'checkAfter'), reason: reason ? decodeFreeText(buf, reason) : undefined };
}

/** ErrorMsgContent (RFC 4210 §5.3.21): the status. */
export function decodeErrorMsgContent(buf: Uint8Array, t: Tlv): PkiStatusInfo {
  const [status] = children(buf, expectTag(buf, t, TAG.SEQUENCE, 'ErrorMsgContent'));
  if (!status) throw new DerError('ErrorMsgContent: empty');
  return decodePkiStatusInfo(buf, status);
}

/** RevRepContent (RFC 4210 §5.3.10): the statuses. */
export function decodeRevRepContent(buf: Uint8Array, t: Tlv): PkiStatusInfo[] {
  const [statuses] = children(buf, expectTag(buf, t, TAG.SEQUENCE, 'RevRepContent'));
  if (!statuses) throw new DerError('RevRepContent: empty');
  return children(buf, expectTag(buf, statuses, TAG.SEQUENCE, 'status')).map((s) => decodePkiStatusInfo(buf, s));
}
