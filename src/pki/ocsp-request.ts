import { createHash } from 'node:crypto';
import { OID } from './oids.js';
import { readCertificate } from './certificate-reader.js';
import { DerError, children, contentOf, decodeOid, encodingOf, expectTag, readTlv, readTopLevel, type Tlv } from './der/der-reader.js';
import { TAG } from './der/der-writer.js';
import { OcspMalformedRequestError } from './ocsp.errors.js';

/** Far above any real request (one CertID with a nonce is ~120 bytes; RFC 5019 §2.1.1 expects one). */
export const MAX_OCSP_REQUEST_BYTES = 16 * 1024;
export const MAX_OCSP_CERT_IDS = 32;
/** RFC 8954 §2.1: a responder SHOULD refuse nonces of 0 or more than 32 octets. */
const MAX_NONCE_BYTES = 32;

/** The CertID digests a responder can match (RFC 6960 §4.1.1; RFC 5019 §2.1.1 asks SHA-1). */
const CERT_ID_DIGESTS: Record<string, string> = {
  [OID.sha1]: 'sha1',
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
};

/**
 * CertID ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, issuerNameHash OCTET STRING,
 *   issuerKeyHash OCTET STRING, serialNumber CertificateSerialNumber }
 */
export interface OcspCertId {
  /** the CertID exactly as the client encoded it: echoed in the SingleResponse (openssl compares it) */
  der: Buffer;
  hashAlgorithm: string;
  issuerNameHash: Buffer;
  issuerKeyHash: Buffer;
  /** serialNumber as a signed integer (RFC 5280 §4.1.2.2 serials are positive; others are nobody's) */
  serial: bigint;
}

export interface OcspRequest {
  certIds: OcspCertId[];
  /**
   * The id-pkix-ocsp-nonce extnValue content, byte for byte (RFC 6960 §4.4.1): openssl puts an
   * OCTET STRING inside it, others the raw octets. Echoed verbatim, so both kinds verify.
   */
  nonce: Buffer | null;
}

const fail = (message: string): never => {
  throw new DerError(message);
};

/**
 * Parse a DER OCSPRequest (RFC 6960 §4.1.1):
 *   OCSPRequest ::= SEQUENCE { tbsRequest TBSRequest, optionalSignature [0] EXPLICIT Signature OPTIONAL }
 *   TBSRequest  ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1, requestorName [1] EXPLICIT GeneralName OPTIONAL,
 *                              requestList SEQUENCE OF Request, requestExtensions [2] EXPLICIT Extensions OPTIONAL }
 *   Request     ::= SEQUENCE { reqCert CertID, singleRequestExtensions [0] EXPLICIT Extensions OPTIONAL }
 * A signature on the request is not required here and is not checked (§4.1.2: optional).
 * Throws OcspMalformedRequestError for anything else.
 */
export function parseOcspRequest(der: Uint8Array): OcspRequest {
  if (der.length > MAX_OCSP_REQUEST_BYTES) throw new OcspMalformedRequestError(`OCSP request of ${der.length} bytes is larger than ${MAX_OCSP_REQUEST_BYTES}`);
  try {
    const buf = Buffer.from(der);
    const top = expectTag(buf, readTopLevel(buf, 'OCSPRequest'), TAG.SEQUENCE, 'OCSPRequest');
    const [tbsTlv, signature, ...rest] = children(buf, top);
    if (!tbsTlv || rest.length || (signature && signature.tag !== 0xa0)) fail('OCSPRequest: unexpected fields');
    let fields = children(buf, expectTag(buf, tbsTlv, TAG.SEQUENCE, 'TBSRequest'));
    if (fields[0]?.tag === 0xa0) {
      const [version] = children(buf, fields[0]);
      const v = contentOf(buf, expectTag(buf, version ?? fail('TBSRequest: empty version'), TAG.INTEGER, 'version'));
      if (v.length !== 1 || v[0] !== 0) fail('TBSRequest: only version v1 exists');
      fields = fields.slice(1);
    }
    if (fields[0]?.tag === 0xa1) fields = fields.slice(1); // requestorName: informational only
    const [list, extsWrapper, ...trailing] = fields;
    if (!list || trailing.length || (extsWrapper && extsWrapper.tag !== 0xa2)) fail('TBSRequest: unexpected fields');
    const requests = children(buf, expectTag(buf, list, TAG.SEQUENCE, 'requestList'));
    if (requests.length === 0) fail('requestList is empty');
    if (requests.length > MAX_OCSP_CERT_IDS) throw new OcspMalformedRequestError(`OCSP request asks for ${requests.length} certificates, at most ${MAX_OCSP_CERT_IDS}`);
    const certIds = requests.map((r) => {
      const [certId, singleExts, ...more] = children(buf, expectTag(buf, r, TAG.SEQUENCE, 'Request'));
      if (!certId || more.length || (singleExts && singleExts.tag !== 0xa0)) fail('Request: unexpected fields');
      if (singleExts) readExtensions(buf, singleExts);
      return readCertId(buf, certId);
    });
    const extensions = extsWrapper ? readExtensions(buf, extsWrapper) : new Map<string, Buffer>();
    return { certIds, nonce: checkNonce(extensions.get(OID.ocspNonce) ?? null) };
  } catch (err) {
    if (err instanceof DerError) throw new OcspMalformedRequestError(`malformed OCSP request: ${err.message}`);
    throw err;
  }
}

