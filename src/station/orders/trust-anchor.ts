import { readFileSync } from 'node:fs';
import { ConfigError } from '../../common/domain-error.js';
import { fromPem } from '../../pki/pem.js';
import { readCertificateDetails } from '../../pki/certificate-details.js';

export const TRUST_ANCHOR = Symbol('TRUST_ANCHOR');

/**
 * The brand root the station trusts, read from a file installed out of band at commissioning.
 * It is never taken from central at run time: whoever could answer for central could then
 * choose the root its own forged grants chain to.
 */
export function loadTrustAnchor(path: string): Buffer {
  let der: Buffer;
  try {
    der = fromPem(readFileSync(path, 'utf8'));
    const details = readCertificateDetails(der);
    if (!details.ca) throw new Error('it is not a CA certificate');
  } catch (err) {
    throw new ConfigError(`trustAnchorPath ${path}: not a usable brand root certificate (${(err as Error).message})`);
  }
  return der;
}
