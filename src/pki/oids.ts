/**
 * Every OID the product uses, in one place (conventions.md §4).
 *
 * The product's private arc is a UUID arc under 2.25 (ITU-T X.667 / RFC 4122 §4.4 "UUID OIDs"),
 * which needs no registration and cannot collide with anyone else's.
 */
export const PRODUCT_ARC = '2.25.316439792148501594468024376345574696162';

export const OID = {
  // Algorithms
  ecPublicKey: '1.2.840.10045.2.1',
  prime256v1: '1.2.840.10045.3.1.7',
  secp384r1: '1.3.132.0.34',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha384WithRsa: '1.2.840.113549.1.1.12',
  sha512WithRsa: '1.2.840.113549.1.1.13',
  ed25519: '1.3.101.112',
  // Digests (RFC 5754 §2: parameters absent); SHA-1 only to match OCSP CertIDs (RFC 6960 §4.1.1)
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  // Attribute types (X.520)
  commonName: '2.5.4.3',
  serialNumber: '2.5.4.5',
  countryName: '2.5.4.6',
  organizationName: '2.5.4.10',
  organizationalUnitName: '2.5.4.11',
  // PKCS#9
  extensionRequest: '1.2.840.113549.1.9.14',
  // CMS (RFC 5652 §5.1 content type, §11.1-11.3 signed attributes)
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentTypeAttr: '1.2.840.113549.1.9.3',
  messageDigestAttr: '1.2.840.113549.1.9.4',
  signingTimeAttr: '1.2.840.113549.1.9.5',
  // Certificate extensions (RFC 5280 §4.2)
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  cRLDistributionPoints: '2.5.29.31',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  // CRL and CRL entry extensions (RFC 5280 §5.2, §5.3)
  cRLNumber: '2.5.29.20',
  cRLReason: '2.5.29.21',
  // Access methods (RFC 5280 §4.2.2.1)
  adOcsp: '1.3.6.1.5.5.7.48.1',
  adCaIssuers: '1.3.6.1.5.5.7.48.2',
  // OCSP (RFC 6960 §4.2.1, §4.4.1, §4.2.2.2.1) and the responder's EKU (RFC 5280 §4.2.1.12)
  ocspBasic: '1.3.6.1.5.5.7.48.1.1',
  ocspNonce: '1.3.6.1.5.5.7.48.1.2',
  ocspNoCheck: '1.3.6.1.5.5.7.48.1.5',
  kpOcspSigning: '1.3.6.1.5.5.7.3.9',
  // CRL entry extension (RFC 5280 §5.3.1), carried in a CMP rr's crlEntryDetails
  crlReason: '2.5.29.21',
  // CMP (RFC 4210 §5.3.19, RFC 9480 §4.3) and CRMF (RFC 4211 §6.5)
  passwordBasedMac: '1.2.840.113533.7.66.13',
  itImplicitConfirm: '1.3.6.1.5.5.7.4.13',
  itCaCerts: '1.3.6.1.5.5.7.4.17',
  regCtrlOldCertId: '1.3.6.1.5.5.7.5.1.5',
  // RFC 4108 §5: HardwareModuleName in a SAN otherName (IEEE 802.1AR §8.10.4)
  hardwareModuleName: '1.3.6.1.5.5.7.8.4',
  // Product private extensions (documented in docs/pki-profile.md)
  orderTerms: `${PRODUCT_ARC}.1.1`,
  birthOrderId: `${PRODUCT_ARC}.1.2`,
  /** Default hardware type arc: products without their own hwType OID get `${arc}.<n>`. */
  hardwareTypeArc: `${PRODUCT_ARC}.2`,
  /** eContentType of a quota grant from central's quota signer (CMS SignedData, docs/pki-profile.md). */
  /** CMS content types of the audit sync (docs/audit.md) */
  auditBatch: `${PRODUCT_ARC}.4.1`,
  auditReceipt: `${PRODUCT_ARC}.4.2`,
  quotaGrant: `${PRODUCT_ARC}.3.1`,
} as const;
