import { X509Certificate } from 'node:crypto';
import { DerError, children, contentOf, decodeOid, readTopLevel } from './der/der-reader.js';
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
