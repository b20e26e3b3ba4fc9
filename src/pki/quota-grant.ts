import { createHash } from 'node:crypto';
import type { Signer } from './signer.js';
import { DerError, children, contentOf, expectTag, readTopLevel, type Tlv } from './der/der-reader.js';
import { TAG, octetString, sequence, smallInteger, utf8String } from './der/der-writer.js';
import { decodeTime, generalizedTime } from './der/der-time.js';
import { DIGEST_OIDS, encodeSignedData } from './cms-signed-data.js';
import { contentDigestMatches, parseSignedData, signerInfoSignatureValid, type SignedDataParts } from './cms-signed-data-reader.js';
import { readCertificateDetails, type CertificateDetails } from './certificate-details.js';
import { PathValidationError, validateSignerPath } from './certificate-path.js';
import { OID } from './oids.js';
import { CertificateMalformedError } from './pki.errors.js';
import { QuotaGrantRejectedError } from './quota-grant.errors.js';
import { ConfigError, InvalidInputError } from '../common/domain-error.js';

export { QuotaGrantRejectedError, type QuotaGrantRejection } from './quota-grant.errors.js';

/** What central's quota signer allows one station to produce for one order (system.md §4). */
export interface QuotaGrantTerms {
  orderId: string;
  stationId: string;
  productModel: string;
  quota: number;
  serialFirst: string;
  serialLast: string;
  /** whole seconds: GeneralizedTime carries no fractions here (milliseconds are dropped) */
  notBefore: Date;
  notAfter: Date;
  /** 16 random bytes: the station's replay register keys on it */
  nonce: Buffer;
}

export interface VerifyQuotaGrantOptions {
  /** DER of the brand root certificate */
  trustAnchor: Uint8Array;
  now: Date;
  /** this station's id: a grant for another station is refused */
  stationId: string;
  /** when set, the signer certificate's CN must be exactly this */
  signerCommonName?: string;
}

/** A grant is a small file; anything bigger is not one of ours, and parsing it is wasted work. */
export const MAX_GRANT_SIZE = 64 * 1024;
const GRANT_VERSION = 1;
const NONCE_LENGTH = 16;

/**
 * QuotaGrant ::= SEQUENCE { version INTEGER (1), orderId UTF8String, stationId UTF8String,
 *   productModel UTF8String, quota INTEGER, serialFirst UTF8String, serialLast UTF8String,
 *   notBefore GeneralizedTime, notAfter GeneralizedTime, nonce OCTET STRING (SIZE(16)) }
 */
export function encodeQuotaGrant(t: QuotaGrantTerms): Buffer {
  return sequence(
    smallInteger(GRANT_VERSION),
    utf8String(t.orderId),
    utf8String(t.stationId),
    utf8String(t.productModel),
    smallInteger(t.quota),
    utf8String(t.serialFirst),
    utf8String(t.serialLast),
    generalizedTime(t.notBefore),
    generalizedTime(t.notAfter),
    octetString(t.nonce),
  );
}

/** Semantic checks shared by signing (refuse to sign nonsense) and verifying. null: fine. */
export function quotaGrantTermsProblem(t: QuotaGrantTerms): string | null {
  if (!t.orderId || !t.stationId || !t.productModel) return 'orderId, stationId and productModel must not be empty';
  if (!Number.isSafeInteger(t.quota) || t.quota < 1) return `quota must be a whole number >= 1, not ${t.quota}`;
  // docs/pki-profile.md "Serial ranges": two bounds of the same length, first <= last.
  if (!t.serialFirst || t.serialFirst.length !== t.serialLast.length || t.serialFirst > t.serialLast) {
    return `serial range ${t.serialFirst}..${t.serialLast} must have bounds of the same length, first <= last`;
  }
  if (Number.isNaN(t.notBefore.getTime()) || Number.isNaN(t.notAfter.getTime()) || t.notAfter <= t.notBefore) {
    return 'notAfter must be after notBefore';
  }
  if (t.nonce.length !== NONCE_LENGTH) return `nonce must be ${NONCE_LENGTH} bytes, not ${t.nonce.length}`;
  return null;
}

/**
 * Sign a quota grant as CMS SignedData (RFC 5652) with eContentType id-quotaGrant; the
 * signer's key stays in the HSM (`signer.sign` gets the DER SET OF signed attributes).
 * Returns the DER ContentInfo.
 */
