import { X509Certificate } from 'node:crypto';
import { CertificateMalformedError } from './pki.errors.js';

/**
 * Check that `chain` (leaf first) links up by signature to `root`, each issuer a CA. Used by the
 * station to accept an Order CA certificate from central only when it chains to the brand root.
 */
export function verifyChain(chain: Uint8Array[], root: Uint8Array): void {
  const certs = [...chain, root].map((der) => new X509Certificate(Buffer.from(der)));
  const rootCert = certs[certs.length - 1];
  if (!rootCert.verify(rootCert.publicKey)) throw new CertificateMalformedError('root certificate is not self-signed');
  // drop a duplicated root at the end of the chain
  if (certs.length > 2 && certs[certs.length - 2].raw.equals(rootCert.raw)) certs.splice(certs.length - 2, 1);
  for (let i = 0; i < certs.length - 1; i++) {
    const issuer = certs[i + 1];
    if (!issuer.ca) throw new CertificateMalformedError(`${issuer.subject} is not a CA`);
    if (!certs[i].checkIssued(issuer) || !certs[i].verify(issuer.publicKey)) {
      throw new CertificateMalformedError(`${certs[i].subject} is not signed by ${issuer.subject}`);
    }
  }
}
