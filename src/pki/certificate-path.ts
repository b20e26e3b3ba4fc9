import { verifyChain } from './chain.js';
import type { CertificateDetails } from './certificate-details.js';
import { OID } from './oids.js';

/** Why a signer certificate is not trusted; callers map it to their own typed error. */
export class PathValidationError extends Error {}

/** Critical extensions this relying party understands (RFC 5280 §6.1.4 (o): others fail). */
const UNDERSTOOD_CRITICAL = new Set<string>([
  OID.basicConstraints,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.subjectAltName,
  OID.subjectKeyIdentifier,
  OID.authorityKeyIdentifier,
]);

const MAX_INTERMEDIATES = 4;

const describe = (c: CertificateDetails): string => (c.commonName ? `"${c.commonName}"` : `serial ${c.serialHex}`);

/**
 * Validate a document signer's certificate (RFC 5280 §6.1, reduced to what a brand PKI needs):
 * the signer is an end entity with digitalSignature, a path built from `pool` links it by
 * signature to `anchor`, every certificate on it (the anchor too) is valid at `now`, each
 * issuer is a CA whose pathLen and keyUsage allow the path, and no certificate carries a
 * critical extension we do not understand. Returns the path, leaf first, anchor excluded.
 */
export function validateSignerPath(
  leaf: CertificateDetails,
  pool: CertificateDetails[],
  anchor: CertificateDetails,
  now: Date,
): CertificateDetails[] {
  // RFC 5280 §4.2.1.9: a CA key signs certificates, not documents; keeping them apart means a
  // compromised document signer cannot mint certificates and vice versa.
  if (leaf.ca) throw new PathValidationError(`signer certificate ${describe(leaf)} is a CA certificate`);
  // §4.2.1.3: digitalSignature is the bit for signatures on anything but certificates and CRLs.
  if (!leaf.keyUsage?.has('digitalSignature')) {
    throw new PathValidationError(`signer certificate ${describe(leaf)} lacks the digitalSignature key usage`);
  }

  const path = [leaf];
  while (!path[path.length - 1].issuer.equals(anchor.subject)) {
    const current = path[path.length - 1];
    if (path.length > MAX_INTERMEDIATES) throw new PathValidationError('certificate path too long');
    const issuer = pool.find((c) => c.subject.equals(current.issuer) && !path.includes(c) && !c.der.equals(anchor.der));
    if (!issuer) throw new PathValidationError(`signer certificate ${describe(leaf)} does not chain to the trust anchor`);
    path.push(issuer);
  }

  for (const c of [...path, anchor]) {
    if (now < c.notBefore || now > c.notAfter) {
      throw new PathValidationError(
        `certificate ${describe(c)} is not valid at ${now.toISOString()} (valid ${c.notBefore.toISOString()} .. ${c.notAfter.toISOString()})`,
      );
    }
    for (const [extOid, ext] of c.extensions) {
      if (ext.critical && !UNDERSTOOD_CRITICAL.has(extOid)) {
        throw new PathValidationError(`certificate ${describe(c)} has an unrecognised critical extension ${extOid}`);
      }
    }
  }

  // Issuers: intermediates and the anchor. §6.1.4 (k)/(l)/(n): a CA, within its pathLen,
  // allowed keyCertSign when it states its key usage.
  const issuers = [...path.slice(1), anchor];
  issuers.forEach((ca, i) => {
    if (!ca.ca) throw new PathValidationError(`issuer ${describe(ca)} is not a CA`);
    if (ca.keyUsage && !ca.keyUsage.has('keyCertSign')) throw new PathValidationError(`issuer ${describe(ca)} may not sign certificates`);
    // i = number of intermediate CAs below this issuer on the path
    if (ca.pathLen !== null && i > ca.pathLen) throw new PathValidationError(`issuer ${describe(ca)} exceeds its pathLen ${ca.pathLen}`);
  });

  try {
    verifyChain(
      path.map((c) => c.der),
      anchor.der,
    );
  } catch (err) {
    throw new PathValidationError(`signer certificate ${describe(leaf)} does not chain to the trust anchor: ${(err as Error).message}`);
  }
  return path;
}
