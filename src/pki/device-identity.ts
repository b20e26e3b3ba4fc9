import { X509Certificate, verify, type KeyObject } from 'node:crypto';
import { DerError, children, contentOf, decodeOid, expectTag, readTopLevel } from './der/der-reader.js';
import { TAG } from './der/der-writer.js';
import { readCertificateDetails, type CertificateDetails } from './certificate-details.js';
import { nameAttribute } from './name-reader.js';
import { OID } from './oids.js';
import { CertificateMalformedError } from './pki.errors.js';

/** What a device certificate (birth or operational) says about the device that holds it. */
export interface DeviceIdentity {
  details: CertificateDetails;
  /** subject serialNumber (IEEE 802.1AR §8.6: the device serial) */
  deviceSerial: string | null;
  /** the birth certificate's order extension (docs/pki-profile.md); null on other certificates */
  orderId: string | null;
  /** RFC 4108 HardwareModuleName from the SAN otherName, when present */
  hardwareModule: { hwType: string; hwSerial: string } | null;
}

export function readDeviceIdentity(der: Uint8Array): DeviceIdentity {
  const details = readCertificateDetails(der);
  try {
    const orderExt = details.extensions.get(OID.birthOrderId);
    return {
      details,
      deviceSerial: nameAttribute(details.subject, OID.serialNumber),
      orderId: orderExt ? decodeOrderId(orderExt.value) : null,
      hardwareModule: decodeHardwareModule(details.extensions.get(OID.subjectAltName)?.value),
    };
  } catch (err) {
    if (err instanceof DerError) throw new CertificateMalformedError(`malformed device certificate: ${err.message}`);
    throw err;
  }
}

/** BirthOrderId ::= SEQUENCE { orderId UTF8String } */
function decodeOrderId(value: Buffer): string {
  const [id] = children(value, readTopLevel(value, 'birthOrderId'));
  if (!id || id.tag !== TAG.UTF8_STRING) throw new DerError('birthOrderId: expected a UTF8String');
  return Buffer.from(contentOf(value, id)).toString('utf8');
}

/** SAN otherName [0] { type-id, [0] EXPLICIT HardwareModuleName { hwType OID, hwSerialNum OCTET STRING } } (RFC 4108 §5). */
function decodeHardwareModule(san: Buffer | undefined): DeviceIdentity['hardwareModule'] {
  if (!san) return null;
  for (const gn of children(san, readTopLevel(san, 'subjectAltName'))) {
    if (gn.tag !== 0xa0) continue;
    const [typeId, wrapped] = children(san, gn);
    if (!typeId || !wrapped || decodeOid(contentOf(san, typeId)) !== OID.hardwareModuleName) continue;
    const [hmn] = children(san, wrapped);
    const [hwType, hwSerial] = hmn ? children(san, hmn) : [];
    if (!hwType || !hwSerial) throw new DerError('HardwareModuleName: missing fields');
    return { hwType: decodeOid(contentOf(san, hwType)), hwSerial: Buffer.from(contentOf(san, hwSerial)).toString('utf8') };
  }
  return null;
}

/** True when `issuer` names `cert`'s issuer and its key verifies `cert`'s signature (RFC 5280 §6.1.3 (a)(1), (a)(4)). */
export function isSignedBy(cert: Uint8Array, issuer: Uint8Array): boolean {
  try {
    const c = new X509Certificate(Buffer.from(cert));
    const i = new X509Certificate(Buffer.from(issuer));
    return c.checkIssued(i) && c.verify(i.publicKey);
  } catch {
    return false;
  }
}

/** An issuer prepared once (its subject bytes and public key), to check many certificates against. */
export interface PreparedIssuer {
  subject: Buffer;
  key: KeyObject;
}

export function prepareIssuer(issuerDer: Uint8Array): PreparedIssuer {
  const x = new X509Certificate(Buffer.from(issuerDer));
  return { subject: readCertificateDetails(issuerDer).subject, key: x.publicKey };
}

/** Signature algorithms a device certificate may carry, with the digest to verify them. */
const SIGNATURE_DIGESTS: Record<string, string | null> = {
  [OID.ecdsaWithSha256]: 'sha256',
  [OID.ecdsaWithSha384]: 'sha384',
  [OID.sha256WithRsa]: 'sha256',
  [OID.ed25519]: null,
};

/**
 * `isSignedBy` for the hot path: the issuer's key was decoded once, and the certificate's own
 * bytes are checked without building an X509Certificate (RFC 5280 §6.1.3 (a)(1), (a)(4)).
 */
export function isSignedByPrepared(certDer: Uint8Array, issuer: PreparedIssuer): boolean {
  try {
    const buf = Buffer.from(certDer);
    const parts = children(buf, expectTag(buf, readTopLevel(buf, 'Certificate'), TAG.SEQUENCE, 'Certificate'));
    const [tbs, sigAlg, sigValue] = parts;
    if (!tbs || !sigAlg || !sigValue || parts.length !== 3) return false;
    const [algOid] = children(buf, sigAlg);
    const digest = SIGNATURE_DIGESTS[decodeOid(contentOf(buf, algOid))];
    if (digest === undefined) return false;
    const bits = contentOf(buf, expectTag(buf, sigValue, TAG.BIT_STRING, 'signatureValue'));
    if (bits[0] !== 0) return false;
    const tbsFields = children(buf, tbs);
    const offset = tbsFields[0]?.tag === 0xa0 ? 1 : 0;
    const issuerName = tbsFields[offset + 2];
    if (!issuerName || !Buffer.from(buf.subarray(issuerName.start, issuerName.end)).equals(issuer.subject)) return false;
    return verify(digest, buf.subarray(tbs.start, tbs.end), issuer.key, Buffer.from(bits.subarray(1)));
  } catch {
    return false;
  }
}

