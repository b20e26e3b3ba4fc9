import { createHash, X509Certificate } from 'node:crypto';
import { CertificateMalformedError } from './pki.errors.js';

/**
 * Certificate links already proven by signature, keyed by the digests of the exact DER of child
 * and issuer. A signature check is deterministic, so a link proven once holds for those bytes
 * forever; the cache spares re-verifying the same station certificate on every audit batch and
 * the same Order CA on every enrollment. Only successes are kept, and the set is bounded.
 */
const provenLinks = new Set<string>();
const MAX_PROVEN_LINKS = 4096;

const digestOf = (der: Uint8Array): string => createHash('sha256').update(der).digest('base64');

/**
 * Check that `chain` (leaf first) links up by signature to `root`, each issuer a CA. Used by the
 * station to accept an Order CA certificate from central only when it chains to the brand root.
 */
export function verifyChain(chain: Uint8Array[], root: Uint8Array): void {
  const ders = [...chain, root].map((der) => Buffer.from(der));
  // drop a duplicated root at the end of the chain
  if (ders.length > 2 && ders[ders.length - 2].equals(ders[ders.length - 1])) ders.splice(ders.length - 2, 1);
  const digests = ders.map(digestOf);
  const links = ders.map((_, i) => (i === ders.length - 1 ? [i, i] : [i, i + 1]));
  const unproven = links.filter(([child, issuer]) => !provenLinks.has(`${digests[child]}|${digests[issuer]}`));
  if (unproven.length === 0) return;

  const certs = new Map<number, X509Certificate>();
  const cert = (i: number): X509Certificate => {
    let c = certs.get(i);
    if (!c) certs.set(i, (c = new X509Certificate(ders[i])));
    return c;
  };
  for (const [child, issuer] of unproven) {
    if (child === issuer) {
      if (!cert(child).verify(cert(child).publicKey)) throw new CertificateMalformedError('root certificate is not self-signed');
    } else {
      const ca = cert(issuer);
      if (!ca.ca) throw new CertificateMalformedError(`${ca.subject} is not a CA`);
      if (!cert(child).checkIssued(ca) || !cert(child).verify(ca.publicKey)) {
        throw new CertificateMalformedError(`${cert(child).subject} is not signed by ${ca.subject}`);
      }
    }
  }
  if (provenLinks.size + unproven.length > MAX_PROVEN_LINKS) provenLinks.clear();
  for (const [child, issuer] of unproven) provenLinks.add(`${digests[child]}|${digests[issuer]}`);
}
