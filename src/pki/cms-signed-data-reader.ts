import { createHash, timingSafeEqual, verify } from 'node:crypto';
import { DerError, children, contentOf, decodeOid, encodingOf, expectTag, readTopLevel, type Tlv } from './der/der-reader.js';
import { TAG } from './der/der-writer.js';
import { decodeTime } from './der/der-time.js';
import { acceptedSignatureOids, digestForSignatureOid } from './algorithm-identifier.js';
import { cmsDigestFor, digestNameForOid, type CmsDigest } from './cms-signed-data.js';
import { inspectSpki } from './spki.js';
import { OID } from './oids.js';

/** One SignerInfo (RFC 5652 §5.3), as raw slices: nothing here is trusted yet. */
export interface SignerInfoParts {
  version: number;
  /** sid issuerAndSerialNumber: the DER issuer Name and serialNumber INTEGER */
  issuer: Buffer;
  serialTlv: Buffer;
  digest: CmsDigest;
  signatureOid: string;
  /** the signed attributes re-tagged as SET OF (0x31): exactly the bytes that were signed (§5.4) */
  signedAttrs: Buffer;
  contentType: string;
  messageDigest: Buffer;
  signingTime: Date | null;
  signature: Buffer;
}

export interface SignedDataParts {
  version: number;
  digestOids: string[];
  eContentType: string;
  eContent: Buffer;
  certificates: Buffer[];
  signerInfos: SignerInfoParts[];
}

const smallInt = (buf: Buffer, t: Tlv, what: string): number => {
  const c = contentOf(buf, expectTag(buf, t, TAG.INTEGER, what));
  if (c.length !== 1 || c[0] & 0x80) throw new DerError(`${what}: unexpected value`);
  return c[0];
};

/** AlgorithmIdentifier with absent or NULL parameters (RFC 5754 §2, RFC 5758 §3.2, RFC 4055). */
function algorithmOid(buf: Buffer, t: Tlv, what: string): string {
  const [algOid, params, extra] = children(buf, expectTag(buf, t, TAG.SEQUENCE, what));
  if (!algOid || extra || (params && !(params.tag === TAG.NULL && params.end === params.contentStart))) {
    throw new DerError(`${what}: unexpected parameters`);
  }
  return decodeOid(contentOf(buf, expectTag(buf, algOid, TAG.OID, what)));
}

/**
 * Parse a DER ContentInfo holding SignedData with encapsulated content (RFC 5652 §3, §5).
 * Syntax only: signatures, digests and certificates are the caller's to check. Throws DerError.
 * Not supported (refused as malformed): BER indefinite lengths, detached content, signers
 * identified by subjectKeyIdentifier, certificate choices other than Certificate, and
 * SignerInfos without signed attributes.
 */
export function parseSignedData(der: Uint8Array): SignedDataParts {
  const buf = Buffer.from(der);
  const ci = children(buf, expectTag(buf, readTopLevel(buf, 'ContentInfo'), TAG.SEQUENCE, 'ContentInfo'));
  if (ci.length !== 2 || ci[1].tag !== 0xa0) throw new DerError('ContentInfo: expected contentType and [0] content');
  if (decodeOid(contentOf(buf, expectTag(buf, ci[0], TAG.OID, 'contentType'))) !== OID.signedData) {
    throw new DerError('ContentInfo: content type is not id-signedData');
  }
  const [sdTlv, extra] = children(buf, ci[1]);
  if (!sdTlv || extra) throw new DerError('ContentInfo: [0] must hold exactly one SignedData');
  const fields = children(buf, expectTag(buf, sdTlv, TAG.SEQUENCE, 'SignedData'));
  if (fields.length < 4) throw new DerError('SignedData: missing fields');
  const [versionTlv, digestsTlv, encapTlv] = fields;
  const signerInfosTlv = fields[fields.length - 1];
  const optional = fields.slice(3, -1);
  const certsTlv = optional.find((f) => f.tag === 0xa0);
  if (optional.some((f) => f.tag !== 0xa0 && f.tag !== 0xa1) || optional.length > 2) {
    throw new DerError('SignedData: unexpected field');
  }

  const digestOids = children(buf, expectTag(buf, digestsTlv, TAG.SET, 'digestAlgorithms')).map((t) => algorithmOid(buf, t, 'digestAlgorithm'));

  // EncapsulatedContentInfo ::= SEQUENCE { eContentType, eContent [0] EXPLICIT OCTET STRING OPTIONAL }
  const [typeTlv, wrapper, more] = children(buf, expectTag(buf, encapTlv, TAG.SEQUENCE, 'encapContentInfo'));
  if (!typeTlv || !wrapper || more || wrapper.tag !== 0xa0) throw new DerError('encapContentInfo: content absent (detached signatures are not supported)');
  const [octets, trailing] = children(buf, wrapper);
  // DER: a primitive OCTET STRING (X.690 §10.2); a constructed one is BER only.
  if (!octets || trailing) throw new DerError('eContent: expected one OCTET STRING');
  const eContent = Buffer.from(contentOf(buf, expectTag(buf, octets, TAG.OCTET_STRING, 'eContent')));

  const certificates = certsTlv
    ? children(buf, certsTlv).map((t) => Buffer.from(encodingOf(buf, expectTag(buf, t, TAG.SEQUENCE, 'certificate'))))
    : [];

  return {
    version: smallInt(buf, versionTlv, 'SignedData version'),
    digestOids,
    eContentType: decodeOid(contentOf(buf, expectTag(buf, typeTlv, TAG.OID, 'eContentType'))),
    eContent,
    certificates,
    signerInfos: children(buf, expectTag(buf, signerInfosTlv, TAG.SET, 'signerInfos')).map((t) => parseSignerInfo(buf, t)),
  };
}

