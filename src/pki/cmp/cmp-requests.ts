import { DerError, children, contentOf, decodeOid, encodingOf, expectTag, type Tlv } from '../der/der-reader.js';
import { TAG } from '../der/der-writer.js';
import { OID } from '../oids.js';
import { decodeSmallInteger } from './cmp-integer.js';
import { decodeCertTemplate, type CertTemplate } from './crmf-request.js';
import { decodeInfoTypeAndValue, type InfoTypeAndValue } from './pki-header.js';
import { decodePkiStatusInfo, type PkiStatusInfo } from './pki-status.js';
import { algorithmOid } from './cmp-signature.js';

/** Decoders of the non-CRMF request bodies. Each throws DerError on malformed input. */

/** p10cr: a PKCS#10 CertificationRequest (RFC 2986); its subject is read here, the rest by verifyCsr. */
export function decodeP10cr(buf: Uint8Array, t: Tlv): { csr: Buffer; subject: Buffer } {
  const [info] = children(buf, expectTag(buf, t, TAG.SEQUENCE, 'CertificationRequest'));
  if (!info) throw new DerError('CertificationRequest: empty');
  const [, subject] = children(buf, expectTag(buf, info, TAG.SEQUENCE, 'certificationRequestInfo'));
  if (!subject) throw new DerError('certificationRequestInfo: missing subject');
  return { csr: Buffer.from(encodingOf(buf, t)), subject: Buffer.from(encodingOf(buf, expectTag(buf, subject, TAG.SEQUENCE, 'subject'))) };
}

export interface RevocationDetails {
  template: CertTemplate;
  /** CRLReason from crlEntryDetails (RFC 5280 §5.3.1), 0 (unspecified) when absent */
  reasonCode: number;
}

/** RevReqContent ::= SEQUENCE OF RevDetails { certDetails CertTemplate, crlEntryDetails Extensions OPTIONAL } */
export function decodeRevReqContent(buf: Uint8Array, t: Tlv): RevocationDetails[] {
  return children(buf, expectTag(buf, t, TAG.SEQUENCE, 'RevReqContent')).map((rd) => {
    const [details, exts] = children(buf, expectTag(buf, rd, TAG.SEQUENCE, 'RevDetails'));
    if (!details) throw new DerError('RevDetails: missing certDetails');
    let reasonCode = 0;
    for (const ext of exts ? children(buf, expectTag(buf, exts, TAG.SEQUENCE, 'crlEntryDetails')) : []) {
      const parts = children(buf, expectTag(buf, ext, TAG.SEQUENCE, 'Extension'));
      const extOid = decodeOid(contentOf(buf, expectTag(buf, parts[0], TAG.OID, 'extnID')));
      if (extOid !== OID.crlReason) continue;
      const value = contentOf(buf, expectTag(buf, parts[parts.length - 1], TAG.OCTET_STRING, 'extnValue'));
      // CRLReason ::= ENUMERATED
      if (value.length !== 3 || value[0] !== 0x0a || value[1] !== 1) throw new DerError('CRLReason: expected a one-byte ENUMERATED');
      reasonCode = value[2];
    }
    return { template: decodeCertTemplate(buf, details), reasonCode };
  });
}

export interface CertStatus {
  certHash: Buffer;
  certReqId: number;
  statusInfo?: PkiStatusInfo;
  /** hashAlg [0] (RFC 9480 §2.10), the OID */
  hashAlgOid?: string;
}

/** CertConfirmContent ::= SEQUENCE OF CertStatus (RFC 4210 §5.3.18) */
export function decodeCertConfirmContent(buf: Uint8Array, t: Tlv): CertStatus[] {
  return children(buf, expectTag(buf, t, TAG.SEQUENCE, 'CertConfirmContent')).map((cs) => {
    const [hash, id, ...rest] = children(buf, expectTag(buf, cs, TAG.SEQUENCE, 'CertStatus'));
    if (!hash || !id) throw new DerError('CertStatus: missing fields');
    const status: CertStatus = {
      certHash: Buffer.from(contentOf(buf, expectTag(buf, hash, TAG.OCTET_STRING, 'certHash'))),
      certReqId: decodeSmallInteger(buf, id, 'certReqId'),
    };
    for (const f of rest) {
      if (f.tag === TAG.SEQUENCE && !status.statusInfo && !status.hashAlgOid) status.statusInfo = decodePkiStatusInfo(buf, f);
      else if (f.tag === 0xa0 && !status.hashAlgOid) {
        const [alg] = children(buf, f);
        if (!alg) throw new DerError('hashAlg: empty');
        status.hashAlgOid = algorithmOid(encodingOf(buf, alg));
      } else throw new DerError('CertStatus: unexpected field');
    }
    return status;
  });
}

/** PollReqContent ::= SEQUENCE OF SEQUENCE { certReqId INTEGER } (RFC 4210 §5.3.22) */
export function decodePollReqContent(buf: Uint8Array, t: Tlv): number[] {
  return children(buf, expectTag(buf, t, TAG.SEQUENCE, 'PollReqContent')).map((entry) => {
    const [id] = children(buf, expectTag(buf, entry, TAG.SEQUENCE, 'PollReq entry'));
    if (!id) throw new DerError('PollReq entry: missing certReqId');
    return decodeSmallInteger(buf, id, 'certReqId');
  });
}

/** GenMsgContent ::= SEQUENCE OF InfoTypeAndValue (RFC 4210 §5.3.19) */
export function decodeGenMsgContent(buf: Uint8Array, t: Tlv): InfoTypeAndValue[] {
  return children(buf, expectTag(buf, t, TAG.SEQUENCE, 'GenMsgContent')).map((i) => decodeInfoTypeAndValue(buf, i));
}