export function signQuotaGrant(
  terms: QuotaGrantTerms,
  signer: Signer,
  signerCertificate: Uint8Array,
  extraCertificates: Uint8Array[] = [],
): Buffer {
  const problem = quotaGrantTermsProblem(terms);
  if (problem) throw new InvalidInputError(`quota grant for order ${terms.orderId}: ${problem}`);
  return encodeSignedData({ eContentType: OID.quotaGrant, eContent: encodeQuotaGrant(terms), signer, signerCertificate, extraCertificates });
}

/** SHA-256 hex of the grant's DER: the station's replay register records it with the nonce. */
export function grantFingerprint(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeQuotaGrant(content: Buffer): QuotaGrantTerms {
  const fields = children(content, expectTag(content, readTopLevel(content, 'QuotaGrant'), TAG.SEQUENCE, 'QuotaGrant'));
  if (fields.length !== 10) throw new DerError(`QuotaGrant: expected 10 fields, found ${fields.length}`);
  const text = (t: Tlv, what: string): string => {
    try {
      return utf8.decode(contentOf(content, expectTag(content, t, TAG.UTF8_STRING, what)));
    } catch (err) {
      if (err instanceof DerError) throw err;
      throw new DerError(`${what}: invalid UTF-8`);
    }
  };
  const gtime = (t: Tlv, what: string): Date => decodeTime(expectTag(content, t, TAG.GENERALIZED_TIME, what).tag, contentOf(content, t));
  const [version, orderId, stationId, productModel, quota, serialFirst, serialLast, notBefore, notAfter, nonce] = fields;
  if (integer(content, version, 'version') !== BigInt(GRANT_VERSION)) throw new DerError('QuotaGrant: unsupported version');
  const q = integer(content, quota, 'quota');
  if (q > BigInt(Number.MAX_SAFE_INTEGER) || q < BigInt(Number.MIN_SAFE_INTEGER)) throw new DerError('quota out of range');
  return {
    orderId: text(orderId, 'orderId'),
    stationId: text(stationId, 'stationId'),
    productModel: text(productModel, 'productModel'),
    quota: Number(q),
    serialFirst: text(serialFirst, 'serialFirst'),
    serialLast: text(serialLast, 'serialLast'),
    notBefore: gtime(notBefore, 'notBefore'),
    notAfter: gtime(notAfter, 'notAfter'),
    nonce: Buffer.from(contentOf(content, expectTag(content, nonce, TAG.OCTET_STRING, 'nonce'))),
  };
}

/** A DER INTEGER in minimal two's complement (X.690 §8.3.2). */
function integer(buf: Buffer, t: Tlv, what: string): bigint {
  const c = contentOf(buf, expectTag(buf, t, TAG.INTEGER, what));
  if (c.length === 0 || c.length > 9) throw new DerError(`${what}: bad INTEGER`);
  if (c.length > 1 && ((c[0] === 0 && !(c[1] & 0x80)) || (c[0] === 0xff && c[1] & 0x80))) throw new DerError(`${what}: non-minimal INTEGER`);
  const magnitude = BigInt(`0x${Buffer.from(c).toString('hex')}`);
  return c[0] & 0x80 ? magnitude - (1n << BigInt(8 * c.length)) : magnitude;
}

const reject = (code: QuotaGrantRejectedError['code'], message: string, cause?: unknown): QuotaGrantRejectedError =>
  new QuotaGrantRejectedError(code, message, cause);

/**
 * Verify a quota grant and return its terms. Checks in this order, each failure a
 * QuotaGrantRejectedError: syntax and sanity (GRANT_MALFORMED), signer certificate and signature
 * (GRANT_FORGED), content digest (GRANT_TAMPERED), validity window (GRANT_NOT_YET_VALID,
 * GRANT_EXPIRED), station (GRANT_WRONG_STATION). Replay is the caller's: it keeps the nonces
 * (and `grantFingerprint`s) it has imported.
 */
export function verifyQuotaGrant(der: Uint8Array, opts: VerifyQuotaGrantOptions): QuotaGrantTerms {
  let anchor: CertificateDetails;
  try {
    anchor = readCertificateDetails(opts.trustAnchor);
  } catch (err) {
    throw new ConfigError(`quota grant trust anchor is not a certificate: ${(err as Error).message}`, { cause: err });
  }

  // 1. Syntax. The content is only read here, not believed: the order id it claims is quoted
  // in later messages as "claimed" until the signature has been checked.
  if (der.length === 0) throw reject('GRANT_MALFORMED', 'quota grant is empty');
  if (der.length > MAX_GRANT_SIZE) throw reject('GRANT_MALFORMED', `quota grant is ${der.length} bytes, over the ${MAX_GRANT_SIZE}-byte limit`);
  let sd: SignedDataParts;
  let terms: QuotaGrantTerms;
  let certificates: CertificateDetails[];
  try {
    sd = parseSignedData(der);
    if (sd.eContentType !== OID.quotaGrant) throw new DerError(`content type ${sd.eContentType} is not a quota grant (${OID.quotaGrant})`);
    if (sd.version !== 3) throw new DerError(`SignedData version ${sd.version}, expected 3 (RFC 5652 §5.1)`);
    if (sd.signerInfos.length !== 1) throw new DerError(`expected one signer, found ${sd.signerInfos.length}`);
    const si = sd.signerInfos[0];
    // §11.1: the contentType attribute MUST equal eContentType; it is what binds the type to the signature.
    if (si.contentType !== sd.eContentType) throw new DerError('contentType attribute differs from eContentType');
    if (!sd.digestOids.includes(DIGEST_OIDS[si.digest])) throw new DerError('signer digest algorithm missing from digestAlgorithms');
    certificates = sd.certificates.map((c) => readCertificateDetails(c));
    terms = decodeQuotaGrant(sd.eContent);
  } catch (err) {
    if (!(err instanceof DerError || err instanceof CertificateMalformedError)) throw err;
    throw reject('GRANT_MALFORMED', `quota grant is malformed: ${err.message}`, err);
  }
  // Quoted: until the signature is checked the order id is attacker-chosen text bound for logs.
  const order = `order ${JSON.stringify(terms.orderId)}`;
  const problem = quotaGrantTermsProblem(terms);
  if (problem) throw reject('GRANT_MALFORMED', `quota grant for ${order} is malformed: ${problem}`);
  const claimed = `quota grant claiming ${order}`;

  // 2. Authenticity: who signed, and does the brand root vouch for them (RFC 5652 §5.6).
  const si = sd.signerInfos[0];
  const signerCert = certificates.find((c) => c.issuer.equals(si.issuer) && c.serialTlv.equals(si.serialTlv));
  if (!signerCert) throw reject('GRANT_FORGED', `${claimed}: the signer's certificate is not in the grant`);
  if (opts.signerCommonName !== undefined && signerCert.commonName !== opts.signerCommonName) {
    throw reject('GRANT_FORGED', `${claimed}: signed by "${signerCert.commonName}", not by "${opts.signerCommonName}"`);
  }
  try {
    validateSignerPath(signerCert, certificates, anchor, opts.now);
  } catch (err) {
    if (!(err instanceof PathValidationError)) throw err;
    throw reject('GRANT_FORGED', `${claimed}: ${err.message}`, err);
  }
  if (!signerInfoSignatureValid(si, signerCert.spki)) throw reject('GRANT_FORGED', `${claimed}: the signature does not verify`);

  // 3. Integrity: the signature covers messageDigest, not the content itself (§5.4), so a
  // content changed after signing shows up only here.
  if (!contentDigestMatches(sd, si)) throw reject('GRANT_TAMPERED', `${claimed}: content was changed after signing (messageDigest mismatch)`);

  // 4. Validity window, then 5. addressee.
  if (opts.now < terms.notBefore) throw reject('GRANT_NOT_YET_VALID', `quota grant for ${order} is not valid before ${terms.notBefore.toISOString()}`);
  if (opts.now > terms.notAfter) throw reject('GRANT_EXPIRED', `quota grant for ${order} expired at ${terms.notAfter.toISOString()}`);
  if (terms.stationId !== opts.stationId) {
    throw reject('GRANT_WRONG_STATION', `quota grant for ${order} is for station ${terms.stationId}, not ${opts.stationId}`);
  }
  return terms;
}
