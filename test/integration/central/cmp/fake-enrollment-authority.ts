import { X509Certificate } from 'node:crypto';
import { readCertificate } from '../../../../src/pki/certificate-reader.js';
import type {
  EnrollmentAuthority,
  EnrollmentOutcome,
  EnrollmentRequest,
  RequesterCredentials,
  RevocationOutcome,
} from '../../../../src/central/enrollment/enrollment-authority.port.js';
import type { CmpTestPki } from '../../../unit/pki/cmp/cmp-test-pki.js';

const signedBy = (der: Buffer, ca: Buffer): boolean => {
  const cert = new X509Certificate(der);
  const issuer = new X509Certificate(ca);
  return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
};

/**
 * An enrollment authority with software keys and a few scripted decisions, recording what it
 * was asked: a subject containing "refused" is an unknown device, "slow" is pending twice per
 * transaction, and a requester not issued by the Order CA or the Operational CA is a bad chain.
 */
export class FakeEnrollmentAuthority implements EnrollmentAuthority {
  readonly enrollRequests: EnrollmentRequest[] = [];
  readonly issued: Array<{ serialHex: string; certificate: Buffer; request: EnrollmentRequest }> = [];
  readonly confirmations: Array<{ serialHex: string; accepted: boolean; reason?: string }> = [];
  readonly revocations: Array<{ target: Buffer; reasonCode: number; requester: RequesterCredentials }> = [];
  /** how many times a "slow" transaction has been answered pending */
  private readonly pendingAnswers = new Map<string, number>();
  /** set by holdNextEnroll: the next enroll waits for it */
  private hold?: { entered: () => void; released: Promise<void> };

  constructor(private readonly pki: CmpTestPki) {}

  /**
   * Keep the next enroll call in flight until `release` is called, so a test can send a second
   * request while the first is certainly being answered. `entered` settles once it is.
   */
  holdNextEnroll(): { entered: Promise<void>; release: () => void } {
    let release!: () => void;
    let entered!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const enteredPromise = new Promise<void>((resolve) => (entered = resolve));
    this.hold = { entered, released };
    return { entered: enteredPromise, release };
  }

  async enroll(request: EnrollmentRequest): Promise<EnrollmentOutcome> {
    this.enrollRequests.push(request);
    const hold = this.hold;
    if (hold) {
      this.hold = undefined;
      hold.entered();
      await hold.released;
    }
    const requester = request.requester.certificate;
    const fromBirth = signedBy(requester, this.pki.orderCa.certificate);
    const fromOperational = signedBy(requester, this.pki.operationalCa.certificate);
    if (!fromBirth && !fromOperational) return { status: 'refused', reason: 'bad-chain', message: 'requester certificate does not chain to the brand root' };
    if (request.operation === 'key-update' && !fromOperational) return { status: 'refused', reason: 'not-allowed', message: 'kur needs an operational certificate' };
    const subjectText = request.subject?.toString('latin1') ?? '';
    if (subjectText.includes('refused')) return { status: 'refused', reason: 'unknown-device', message: 'device never appeared in an audit batch' };
    const answered = this.pendingAnswers.get(request.transactionId ?? '') ?? 0;
    if (subjectText.includes('slow') && answered < 2) {
      this.pendingAnswers.set(request.transactionId ?? '', answered + 1);
      return { status: 'pending', retryAfterSeconds: 1 };
    }
    const subject = request.subject ?? readCertificate(requester).subject;
    const { certificate, serialHex } = this.pki.issueOperational(subject, request.spki);
    this.issued.push({ serialHex, certificate, request });
    // implicitly confirmed: accepted as issued, as the real authority records it
    if (request.confirmed) this.confirmations.push({ serialHex, accepted: true, reason: undefined });
    return { status: 'issued', certificate, serialHex, chain: [this.pki.operationalCa.certificate, this.pki.root.certificate] };
  }

  async confirm(serialHex: string, accepted: boolean, reason?: string): Promise<void> {
    this.confirmations.push({ serialHex, accepted, reason });
  }

  async revoke(requester: RequesterCredentials, target: Buffer, reasonCode: number): Promise<RevocationOutcome> {
    this.revocations.push({ target, reasonCode, requester });
    const t = readCertificate(target);
    // the requester must be the same device: same subject (the product checks the device serial)
    if (!readCertificate(requester.certificate).subject.equals(t.subject)) {
      return { status: 'refused', reason: 'not-allowed', message: 'only the device itself may revoke its certificate' };
    }
    return { status: 'revoked', serialHex: t.serialHex };
  }

  caCertificates() {
    return { issuing: this.pki.operationalCa.certificate, chain: [this.pki.root.certificate], root: this.pki.root.certificate };
  }

  responseSigner() {
    return { signer: this.pki.responseSigner.signer, certificate: this.pki.responseSigner.certificate, chain: [this.pki.root.certificate] };
  }
}
