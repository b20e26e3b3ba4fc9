import { readCertificate } from '../certificate-reader.js';
import { OID } from '../oids.js';
import { CmpRejectedError } from './cmp.errors.js';
import { verifySignature } from './cmp-signature.js';
import type { PkiMessage } from './pki-message.js';
import type { SignatureVerifier } from '../signature-verifier.js';

/**
 * Check signature-based protection (RFC 4210 §5.1.3.3, RFC 9483 §3.2): the protection
 * certificate is the first of extraCerts, its key verifies the signature over ProtectedPart,
 * and `sender` names its subject (RFC 9483 §3.1). Returns that certificate (DER). Whether the
 * certificate is trusted is the enrollment authority's decision, not the protocol's.
 */
export function verifySignatureProtection(message: PkiMessage, verifier?: SignatureVerifier): Buffer {
  const { header } = message;
  if (!message.protection || !header.protectionAlgOid) {
    throw new CmpRejectedError(['wrongIntegrity'], 'the message is not protected: central accepts only signature-protected CMP messages');
  }
  if (header.protectionAlgOid === OID.passwordBasedMac) {
    throw new CmpRejectedError(['wrongIntegrity', 'badAlg'], 'MAC-based protection is not supported: protect the message with the device certificate');
  }
  const certificate = message.extraCerts[0];
  if (!certificate) throw new CmpRejectedError(['badMessageCheck'], 'no protection certificate: the first of extraCerts must be the signer certificate (RFC 9483 §3.3)');
  let cert;
  try {
    cert = readCertificate(certificate);
  } catch (err) {
    throw new CmpRejectedError(['badMessageCheck', 'badDataFormat'], `protection certificate: ${(err as Error).message}`);
  }
  if (!verifySignature(header.protectionAlgOid, cert.spki, message.protectedPart, message.protection, verifier)) {
    throw new CmpRejectedError(['badMessageCheck'], 'the protection signature does not verify with the first certificate of extraCerts');
  }
  if (!header.senderName || !header.senderName.equals(cert.subject)) {
    throw new CmpRejectedError(['badMessageCheck'], 'sender does not name the subject of the protection certificate (RFC 9483 §3.1)');
  }
  if (header.senderKid && cert.subjectKeyIdentifier && !header.senderKid.equals(cert.subjectKeyIdentifier)) {
    throw new CmpRejectedError(['badMessageCheck'], 'senderKID does not match the protection certificate key identifier');
  }
  return certificate;
}