function readCertId(buf: Buffer, t: Tlv): OcspCertId {
  const [alg, nameHash, keyHash, serial, ...more] = children(buf, expectTag(buf, t, TAG.SEQUENCE, 'CertID'));
  if (!serial || more.length) fail('CertID: expected four fields');
  const [algOid] = children(buf, expectTag(buf, alg, TAG.SEQUENCE, 'hashAlgorithm'));
  const serialBytes = contentOf(buf, expectTag(buf, serial, TAG.INTEGER, 'serialNumber'));
  if (serialBytes.length === 0) fail('CertID: empty serialNumber');
  return {
    der: Buffer.from(encodingOf(buf, t)),
    hashAlgorithm: decodeOid(contentOf(buf, expectTag(buf, algOid ?? fail('hashAlgorithm: no OID'), TAG.OID, 'hashAlgorithm'))),
    issuerNameHash: Buffer.from(contentOf(buf, expectTag(buf, nameHash, TAG.OCTET_STRING, 'issuerNameHash'))),
    issuerKeyHash: Buffer.from(contentOf(buf, expectTag(buf, keyHash, TAG.OCTET_STRING, 'issuerKeyHash'))),
    serial: signedInteger(serialBytes),
  };
}

/**
 * [n] EXPLICIT Extensions → extnID → extnValue content. Unknown non-critical extensions are
 * ignored (RFC 6960 §4.4); an unknown critical one cannot be honoured, so the request is refused.
 */
function readExtensions(buf: Buffer, wrapper: Tlv): Map<string, Buffer> {
  const [seq, ...more] = children(buf, wrapper);
  if (!seq || more.length) fail('Extensions: bad wrapper');
  const out = new Map<string, Buffer>();
  for (const ext of children(buf, expectTag(buf, seq, TAG.SEQUENCE, 'Extensions'))) {
    const parts = children(buf, expectTag(buf, ext, TAG.SEQUENCE, 'Extension'));
    if (parts.length < 2 || parts.length > 3) fail('Extension: expected two or three fields');
    const extnId = decodeOid(contentOf(buf, expectTag(buf, parts[0], TAG.OID, 'extnID')));
    const critical = parts.length === 3 && contentOf(buf, expectTag(buf, parts[1], TAG.BOOLEAN, 'critical'))[0] !== 0;
    const value = Buffer.from(contentOf(buf, expectTag(buf, parts[parts.length - 1], TAG.OCTET_STRING, 'extnValue')));
    if (out.has(extnId)) fail(`extension ${extnId} appears twice`);
    if (critical && extnId !== OID.ocspNonce) fail(`unsupported critical extension ${extnId}`);
    out.set(extnId, value);
  }
  return out;
}

/** RFC 8954 §2.1: the nonce proper (inside openssl's inner OCTET STRING, or raw) is 1..32 octets. */
function checkNonce(value: Buffer | null): Buffer | null {
  if (value === null) return null;
  let nonce: Uint8Array = value;
  try {
    const inner = readTlv(value, 0);
    if (inner.tag === TAG.OCTET_STRING && inner.end === value.length) nonce = contentOf(value, inner);
  } catch {
    // raw octets, not a DER OCTET STRING: the nonce is the whole value
  }
  if (nonce.length === 0 || nonce.length > MAX_NONCE_BYTES) fail(`nonce of ${nonce.length} octets (RFC 8954: 1 to ${MAX_NONCE_BYTES})`);
  return value;
}

function signedInteger(bytes: Uint8Array): bigint {
  let v = BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
  if (bytes[0] & 0x80) v -= 1n << BigInt(bytes.length * 8);
  return v;
}

/**
 * The hashes an OCSP CertID names an issuer by (RFC 6960 §4.1.1): the digest of the issuer's
 * DER subject Name and of its subjectPublicKey BIT STRING value (no tag, length or unused-bits
 * octet), under the CertID's own hash algorithm.
 */
export class OcspIssuerMatcher {
  private readonly subject: Buffer;
  private readonly publicKey: Buffer;
  private readonly cache = new Map<string, { name: Buffer; key: Buffer }>();

  constructor(issuerCertificate: Uint8Array) {
    const parts = readCertificate(issuerCertificate);
    this.subject = parts.subject;
    const [, bits] = children(parts.spki, readTopLevel(parts.spki, 'SubjectPublicKeyInfo'));
    this.publicKey = Buffer.from(contentOf(parts.spki, bits).subarray(1));
  }

  matches(certId: OcspCertId): boolean {
    const digest = CERT_ID_DIGESTS[certId.hashAlgorithm];
    if (!digest) return false;
    let hashes = this.cache.get(digest);
    if (!hashes) {
      hashes = { name: createHash(digest).update(this.subject).digest(), key: createHash(digest).update(this.publicKey).digest() };
      this.cache.set(digest, hashes);
    }
    return hashes.name.equals(certId.issuerNameHash) && hashes.key.equals(certId.issuerKeyHash);
  }
}
