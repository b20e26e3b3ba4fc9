import { OID } from './oids.js';
import {
  bitString,
  booleanTrue,
  contextConstructed,
  contextPrimitive,
  ia5String,
  octetString,
  oid,
  sequence,
  smallInteger,
  tlv,
  TAG,
  utf8String,
} from './der/der-writer.js';

/** Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING } */
export function extension(extnOid: string, critical: boolean, value: Uint8Array): Buffer {
  return critical
    ? sequence(oid(extnOid), booleanTrue(), octetString(value))
    : sequence(oid(extnOid), octetString(value));
}

/** RFC 5280 §4.2.1.3 key usage bits, numbered as in the ASN.1 definition. */
export const KeyUsageBit = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
} as const;
export type KeyUsageName = keyof typeof KeyUsageBit;

/** DER BIT STRING of named bits: trailing zero bits removed, unused-bit count set (X.690 §11.2.2). */
export function keyUsage(usages: KeyUsageName[]): Buffer {
  let mask = 0;
  for (const u of usages) mask |= 0x80 >> KeyUsageBit[u];
  if (mask === 0) throw new RangeError('empty keyUsage');
  let unused = 0;
  while (!(mask & (1 << unused))) unused++;
  return extension(OID.keyUsage, true, tlv(TAG.BIT_STRING, Buffer.from([unused, mask])));
}

export function basicConstraints(ca: boolean, pathLen?: number): Buffer {
  if (!ca) return extension(OID.basicConstraints, true, sequence());
  const content = pathLen === undefined ? [booleanTrue()] : [booleanTrue(), smallInteger(pathLen)];
  return extension(OID.basicConstraints, true, sequence(...content));
}

export const subjectKeyIdentifier = (keyId: Uint8Array): Buffer =>
  extension(OID.subjectKeyIdentifier, false, octetString(keyId));

/** AuthorityKeyIdentifier with keyIdentifier [0] only (RFC 5280 §4.2.1.1). */
export const authorityKeyIdentifier = (keyId: Uint8Array): Buffer =>
  extension(OID.authorityKeyIdentifier, false, sequence(contextPrimitive(0, keyId)));

export function extendedKeyUsage(purposeOids: string[]): Buffer {
  return extension(OID.extKeyUsage, false, sequence(...purposeOids.map((p) => oid(p))));
}

/**
 * SubjectAltName holding HardwareModuleName (RFC 4108 §5):
 *   otherName [0] { type-id id-on-hardwareModuleName, value [0] EXPLICIT
 *     HardwareModuleName ::= SEQUENCE { hwType OBJECT IDENTIFIER, hwSerialNum OCTET STRING } }
 * IEEE 802.1AR §8.10.4 puts it in the IDevID's SAN.
 */
export function hardwareModuleNameSan(hwTypeOid: string, hwSerial: string, dnsNames: string[] = []): Buffer {
  const hmn = sequence(oid(hwTypeOid), octetString(Buffer.from(hwSerial, 'utf8')));
  const otherName = contextConstructed(0, oid(OID.hardwareModuleName), contextConstructed(0, hmn));
  const dns = dnsNames.map((d) => contextPrimitive(2, Buffer.from(d, 'ascii')));
  return extension(OID.subjectAltName, false, sequence(otherName, ...dns));
}

/** The birth certificate's pointer to the production order that made it (docs/pki-profile.md). */
export const birthOrderId = (orderId: string): Buffer =>
  extension(OID.birthOrderId, false, sequence(utf8String(orderId)));

export interface OrderTerms {
  orderId: string;
  productModel: string;
  quota: number;
  serialFirst: string;
  serialLast: string;
}

/**
 * OrderTerms ::= SEQUENCE { orderId UTF8String, productModel UTF8String, quota INTEGER,
 *   serialFirst UTF8String, serialLast UTF8String }  — carried by an Order CA certificate.
 */
export const orderTerms = (t: OrderTerms): Buffer =>
  extension(
    OID.orderTerms,
    false,
    sequence(utf8String(t.orderId), utf8String(t.productModel), smallInteger(t.quota), utf8String(t.serialFirst), utf8String(t.serialLast)),
  );

export { ia5String, bitString };
