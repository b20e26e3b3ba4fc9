import { DerError, children, contentOf, encodingOf, expectTag, readTopLevel } from './der/der-reader.js';
import { TAG } from './der/der-writer.js';
import { decodeTime } from './der/der-time.js';
import { readCertificate, type CertificateParts } from './certificate-reader.js';
import { KeyUsageBit, type KeyUsageName } from './extensions.js';
import { OID } from './oids.js';
import { nameAttribute } from './name-reader.js';
import { CertificateMalformedError } from './pki.errors.js';

/**
 * What a relying party needs to judge a certificate (RFC 5280 §6.1.3/§6.1.4): validity,
 * basic constraints, key usage, and the raw slices of `readCertificate`. Decoded with the
 * project's DER reader, so certificates that PKI.js would mangle (private UUID arcs) are fine.
 */
export interface CertificateDetails extends CertificateParts {
  der: Buffer;
  /** the serialNumber INTEGER's full DER encoding, as an IssuerAndSerialNumber carries it */
  serialTlv: Buffer;
  notBefore: Date;
  notAfter: Date;
  /** basicConstraints cA (false when the extension is absent: RFC 5280 §4.2.1.9) */
  ca: boolean;
  pathLen: number | null;
  /** null when the certificate has no keyUsage extension */
  keyUsage: Set<KeyUsageName> | null;
  /** the first CN in the subject, or null */
  commonName: string | null;
}

export function readCertificateDetails(der: Uint8Array): CertificateDetails {
  const parts = readCertificate(der);
  try {
    const buf = Buffer.from(der);
    const tbs = readTopLevel(parts.tbs, 'tbsCertificate');
    const fields = children(parts.tbs, tbs);
    const offset = fields[0]?.tag === 0xa0 ? 1 : 0;
    const serial = fields[offset];
    const validity = children(parts.tbs, expectTag(parts.tbs, fields[offset + 3], TAG.SEQUENCE, 'validity'));
    if (validity.length !== 2) throw new DerError('validity: expected notBefore and notAfter');
    const [notBefore, notAfter] = validity.map((t) => decodeTime(t.tag, contentOf(parts.tbs, t)));
    const bc = parts.extensions.get(OID.basicConstraints);
    const { ca, pathLen } = bc ? decodeBasicConstraints(bc.value) : { ca: false, pathLen: null };
    const ku = parts.extensions.get(OID.keyUsage);
    // onto the parts themselves: a spread would read (and hash) their lazy fingerprint
    return Object.assign(parts, {
      der: buf,
      serialTlv: Buffer.from(encodingOf(parts.tbs, serial)),
      notBefore,
      notAfter,
      ca,
      pathLen,
      keyUsage: ku ? decodeKeyUsage(ku.value) : null,
      commonName: commonNameOf(parts.subject),
    });
  } catch (err) {
    if (err instanceof DerError) throw new CertificateMalformedError(`malformed certificate: ${err.message}`);
    throw err;
  }
}

/** BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL } */
function decodeBasicConstraints(value: Buffer): { ca: boolean; pathLen: number | null } {
  const items = children(value, expectTag(value, readTopLevel(value, 'basicConstraints'), TAG.SEQUENCE, 'basicConstraints'));
  let ca = false;
  let pathLen: number | null = null;
  for (const item of items) {
    const content = contentOf(value, item);
    if (item.tag === TAG.BOOLEAN && content.length === 1) ca = content[0] !== 0;
    else if (item.tag === TAG.INTEGER && content.length <= 2 && !(content[0] & 0x80)) pathLen = content.reduce((n, b) => n * 256 + b, 0);
    else throw new DerError('basicConstraints: unexpected field');
  }
  return { ca, pathLen };
}

/** KeyUsage ::= BIT STRING, bit 0 = digitalSignature (RFC 5280 §4.2.1.3). */
function decodeKeyUsage(value: Buffer): Set<KeyUsageName> {
  const bits = contentOf(value, expectTag(value, readTopLevel(value, 'keyUsage'), TAG.BIT_STRING, 'keyUsage'));
  if (bits.length < 1 || bits[0] > 7) throw new DerError('keyUsage: bad BIT STRING');
  const out = new Set<KeyUsageName>();
  for (const [name, bit] of Object.entries(KeyUsageBit) as Array<[KeyUsageName, number]>) {
    const byte = bits[1 + (bit >> 3)] ?? 0;
    if (byte & (0x80 >> (bit & 7))) out.add(name);
  }
  return out;
}

function commonNameOf(name: Buffer): string | null {
  return nameAttribute(name, OID.commonName);
}
