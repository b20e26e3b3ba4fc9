import { OID } from './oids.js';
import { isPrintable, oid, printableString, sequence, setOf, utf8String } from './der/der-writer.js';

/** A distinguished name as the product uses them: ordered attributes, one per RDN. */
export interface DistinguishedName {
  commonName?: string;
  serialNumber?: string;
  organizationalUnit?: string;
  organization?: string;
  country?: string;
}

// Most significant first, the order X.509 tooling prints: C, O, OU, CN, serialNumber.
const ORDER: Array<[keyof DistinguishedName, string]> = [
  ['country', OID.countryName],
  ['organization', OID.organizationName],
  ['organizationalUnit', OID.organizationalUnitName],
  ['commonName', OID.commonName],
  ['serialNumber', OID.serialNumber],
];

/**
 * X.520 requires PrintableString for countryName and serialNumber; the others are
 * UTF8String (RFC 5280 §4.1.2.6 "MUST use UTF8String" for new certificates).
 */
function attributeValue(key: keyof DistinguishedName, value: string): Buffer {
  if (key === 'country' || key === 'serialNumber') return printableString(value);
  return utf8String(value);
}

export function encodeName(dn: DistinguishedName): Buffer {
  const rdns: Buffer[] = [];
  for (const [key, attrOid] of ORDER) {
    const value = dn[key];
    if (value === undefined || value === '') continue;
    rdns.push(setOf(sequence(oid(attrOid), attributeValue(key, value))));
  }
  return sequence(...rdns);
}

/** A device serial must fit X.520 serialNumber (PrintableString, at most 64 characters). */
export function isValidDeviceSerial(serial: string): boolean {
  return serial.length > 0 && serial.length <= 64 && isPrintable(serial);
}
