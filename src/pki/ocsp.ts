import { OID } from './oids.js';
import type { Signer } from './signer.js';
import { signatureAlgorithmFor } from './algorithm-identifier.js';
import { keyIdentifierOf } from './spki.js';
import { generalizedTime } from './der/der-time.js';
import { bitString, contextConstructed, contextPrimitive, octetString, oid, sequence, tlv, TAG } from './der/der-writer.js';
import { extension } from './extensions.js';
import type { OcspCertId } from './ocsp-request.js';
import type { CrlReasonCode } from './crl.js';

export { parseOcspRequest, OcspIssuerMatcher, MAX_OCSP_REQUEST_BYTES, type OcspCertId, type OcspRequest } from './ocsp-request.js';
export { OcspMalformedRequestError } from './ocsp.errors.js';

/** OCSPResponseStatus (RFC 6960 §4.2.1); 4 is not used. */
const RESPONSE_STATUS = {
  successful: 0,
  malformedRequest: 1,
  internalError: 2,
  tryLater: 3,
  sigRequired: 5,
  unauthorized: 6,
} as const;
export type OcspErrorStatus = Exclude<keyof typeof RESPONSE_STATUS, 'successful'>;

export type OcspCertStatus =
  | { state: 'good' }
  | { state: 'revoked'; revokedAt: Date; reason: CrlReasonCode }
  | { state: 'unknown' };

export interface OcspSingleAnswer {
  certId: OcspCertId;
  status: OcspCertStatus;
  thisUpdate: Date;
  nextUpdate: Date | null;
}

/** A delegated responder (RFC 6960 §4.2.2.2): its key and the certificate its CA gave it. */
export interface OcspResponderIdentity {
  signer: Signer;
  certificate: Uint8Array;
}

export interface OcspResponseFields {
  responder: OcspResponderIdentity;
  producedAt: Date;
  answers: OcspSingleAnswer[];
  /** the request's nonce extnValue, echoed verbatim (null: the request had none) */
  nonce: Buffer | null;
}

const enumerated = (value: number): Buffer => tlv(0x0a, Buffer.from([value]));

/** OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED, responseBytes [0] EXPLICIT ResponseBytes OPTIONAL } */
export function ocspErrorResponse(status: OcspErrorStatus): Buffer {
  return sequence(enumerated(RESPONSE_STATUS[status]));
}

/**
 * CertStatus ::= CHOICE { good [0] IMPLICIT NULL, revoked [1] IMPLICIT RevokedInfo, unknown [2] IMPLICIT NULL }
 * RevokedInfo ::= SEQUENCE { revocationTime GeneralizedTime, revocationReason [0] EXPLICIT CRLReason OPTIONAL }
 * An `unspecified` reason is left out, as RFC 5280 §5.3.1 asks of CRL entries.
 */
function certStatus(status: OcspCertStatus): Buffer {
  switch (status.state) {
    case 'good':
      return contextPrimitive(0, Buffer.alloc(0));
    case 'unknown':
      return contextPrimitive(2, Buffer.alloc(0));
    case 'revoked': {
      const reason = status.reason === 0 ? [] : [contextConstructed(0, enumerated(status.reason))];
      return contextConstructed(1, generalizedTime(status.revokedAt), ...reason);
    }
  }
}

/**
 * SingleResponse ::= SEQUENCE { certID CertID, certStatus CertStatus, thisUpdate GeneralizedTime,
 *   nextUpdate [0] EXPLICIT GeneralizedTime OPTIONAL, singleExtensions [1] EXPLICIT Extensions OPTIONAL }
 */
function singleResponse(a: OcspSingleAnswer): Buffer {
  const next = a.nextUpdate ? [contextConstructed(0, generalizedTime(a.nextUpdate))] : [];
  return sequence(a.certId.der, certStatus(a.status), generalizedTime(a.thisUpdate), ...next);
}

/**
 * A successful OCSPResponse carrying a BasicOCSPResponse (RFC 6960 §4.2.1):
 *   ResponseData ::= SEQUENCE { version [0] EXPLICIT DEFAULT v1 (omitted), responderID ResponderID,
 *     producedAt GeneralizedTime, responses SEQUENCE OF SingleResponse, responseExtensions [1] EXPLICIT Extensions OPTIONAL }
 *   ResponderID ::= CHOICE { byName [1] Name, byKey [2] KeyHash }  — byKey: SHA-1 of the responder's public key BIT STRING
 *   BasicOCSPResponse ::= SEQUENCE { tbsResponseData, signatureAlgorithm, signature BIT STRING, certs [0] EXPLICIT SEQUENCE OF Certificate }
 * The responder certificate travels in `certs` so a client can chain it to the CA (§4.2.2.2).
 */
export function buildOcspResponse(f: OcspResponseFields): Buffer {
  if (f.answers.length === 0) throw new RangeError('an OCSP response answers at least one CertID');
  const signer = f.responder.signer;
  const responderId = contextConstructed(2, octetString(keyIdentifierOf(signer.spki)));
  const extensions = f.nonce ? [contextConstructed(1, sequence(extension(OID.ocspNonce, false, f.nonce)))] : [];
  const tbs = sequence(responderId, generalizedTime(f.producedAt), sequence(...f.answers.map(singleResponse)), ...extensions);
  const basic = sequence(
    tbs,
    signatureAlgorithmFor(signer.algorithm),
    bitString(signer.sign(tbs)),
    contextConstructed(0, sequence(Buffer.from(f.responder.certificate))),
  );
  const responseBytes = sequence(oid(OID.ocspBasic), tlv(TAG.OCTET_STRING, basic));
  return sequence(enumerated(RESPONSE_STATUS.successful), contextConstructed(0, responseBytes));
}
