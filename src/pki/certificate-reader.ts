import { createHash } from 'node:crypto';
import { DerError, children, contentOf, decodeOid, encodingOf, expectTag, readTopLevel, type Tlv } from './der/der-reader.js';
import { TAG } from './der/der-writer.js';
import { OID } from './oids.js';
import { CertificateMalformedError } from './pki.errors.js';

/** The parts of a certificate the runtime needs, as raw DER slices (no object tree). */
export interface CertificateParts {
  tbs: Buffer;
  serialHex: string;
  issuer: Buffer;
  subject: Buffer;
  spki: Buffer;
  /** extension OID -> { critical, DER value inside the OCTET STRING } */
  extensions: Map<string, { critical: boolean; value: Buffer }>;
  subjectKeyIdentifier: Buffer | null;
  /** SHA-256 of the whole DER, hex; hashed when first read (most readers never ask for it) */
  readonly fingerprint: string;
}

/** Split a DER certificate into its parts (RFC 5280 §4.1). Throws CertificateMalformedError. */
export function readCertificate(der: Uint8Array): CertificateParts {
  try {
    const buf = Buffer.from(der);
    const top = expectTag(buf, readTopLevel(buf, 'Certificate'), TAG.SEQUENCE, 'Certificate');
    const [tbsTlv] = children(buf, top);
    const fields = children(buf, expectTag(buf, tbsTlv, TAG.SEQUENCE, 'tbsCertificate'));
    // [0] version is present in v3 certificates
    const offset = fields[0]?.tag === 0xa0 ? 1 : 0;
    const [serial, , issuer, , subject, spki] = fields.slice(offset);
    if (!spki) throw new DerError('tbsCertificate: missing fields');
    const extensions = new Map<string, { critical: boolean; value: Buffer }>();
    const extsWrapper = fields.find((f: Tlv) => f.tag === 0xa3);
    if (extsWrapper) {
      const [extSeq] = children(buf, extsWrapper);
      for (const ext of children(buf, extSeq)) {
        const parts = children(buf, ext);
        const extOid = decodeOid(contentOf(buf, parts[0]));
        const critical = parts.length === 3 && contentOf(buf, parts[1])[0] === 0xff;
        extensions.set(extOid, { critical, value: Buffer.from(contentOf(buf, parts[parts.length - 1])) });
      }
    }
    const ski = extensions.get(OID.subjectKeyIdentifier);
    let fingerprint: string | undefined;
    return {
      tbs: Buffer.from(encodingOf(buf, tbsTlv)),
      serialHex: Buffer.from(contentOf(buf, expectTag(buf, serial, TAG.INTEGER, 'serial'))).toString('hex').replace(/^00/, ''),
      issuer: Buffer.from(encodingOf(buf, issuer)),
      subject: Buffer.from(encodingOf(buf, subject)),
      spki: Buffer.from(encodingOf(buf, spki)),
      extensions,
      subjectKeyIdentifier: ski ? Buffer.from(contentOf(ski.value, readTopLevel(ski.value, 'SKI'))) : null,
      get fingerprint() {
        return (fingerprint ??= createHash('sha256').update(buf).digest('hex'));
      },
    };
  } catch (err) {
    if (err instanceof DerError) throw new CertificateMalformedError(`malformed certificate: ${err.message}`);
    throw err;
  }
}
