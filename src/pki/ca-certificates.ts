import type { Signer } from './signer.js';
import { issueCertificate, randomSerial } from './certificate.js';
import { encodeName, type DistinguishedName } from './name.js';
import { keyIdentifierOf } from './spki.js';
import {
  authorityKeyIdentifier,
  basicConstraints,
  extendedKeyUsage,
  keyUsage,
  orderTerms,
  subjectKeyIdentifier,
  type KeyUsageName,
  type OrderTerms,
} from './extensions.js';

export interface CaIdentity {
  /** DER subject Name */
  subject: Buffer;
  certificate: Buffer;
  keyIdentifier: Buffer;
  signer: Signer;
}

export interface Validity {
  notBefore: Date;
  notAfter: Date;
}

/** Self-signed root (RFC 5280 §4.2.1.9: CA true, no pathLen; keyCertSign + cRLSign). */
export function selfSignedRoot(dn: DistinguishedName, signer: Signer, validity: Validity): CaIdentity {
  const subject = encodeName(dn);
  const keyId = keyIdentifierOf(signer.spki);
  const certificate = issueCertificate(
    {
      serial: randomSerial(),
      issuer: subject,
      subject,
      ...validity,
      spki: signer.spki,
      extensions: [basicConstraints(true), keyUsage(['keyCertSign', 'cRLSign']), subjectKeyIdentifier(keyId)],
    },
    signer,
  );
  return { subject, certificate, keyIdentifier: keyId, signer };
}

export interface SubordinateRequest {
  subject: Buffer;
  spki: Uint8Array;
  validity: Validity;
  /** CA certificates: pathLen; undefined: end-entity */
  pathLen?: number;
  usages?: KeyUsageName[];
  extendedKeyUsages?: string[];
  terms?: OrderTerms;
}

/** A certificate signed by `issuer`: an intermediate CA (pathLen set) or an end-entity signer. */
export function issueSubordinate(issuer: CaIdentity, req: SubordinateRequest): Buffer {
  const isCa = req.pathLen !== undefined;
  const extensions = [
    basicConstraints(isCa, req.pathLen),
    keyUsage(req.usages ?? (isCa ? ['keyCertSign', 'cRLSign'] : ['digitalSignature'])),
    subjectKeyIdentifier(keyIdentifierOf(req.spki)),
    authorityKeyIdentifier(issuer.keyIdentifier),
  ];
  if (req.extendedKeyUsages?.length) extensions.push(extendedKeyUsage(req.extendedKeyUsages));
  if (req.terms) extensions.push(orderTerms(req.terms));
  return issueCertificate(
    { serial: randomSerial(), issuer: issuer.subject, subject: req.subject, ...req.validity, spki: req.spki, extensions },
    issuer.signer,
  );
}
