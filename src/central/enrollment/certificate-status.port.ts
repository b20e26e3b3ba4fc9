/**
 * What the validation authority (OCSP responder, CRL publisher) reads: the status of the
 * certificates a CA of central's hierarchy issued. The enrollment side writes it (issuance,
 * revocation by the brand owner, negative certConf, CMP rr).
 */
export const CERTIFICATE_STATUS = Symbol('CERTIFICATE_STATUS');

/** RFC 5280 §5.3.1 CRLReason codes. */
export type RevocationReasonCode = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 8 | 9 | 10;

export type CertificateStatus =
  | { state: 'good' }
  | { state: 'revoked'; revokedAt: Date; reason: RevocationReasonCode }
  /** never issued by this CA, as far as central knows */
  | { state: 'unknown' };

export interface RevokedEntry {
  serialHex: string;
  revokedAt: Date;
  reason: RevocationReasonCode;
}

export interface CertificateStatusSource {
  /** `caName` is a row name of ca_certificate (e.g. 'operational-ca'); serial as lowercase hex, no leading zeros. */
  status(caName: string, serialHex: string): Promise<CertificateStatus>;
  /** Every revoked, not yet expired certificate of that CA (what a CRL lists). */
  revoked(caName: string): Promise<RevokedEntry[]>;
}

/** The one spelling of a serial number this port uses: lowercase hex, no leading zeros. */
export const normalizeSerialHex = (hex: string): string => hex.toLowerCase().replace(/^0+(?=.)/, '');
