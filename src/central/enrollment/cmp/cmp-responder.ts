import { pooledRandomBytes } from '../../../common/random-pool.js';
import { Inject, Injectable } from '@nestjs/common';
import { readCertificate, type CertificateParts } from '../../../pki/certificate-reader.js';
import { OID } from '../../../pki/oids.js';
import type { PkiBodyType } from '../../../pki/cmp/pki-body.js';
import { directoryName, implicitConfirmItav, NULL_DN, type PkiHeader } from '../../../pki/cmp/pki-header.js';
import { encodeProtectedMessage } from '../../../pki/cmp/pki-message.js';
import { ENROLLMENT_AUTHORITY, type EnrollmentAuthority } from '../enrollment-authority.port.js';

/** What a handler answers; the responder turns it into a signed PKIMessage. */
export interface CmpReply {
  bodyType: PkiBodyType;
  body: Buffer;
  /** put id-it-implicitConfirm in generalInfo: the server grants implicit confirmation */
  implicitConfirm?: boolean;
  /** certificates after the signer's own chain in extraCerts (e.g. the issued certificate's chain) */
  extraCerts?: Buffer[];
}

/**
 * Signs every answer with the authority's response signer (RFC 9483 §3.2): pvno 2, sender = the
 * signer certificate's subject, that certificate first in extraCerts with its chain after it,
 * transactionID echoed, recipNonce = the request's senderNonce, a fresh senderNonce (§3.1).
 */
@Injectable()
export class CmpResponder {
  /** the responder certificate's parts, read once per certificate rather than once per answer */
  private responder: { certificate: Buffer; parts: CertificateParts } | null = null;

  constructor(@Inject(ENROLLMENT_AUTHORITY) private readonly authority: EnrollmentAuthority) {}

  sign(request: PkiHeader | null, reply: CmpReply): Buffer {
    const { signer, certificate, chain } = this.authority.responseSigner();
    if (this.responder?.certificate !== certificate) this.responder = { certificate, parts: readCertificate(certificate) };
    const cert = this.responder.parts;
    const extraCerts = dedupe([certificate, ...chain, ...(reply.extraCerts ?? [])]);
    return encodeProtectedMessage(
      {
        header: {
          pvno: 2,
          sender: directoryName(cert.subject),
          recipient: request?.sender ?? NULL_DN,
          messageTime: new Date(),
          senderKid: cert.subjectKeyIdentifier ?? undefined,
          transactionId: request?.transactionId,
          senderNonce: pooledRandomBytes(16),
          recipNonce: request?.senderNonce,
          generalInfo: reply.implicitConfirm ? [implicitConfirmItav(OID.itImplicitConfirm)] : undefined,
        },
        bodyType: reply.bodyType,
        body: reply.body,
        extraCerts,
      },
      signer,
    );
  }
}

export function dedupe(certificates: Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  for (const c of certificates) if (!out.some((o) => o.equals(c))) out.push(c);
  return out;
}