function parseSignerInfo(buf: Buffer, t: Tlv): SignerInfoParts {
  const f = children(buf, expectTag(buf, t, TAG.SEQUENCE, 'SignerInfo'));
  if (f.length < 6 || f.length > 7 || (f.length === 7 && f[6].tag !== 0xa1)) throw new DerError('SignerInfo: unexpected fields');
  const [versionTlv, sid, digestTlv, attrsTlv, sigAlgTlv, sigTlv] = f;
  const version = smallInt(buf, versionTlv, 'SignerInfo version');
  // §5.3: version 1 goes with issuerAndSerialNumber, version 3 with subjectKeyIdentifier.
  if (version !== 1 || sid.tag !== TAG.SEQUENCE) throw new DerError('SignerInfo: only version 1 with issuerAndSerialNumber is supported');
  const [issuer, serial, extraSid] = children(buf, sid);
  if (!issuer || !serial || extraSid) throw new DerError('issuerAndSerialNumber: unexpected fields');
  const digest = digestNameForOid(algorithmOid(buf, digestTlv, 'digestAlgorithm'));
  if (!digest) throw new DerError('SignerInfo: unsupported digest algorithm');
  if (attrsTlv.tag !== 0xa0) throw new DerError('SignerInfo: signed attributes are required (RFC 5652 §5.3)');

  const attrs = new Map<string, Tlv[]>();
  for (const attr of children(buf, attrsTlv)) {
    const [typeTlv, valuesTlv, extraAttr] = children(buf, expectTag(buf, attr, TAG.SEQUENCE, 'Attribute'));
    if (!typeTlv || !valuesTlv || extraAttr) throw new DerError('Attribute: unexpected fields');
    const type = decodeOid(contentOf(buf, expectTag(buf, typeTlv, TAG.OID, 'attrType')));
    // §5.3: an attribute type appears once; §11.1-11.3: these three are single-valued.
    if (attrs.has(type)) throw new DerError(`signed attribute ${type} repeated`);
    attrs.set(type, children(buf, expectTag(buf, valuesTlv, TAG.SET, 'attrValues')));
  }
  const single = (type: string, name: string, required: boolean): Tlv | null => {
    const values = attrs.get(type);
    if (!values) {
      if (required) throw new DerError(`signed attribute ${name} missing (RFC 5652 §5.3)`);
      return null;
    }
    if (values.length !== 1) throw new DerError(`signed attribute ${name} must have exactly one value`);
    return values[0];
  };
  const ct = single(OID.contentTypeAttr, 'contentType', true)!;
  const md = single(OID.messageDigestAttr, 'messageDigest', true)!;
  const st = single(OID.signingTimeAttr, 'signingTime', false);

  const signedAttrs = Buffer.from(encodingOf(buf, attrsTlv));
  signedAttrs[0] = TAG.SET;
  return {
    version,
    issuer: Buffer.from(encodingOf(buf, expectTag(buf, issuer, TAG.SEQUENCE, 'issuer'))),
    serialTlv: Buffer.from(encodingOf(buf, expectTag(buf, serial, TAG.INTEGER, 'serialNumber'))),
    digest,
    signatureOid: algorithmOid(buf, sigAlgTlv, 'signatureAlgorithm'),
    signedAttrs,
    contentType: decodeOid(contentOf(buf, expectTag(buf, ct, TAG.OID, 'contentType value'))),
    messageDigest: Buffer.from(contentOf(buf, expectTag(buf, md, TAG.OCTET_STRING, 'messageDigest value'))),
    signingTime: st ? decodeTime(st.tag, contentOf(buf, st)) : null,
    signature: Buffer.from(contentOf(buf, expectTag(buf, sigTlv, TAG.OCTET_STRING, 'signature'))),
  };
}

/**
 * Does `signerInfo`'s signature over its signed attributes verify with `spki`? The signature
 * algorithm must suit the key, and digestAlgorithm must be the hash that algorithm uses
 * (RFC 5753 §2.1.1): otherwise verifiers that hash with digestAlgorithm (OpenSSL) and those
 * that hash with the signature algorithm would disagree about the same bytes.
 */
export function signerInfoSignatureValid(si: SignerInfoParts, spki: Uint8Array): boolean {
  let key;
  try {
    key = inspectSpki(spki);
  } catch {
    return false;
  }
  if (!acceptedSignatureOids(key.algorithm).includes(si.signatureOid)) return false;
  const hash = digestForSignatureOid(si.signatureOid);
  if ((hash ?? cmsDigestFor(key.algorithm)) !== si.digest) return false;
  try {
    return verify(hash, si.signedAttrs, key.key, si.signature);
  } catch {
    return false;
  }
}

/** RFC 5652 §5.4/§11.2: messageDigest is the digest of the eContent OCTET STRING's value. */
export function contentDigestMatches(sd: SignedDataParts, si: SignerInfoParts): boolean {
  const actual = createHash(si.digest).update(sd.eContent).digest();
  return actual.length === si.messageDigest.length && timingSafeEqual(actual, si.messageDigest);
}
