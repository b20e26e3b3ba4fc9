import type { Signer } from '../../pki/signer.js';

/**
 * The one enrollment authority both field protocols (EST, CMP) talk to (system.md §4.2, §7).
 * Protocol layers authenticate the request (TLS client certificate for EST, the CMP protection
 * signature for CMP), check proof of possession of the requested key, and then hand the
 * decision here. The authority applies the greenfield policy once for both protocols, issues
 * from the Operational CA with its key in the HSM, records the result durably and answers with
 * a protocol-neutral outcome that each protocol maps to its own error form.
 */
export const ENROLLMENT_AUTHORITY = Symbol('ENROLLMENT_AUTHORITY');

export type EnrollmentProtocol = 'est' | 'cmp';

/**
 * What the client asked for:
 * - `enroll`: EST simpleenroll, CMP ir/cr/p10cr;
 * - `reenroll`: EST simplereenroll (a birth certificate here is treated as `enroll`, interop.md);
 * - `key-update`: CMP kur (the requester's operational certificate is replaced by a new key).
 */
export type EnrollmentOperation = 'enroll' | 'reenroll' | 'key-update';

/** The certificate that authenticated the request, with any certificates the client sent along. */
export interface RequesterCredentials {
  /** DER: the TLS client certificate (EST) or the CMP protection certificate (first of extraCerts). */
  certificate: Buffer;
  /** DER: the rest of the client's chain (CMP extraCerts, TLS peer chain); may be empty. */
  extraCertificates: Buffer[];
}

export interface EnrollmentRequest {
  protocol: EnrollmentProtocol;
  operation: EnrollmentOperation;
  requester: RequesterCredentials;
  /** DER SubjectPublicKeyInfo of the key to certify; proof of possession already verified. */
  spki: Buffer;
  /** DER Name the client asked for (EST: CSR subject; CMP: template subject); may be absent. */
  subject?: Buffer;
  /** The protocol's transaction id (CMP transactionID hex) for logs and polling; optional. */
  transactionId?: string;
  /**
   * CMP implicit confirmation granted (RFC 9483 §4.1.1): no certConf follows, the certificate
   * is accepted as issued, in the same commit. EST certificates are always accepted as issued.
   */
  confirmed?: boolean;
}

export type RefusalReason =
  | 'bad-request' // malformed or inconsistent request content
  | 'bad-chain' // requester certificate does not chain to the brand root through a known Order CA / the Operational CA
  | 'unknown-device' // serial never seen in an ingested audit batch of its order
  | 'out-of-range' // serial outside its order's device serial range
  | 'over-quota' // the order already has N distinct enrolled devices
  | 'revoked' // requester certificate (or its order) is revoked
  | 'clone' // second greenfield enrollment with another key, or the same serial with another birth key
  | 'not-allowed'; // operation not allowed with this credential (e.g. kur with a birth certificate)

export type EnrollmentOutcome =
  | { status: 'issued'; certificate: Buffer; serialHex: string; chain: Buffer[] }
  /** The device's audit batch may not have reached central yet: ask again later (EST 202 + Retry-After, CMP waiting/pollRep). */
  | { status: 'pending'; retryAfterSeconds: number }
  | { status: 'refused'; reason: RefusalReason; message: string };

export type RevocationOutcome =
  | { status: 'revoked'; serialHex: string }
  | { status: 'refused'; reason: RefusalReason; message: string };

export interface EnrollmentAuthority {
  enroll(request: EnrollmentRequest): Promise<EnrollmentOutcome>;
  /**
   * CMP certConf (RFC 4210 §5.3.18): an accepted certificate stays valid; a rejected one is
   * revoked at once (reason cessationOfOperation) and does not count as the device's enrollment.
   * Only a certificate awaiting confirmation changes, unless `evenIfAccepted` (central's own
   * guard withdrawing a certificate it must not hand out, implicitly confirmed or not).
   */
  confirm(serialHex: string, accepted: boolean, reason?: string, options?: { evenIfAccepted?: boolean }): Promise<void>;
  /** CMP rr: revoke `target` (DER) on behalf of `requester`, who must hold that certificate's key. */
  revoke(requester: RequesterCredentials, target: Buffer, reasonCode: number): Promise<RevocationOutcome>;
  /** A certificate the authority issued, by issuer Name (DER) and serial (hex), or null. */
  issuedCertificate?(issuer: Buffer, serialHex: string): Promise<Buffer | null>;
  /** The Operational CA certificate, the chain above it up to and including the brand root. */
  caCertificates(): { issuing: Buffer; chain: Buffer[]; root: Buffer };
  /** The key and certificate central signs CMP responses with (digitalSignature), with its chain. */
  responseSigner(): { signer: Signer; certificate: Buffer; chain: Buffer[] };
}
