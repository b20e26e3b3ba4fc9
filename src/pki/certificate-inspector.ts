import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OID } from './oids.js';
import { decodeOid } from './der/der-reader.js';
import { readCertificate } from './certificate-reader.js';
import { CertificateMalformedError } from './pki.errors.js';

/**
 * A certificate decoded by PKI.js, an encoder independent of the product's own DER writer:
 * tests and auditors use it to check what the product issued against the profile.
 */
export interface InspectedCertificate {
  subject: Record<string, string>;
  issuer: Record<string, string>;
  serialHex: string;
  notBefore: Date;
  /** the raw notAfter encoding, e.g. "99991231235959Z" */
  notAfterRaw: string;
  notAfterType: 'UTCTime' | 'GeneralizedTime';
  keyUsage: string[];
  keyUsageCritical: boolean;
  basicConstraints: { ca: boolean; pathLen?: number } | null;
  subjectKeyIdentifier: string | null;
  authorityKeyIdentifier: string | null;
  hardwareModuleName: { hwType: string; hwSerial: string } | null;
  extensionOids: string[];
  rawExtensions: Map<string, Uint8Array>;
}

const ATTR_NAMES: Record<string, string> = {
  [OID.commonName]: 'CN',
  [OID.serialNumber]: 'serialNumber',
  [OID.organizationName]: 'O',
  [OID.organizationalUnitName]: 'OU',
  [OID.countryName]: 'C',
};
const KU_NAMES = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign'];

function nameToRecord(name: pkijs.RelativeDistinguishedNames): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tv of name.typesAndValues) out[ATTR_NAMES[tv.type] ?? tv.type] = String(tv.value.valueBlock.value);
  return out;
}

/** asn1js prints arcs above 2^53 wrongly (UUID arcs under 2.25): decode the bytes ourselves. */
function oidString(o: asn1js.ObjectIdentifier): string {
  const der = new Uint8Array(o.toBER());
  return decodeOid(der.subarray(2));
}

const hex = (b: ArrayBuffer): string => Buffer.from(b).toString('hex');

export function inspectCertificate(der: Uint8Array): InspectedCertificate {
  const asn1 = asn1js.fromBER(new Uint8Array(der));
  if (asn1.offset === -1) throw new CertificateMalformedError('not BER/DER');
  const cert = new pkijs.Certificate({ schema: asn1.result });
  const raw = readCertificate(der);
  const ext = new Map<string, pkijs.Extension>();
  for (const e of cert.extensions ?? []) ext.set(e.extnID, e);

  const ku = ext.get(OID.keyUsage);
  const kuBits = ku ? new Uint8Array((ku.parsedValue as asn1js.BitString).valueBlock.valueHexView) : new Uint8Array();
  const keyUsage = KU_NAMES.filter((_, i) => (kuBits[0] ?? 0) & (0x80 >> i));

  const bcExt = ext.get(OID.basicConstraints);
  const bc = bcExt ? (bcExt.parsedValue as pkijs.BasicConstraints) : null;
  const ski = ext.get(OID.subjectKeyIdentifier)?.parsedValue as asn1js.OctetString | undefined;
  const aki = ext.get(OID.authorityKeyIdentifier)?.parsedValue as pkijs.AuthorityKeyIdentifier | undefined;

  let hardwareModuleName: InspectedCertificate['hardwareModuleName'] = null;
  const san = ext.get(OID.subjectAltName)?.parsedValue as pkijs.AltName | undefined;
  for (const gn of san?.altNames ?? []) {
    if (gn.type !== 0) continue;
    // otherName [0] { type-id OBJECT IDENTIFIER, value [0] EXPLICIT ANY }: PKI.js keeps the raw block
    const [typeId, wrapped] = (gn.value as asn1js.Constructed).valueBlock.value as [asn1js.ObjectIdentifier, asn1js.Constructed];
    if (typeId?.valueBlock.toString() !== OID.hardwareModuleName || !wrapped) continue;
    const hmn = wrapped.valueBlock.value[0] as asn1js.Sequence;
    const [hwType, hwSerial] = hmn.valueBlock.value as [asn1js.ObjectIdentifier, asn1js.OctetString];
    hardwareModuleName = { hwType: oidString(hwType), hwSerial: Buffer.from(hwSerial.valueBlock.valueHexView).toString('utf8') };
  }

  const notAfterType = cert.notAfter.type === 1 ? 'GeneralizedTime' : 'UTCTime';
  const rawNotAfter = Buffer.from((cert.notAfter.toSchema() as asn1js.UTCTime).valueBlock.valueHexView).toString('ascii');
  return {
    subject: nameToRecord(cert.subject),
    issuer: nameToRecord(cert.issuer),
    serialHex: hex(cert.serialNumber.valueBlock.valueHexView.slice().buffer),
    notBefore: cert.notBefore.value,
    notAfterRaw: rawNotAfter,
    notAfterType,
    keyUsage,
    keyUsageCritical: ku?.critical ?? false,
    basicConstraints: bc ? { ca: Boolean(bc.cA), pathLen: typeof bc.pathLenConstraint === 'number' ? bc.pathLenConstraint : undefined } : null,
    subjectKeyIdentifier: ski ? Buffer.from(ski.valueBlock.valueHexView).toString('hex') : null,
    authorityKeyIdentifier: aki?.keyIdentifier ? Buffer.from(aki.keyIdentifier.valueBlock.valueHexView).toString('hex') : null,
    hardwareModuleName,
    // Extension OIDs from the raw DER: PKI.js mangles private arcs above 2^53.
    extensionOids: [...raw.extensions.keys()],
    rawExtensions: new Map([...raw.extensions].map(([k, v]) => [k, new Uint8Array(v.value)])),
  };
}
