import type { CaIdentity, Validity } from './ca-certificates.js';
import { issueCertificate, randomSerial } from './certificate.js';
import { authorityKeyIdentifier, basicConstraints, extendedKeyUsage, keyUsage, subjectKeyIdentifier } from './extensions.js';
import { keyIdentifierOf } from './spki.js';
import { OCSP_SIGNING_EKU, ocspNoCheck } from './validation-extensions.js';

/**
 * A delegated OCSP responder certificate (RFC 6960 §4.2.2.2), issued by the CA whose
 * certificates it answers for: end entity, keyUsage digitalSignature, EKU id-kp-OCSPSigning
 * (what makes a client accept its signatures), and id-pkix-ocsp-nocheck (§4.2.2.2.1: clients do
 * not ask about the responder itself, so its validity is kept short instead).
 */
export function issueOcspResponderCertificate(issuer: CaIdentity, req: { subject: Buffer; spki: Uint8Array; validity: Validity }): Buffer {
  return issueCertificate(
    {
      serial: randomSerial(),
      issuer: issuer.subject,
      subject: req.subject,
      ...req.validity,
      spki: req.spki,
      extensions: [
        basicConstraints(false),
        keyUsage(['digitalSignature']),
        extendedKeyUsage([OCSP_SIGNING_EKU]),
        ocspNoCheck(),
        subjectKeyIdentifier(keyIdentifierOf(req.spki)),
        authorityKeyIdentifier(issuer.keyIdentifier),
      ],
    },
    issuer.signer,
  );
}
