import { OID } from './oids.js';
import { extension } from './extensions.js';
import { contextConstructed, contextPrimitive, nullValue, oid, sequence } from './der/der-writer.js';

/** The EKU a delegated OCSP responder certificate must carry (RFC 6960 §4.2.2.2). */
export const OCSP_SIGNING_EKU = OID.kpOcspSigning;

/**
 * A URI for a GeneralName uniformResourceIdentifier [6] IA5String (RFC 5280 §4.2.1.6): absolute,
 * http or https (what openssl, browsers and devices fetch CRLs, issuers and OCSP over), plain
 * ASCII with nothing IA5String cannot carry.
 */
function uriName(url: string): Buffer {
  if (!/^[\x21-\x7e]+$/.test(url)) throw new RangeError(`not an ASCII URI: ${JSON.stringify(url)}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RangeError(`not an absolute URI: ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new RangeError(`URI scheme must be http or https: ${url}`);
  return contextPrimitive(6, Buffer.from(url, 'ascii'));
}

/**
 * Extensions already encoded, by their URLs. Every certificate of a CA names the same URLs, and
 * checking and encoding them anew (a WHATWG URL parse each) was ~1.5% of central's JavaScript
 * time per EST enrollment in a CPU profile. Bounded: URLs come from configuration, a handful per CA.
 * The Buffers are shared: callers copy them into a certificate and never write to them.
 */
const encoded = new Map<string, Buffer>();
const MAX_REMEMBERED = 64;

function remembered(key: string, encode: () => Buffer): Buffer {
  let der = encoded.get(key);
  if (!der) {
    der = encode(); // a URL that is refused throws here and is not remembered
    if (encoded.size >= MAX_REMEMBERED) encoded.clear();
    encoded.set(key, der);
  }
  return der;
}

/**
 * CRLDistributionPoints with one DistributionPoint whose distributionPoint is fullName = the URI
 * (RFC 5280 §4.2.1.13): no reasons, no cRLIssuer, so the CRL there covers every reason.
 *   DistributionPoint ::= SEQUENCE { distributionPoint [0] DistributionPointName OPTIONAL, ... }
 *   DistributionPointName ::= CHOICE { fullName [0] GeneralNames, ... }
 */
export function crlDistributionPoints(url: string): Buffer {
  return remembered(`cdp ${url}`, () => encodeCrlDistributionPoints(url));
}

function encodeCrlDistributionPoints(url: string): Buffer {
  const fullName = contextConstructed(0, uriName(url));
  return extension(OID.cRLDistributionPoints, false, sequence(sequence(contextConstructed(0, fullName))));
}

/**
 * AuthorityInfoAccess (RFC 5280 §4.2.2.1): where to ask OCSP (id-ad-ocsp) and where to fetch the
 * issuer's certificate (id-ad-caIssuers, DER served as application/pkix-cert). Non-critical.
 */
export function authorityInfoAccess(locations: { ocsp?: string; caIssuers?: string }): Buffer {
  return remembered(`aia ${locations.ocsp ?? ''} ${locations.caIssuers ?? ''}`, () => encodeAuthorityInfoAccess(locations));
}

function encodeAuthorityInfoAccess(locations: { ocsp?: string; caIssuers?: string }): Buffer {
  const descriptions: Buffer[] = [];
  if (locations.ocsp) descriptions.push(sequence(oid(OID.adOcsp), uriName(locations.ocsp)));
  if (locations.caIssuers) descriptions.push(sequence(oid(OID.adCaIssuers), uriName(locations.caIssuers)));
  if (descriptions.length === 0) throw new RangeError('authorityInfoAccess needs an OCSP or caIssuers URI');
  return extension(OID.authorityInfoAccess, false, sequence(...descriptions));
}

/**
 * id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1): a client need not check the status of the
 * responder's own certificate. Its value is NULL; it is what makes a short-lived delegated
 * responder certificate the mitigation for a responder key compromise.
 */
export const ocspNoCheck = (): Buffer => extension(OID.ocspNoCheck, false, nullValue());
