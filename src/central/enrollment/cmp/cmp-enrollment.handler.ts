import { Inject, Optional, Injectable, Logger } from '@nestjs/common';
import { SIGNATURE_VERIFIER } from '../../../hsm/hsm-signature-verifier.js';
import type { SignatureVerifier } from '../../../pki/signature-verifier.js';
import { readCertificate } from '../../../pki/certificate-reader.js';
import { verifyCsr, type VerifiedCsr } from '../../../pki/csr.js';
import { CsrRejectedError } from '../../../pki/pki.errors.js';
import { KEY_ALGORITHMS } from '../../../pki/key-algorithm.js';
import { OID } from '../../../pki/oids.js';
import { CmpRejectedError } from '../../../pki/cmp/cmp.errors.js';
import { CERT_RESPONSE_FOR, type CertRequestBodyType } from '../../../pki/cmp/pki-body.js';
import { decodeCertReqMessages, verifyProofOfPossession } from '../../../pki/cmp/crmf-request.js';
import { decodeCertConfirmContent, decodeP10cr, decodePollReqContent } from '../../../pki/cmp/cmp-requests.js';
import { encodeCertRepMessage, encodePkiConfirmContent, encodePollRepContent } from '../../../pki/cmp/cmp-responses.js';
import { expectedCertHash } from '../../../pki/cmp/cert-hash.js';
import type { PkiStatusInfo } from '../../../pki/cmp/pki-status.js';
import { ENROLLMENT_AUTHORITY, type EnrollmentAuthority, type EnrollmentOutcome, type EnrollmentRequest } from '../enrollment-authority.port.js';
import { CMP_TRANSACTION_STORE, newVersion, type CmpTransaction, type CmpTransactionStore } from './cmp-transaction.store.js';
import { CMP_OPTIONS, type CmpOptions } from './cmp.options.js';
import { failureInfoFor } from './cmp-failure.js';
import type { CmpReply } from './cmp-responder.js';
import type { AuthenticatedCmpRequest } from './cmp-request-context.js';

const b64 = (b: Buffer): string => b.toString('base64');
const unb64 = (s: string): Buffer => Buffer.from(s, 'base64');
const CSR_FAILURE = { CSR_MALFORMED: 'badDataFormat', CSR_BAD_SIGNATURE: 'badPOP', CSR_KEY_POLICY: 'badAlg', CSR_SUBJECT_MISMATCH: 'badCertTemplate' } as const;

/**
 * Certificate requests (ir, cr, kur, p10cr), polling and confirmation (RFC 9483 §4.1, §4.4,
 * RFC 4210 §5.3.18). The decision is the enrollment authority's; this class checks the proof of
 * possession, keeps the transaction, and answers in CMP form.
 */
@Injectable()
export class CmpEnrollmentHandler {
  private readonly log = new Logger('cmp');

  constructor(
    @Inject(ENROLLMENT_AUTHORITY) private readonly authority: EnrollmentAuthority,
    @Inject(CMP_TRANSACTION_STORE) private readonly store: CmpTransactionStore,
    @Inject(CMP_OPTIONS) private readonly options: CmpOptions,
    @Optional() @Inject(SIGNATURE_VERIFIER) private readonly verifier?: SignatureVerifier,
  ) {}

  /** transactionIDs of implicitly confirmed requests being answered by this node now */
  private readonly claimed = new Set<string>();

  async certificateRequest(req: AuthenticatedCmpRequest): Promise<CmpReply> {
    const type = req.message.bodyType as CertRequestBodyType;
    const certReqId = type === 'p10cr' ? -1 : 0;
    let key: { spki: Buffer; subject?: Buffer };
    try {
      key = type === 'p10cr' ? this.fromP10cr(req) : this.fromCrmf(req);
    } catch (err) {
      if (err instanceof CmpRejectedError) return rejection(type, certReqId, { status: 'rejection', text: err.message, failInfo: err.failInfo });
      throw err;
    }
    const tx: CmpTransaction = {
      transactionId: req.transactionId,
      version: newVersion(),
      state: 'pending',
      requesterFingerprint: req.fingerprint,
      bodyType: type,
      certReqId,
      implicitConfirmRequested: req.message.header.generalInfo.some((i) => i.type === OID.itImplicitConfirm),
      request: {
        operation: type === 'kur' ? 'key-update' : 'enroll',
        spki: b64(key.spki),
        subject: key.subject ? b64(key.subject) : undefined,
        requesterCertificate: b64(req.requester.certificate),
        requesterChain: req.requester.extraCertificates.map(b64),
      },
      expiresAt: this.expiry(this.options.pendingIdleSeconds),
    };
    const inUse = () => new CmpRejectedError(['transactionIdInUse'], `transactionID ${req.transactionId} is in use by an open transaction`);
    if (this.grantsImplicitConfirm(tx)) return this.implicitlyConfirmed(tx, inUse);
    // Claim the transactionID before asking the authority: a second ir with the same id (or the
    // same ir sent to two nodes) must not issue twice (RFC 4210 §5.1.1 transactionIdInUse).
    if (!(await this.store.insert(tx))) throw inUse();
    let outcome: EnrollmentOutcome;
    try {
      outcome = await this.authority.enroll(this.enrollmentRequest(tx));
    } catch (err) {
      await this.store.remove(tx.transactionId); // nothing was decided: the client may retry with this id
      throw err;
    }
    return this.answer(tx, outcome, false);
  }

  /**
   * A request that ends in this exchange (implicit confirmation granted) is claimed in this
   * node's memory, not in the store: nothing of it outlives the answer unless the authority
   * says "pending", and then it is stored for polling. Two nodes given the same request cannot
   * issue twice all the same: the authority answers the same device and key with the same
   * certificate, counting nothing, and another key as a clone (system.md §4.2).
   */
  private async implicitlyConfirmed(tx: CmpTransaction, inUse: () => CmpRejectedError): Promise<CmpReply> {
    if (this.claimed.has(tx.transactionId)) throw inUse();
    this.claimed.add(tx.transactionId);
    let outcome: EnrollmentOutcome;
    try {
      if (await this.store.find(tx.transactionId)) throw inUse(); // an open (pending) transaction has it
      outcome = await this.authority.enroll(this.enrollmentRequest(tx));
    } finally {
      this.claimed.delete(tx.transactionId);
    }
    if (outcome.status === 'pending' && !(await this.store.insert(tx))) throw inUse();
    return this.answer(tx, outcome, false, outcome.status === 'pending');
  }

  async pollRequest(req: AuthenticatedCmpRequest): Promise<CmpReply> {
    const tx = await this.openTransaction(req, 'pending', 'pollReq');
    const ids = decodePollReqContent(req.message.der, req.message.body);
    if (!ids.includes(tx.certReqId)) throw new CmpRejectedError(['badCertId'], `pollReq does not name certReqId ${tx.certReqId}`);
    const outcome = await this.authority.enroll(this.enrollmentRequest(tx));
    return this.answer(tx, outcome, true);
  }

  async certConf(req: AuthenticatedCmpRequest): Promise<CmpReply> {
    const tx = await this.openTransaction(req, 'awaiting-confirm', 'certConf');
    const issued = tx.issued!;
    const statuses = decodeCertConfirmContent(req.message.der, req.message.body);
    if (statuses.length > 1) throw new CmpRejectedError(['badRequest'], 'certConf must confirm exactly one certificate (RFC 9483 §4.1)');
    const [status] = statuses;
    // RFC 4210 §5.3.18: a certificate not listed in certConf is rejected
    let accepted = false;
    let reason = 'certConf lists no certificate';
    if (status) {
      if (status.certReqId !== tx.certReqId) throw new CmpRejectedError(['badCertId'], `certConf names certReqId ${status.certReqId}, expected ${tx.certReqId}`);
      const expected = expectedCertHash(unb64(issued.certificate), status.hashAlgOid);
      if (!expected) throw new CmpRejectedError(['badAlg'], `certConf hash algorithm ${status.hashAlgOid} is not supported`);
      if (!expected.equals(status.certHash)) throw new CmpRejectedError(['badCertId'], 'certHash does not match the issued certificate');
      accepted = !status.statusInfo || status.statusInfo.status === 'accepted' || status.statusInfo.status === 'grantedWithMods';
      reason = status.statusInfo?.text ?? (accepted ? '' : `client rejected the certificate (${status.statusInfo?.failInfo?.join(', ') || 'no reason given'})`);
    }
    if (!(await this.claim(tx))) throw new CmpRejectedError(['badRequest'], 'this transaction is being finished by another request');
    await this.authority.confirm(issued.serialHex, accepted, accepted ? undefined : reason);
    await this.store.remove(tx.transactionId);
    this.log.log(`certConf ${tx.transactionId}: serial ${issued.serialHex} ${accepted ? 'accepted' : `rejected: ${reason}`}`);
    return { bodyType: 'pkiconf', body: encodePkiConfirmContent() };
  }

  /**
   * Abandoned transactions: an issued certificate never confirmed is revoked as unconfirmed
   * (RFC 4210 §5.3.18 leaves it to the CA; here it must not count as an enrollment); a pending
   * one is dropped. Each is claimed first, so two nodes never both act on it.
   */
  async sweepExpired(now = new Date(), limit = 100): Promise<number> {
    let swept = 0;
    for (const tx of await this.store.expired(now, limit)) {
      if (!(await this.claim(tx))) continue;
      if (tx.state === 'awaiting-confirm' && tx.issued) {
        await this.authority.confirm(tx.issued.serialHex, false, 'no certConf received before the transaction expired');
      }
      await this.store.remove(tx.transactionId);
      swept++;
    }
    return swept;
  }

  private fromCrmf(req: AuthenticatedCmpRequest): { spki: Buffer; subject?: Buffer } {
    const msgs = decodeCertReqMessages(req.message.der, req.message.body);
    if (msgs.length !== 1) throw new CmpRejectedError(['badRequest'], 'exactly one CertReqMsg per request (RFC 9483 §4.1.1)');
    const [msg] = msgs;
    if (msg.certReqId !== 0) throw new CmpRejectedError(['badRequest'], `certReqId must be 0 (RFC 9483 §4.1.1), got ${msg.certReqId}`);
    verifyProofOfPossession(msg, this.verifier);
    // The template issuer is ignored: a greenfield client fills in its birth CA's name (interop.md).
    return { spki: msg.template.publicKey!, subject: msg.template.subject };
  }

  private fromP10cr(req: AuthenticatedCmpRequest): { spki: Buffer; subject?: Buffer } {
    const { csr, subject } = decodeP10cr(req.message.der, req.message.body);
    let verified: VerifiedCsr;
    try {
      // key policy is the authority's: accept every algorithm the product knows here
      verified = verifyCsr(csr, KEY_ALGORITHMS, this.verifier);
    } catch (err) {
      if (err instanceof CsrRejectedError) throw new CmpRejectedError([CSR_FAILURE[err.code as keyof typeof CSR_FAILURE] ?? 'badRequest'], err.message);
      throw err;
    }
    return { spki: verified.spki, subject: subject.length > 2 ? subject : undefined };
  }

  private enrollmentRequest(tx: CmpTransaction): EnrollmentRequest {
    return {
      protocol: 'cmp',
      operation: tx.request.operation,
      requester: { certificate: unb64(tx.request.requesterCertificate), extraCertificates: tx.request.requesterChain.map(unb64) },
      spki: unb64(tx.request.spki),
      subject: tx.request.subject ? unb64(tx.request.subject) : undefined,
      transactionId: tx.transactionId,
      confirmed: this.grantsImplicitConfirm(tx),
    };
  }

  private grantsImplicitConfirm(tx: CmpTransaction): boolean {
    return tx.implicitConfirmRequested && this.options.grantImplicitConfirm;
  }

  /** The answer to an authority outcome, for the first request (`polled` false) or a pollReq. */
  /** `stored`: whether the transaction is in the store (every one is, but an implicitly confirmed one that ended at once). */
  private async answer(tx: CmpTransaction, outcome: EnrollmentOutcome, polled: boolean, stored = true): Promise<CmpReply> {
    if (outcome.status === 'refused') {
      if (stored) await this.store.remove(tx.transactionId);
      this.log.warn(`${tx.bodyType} ${tx.transactionId} refused (${outcome.reason}): ${outcome.message}`);
      return rejection(tx.bodyType, tx.certReqId, { status: 'rejection', text: outcome.message, failInfo: failureInfoFor(outcome.reason) });
    }
    if (outcome.status === 'pending') {
      const next = { ...tx, version: newVersion(), expiresAt: this.expiry(Math.max(this.options.pendingIdleSeconds, outcome.retryAfterSeconds * 4)) };
      await this.store.update(next, tx.version); // losing this race only means another node refreshed it
      const text = `enrollment pending: poll again in ${outcome.retryAfterSeconds} s`;
      if (polled) return { bodyType: 'pollRep', body: encodePollRepContent(tx.certReqId, outcome.retryAfterSeconds, text) };
      return {
        bodyType: CERT_RESPONSE_FOR[tx.bodyType],
        body: encodeCertRepMessage({ certReqId: tx.certReqId, status: { status: 'waiting', text } }),
      };
    }
    const requested = unb64(tx.request.spki);
    const cert = readCertificate(outcome.certificate);
    if (!cert.spki.equals(requested)) {
      // never hand out a certificate for another key than the one whose possession was proven
      await this.authority.confirm(outcome.serialHex, false, 'issued certificate does not carry the requested public key', { evenIfAccepted: true });
      if (stored) await this.store.remove(tx.transactionId);
      throw new Error(`authority issued serial ${outcome.serialHex} for another public key than requested`);
    }
    // an rr finds it later: in the authority's own records if it keeps them, else here
    if (!this.authority.issuedCertificate) await this.store.rememberCertificate(cert.issuer, cert.serialHex, outcome.certificate);
    const grant = this.grantsImplicitConfirm(tx);
    if (grant) {
      // the authority accepted it as issued (EnrollmentRequest.confirmed): nothing to confirm
      if (stored) await this.store.remove(tx.transactionId);
    } else {
      const next: CmpTransaction = {
        ...tx,
        version: newVersion(),
        state: 'awaiting-confirm',
        issued: { certificate: b64(outcome.certificate), serialHex: outcome.serialHex },
        expiresAt: this.expiry(this.options.confirmWaitSeconds),
      };
      if (!(await this.store.update(next, tx.version))) throw new Error(`transaction ${tx.transactionId} changed while it was being answered`);
    }
    // every decision is in enrollment_event; a console line per certificate is for debugging only
    this.log.debug(`${tx.bodyType} ${tx.transactionId}: issued serial ${outcome.serialHex}${grant ? ' (implicitly confirmed)' : ''}`);
    const root = this.authority.caCertificates().root;
    return {
      bodyType: CERT_RESPONSE_FOR[tx.bodyType],
      // RFC 9483 §4.1.1: caPubs MAY carry the root for an ir, the device's first contact
      body: encodeCertRepMessage({ certReqId: tx.certReqId, status: { status: 'accepted' }, certificate: outcome.certificate }, tx.bodyType === 'ir' ? [root] : []),
      implicitConfirm: grant,
      extraCerts: outcome.chain,
    };
  }

  private async openTransaction(req: AuthenticatedCmpRequest, state: CmpTransaction['state'], what: string): Promise<CmpTransaction> {
    const tx = await this.store.find(req.transactionId);
    if (!tx) throw new CmpRejectedError(['badRequest'], `${what}: no open transaction ${req.transactionId}`);
    if (tx.requesterFingerprint !== req.fingerprint) throw new CmpRejectedError(['notAuthorized'], `${what}: transaction ${req.transactionId} belongs to another requester`);
    if (tx.state !== state) throw new CmpRejectedError(['badRequest'], `${what}: transaction ${req.transactionId} is ${tx.state}, not ${state}`);
    return tx;
  }

  private claim(tx: CmpTransaction): Promise<boolean> {
    return this.store.update({ ...tx, state: 'closed', version: newVersion() }, tx.version);
  }

  private expiry(seconds: number): string {
    return new Date(Date.now() + seconds * 1000).toISOString();
  }
}

function rejection(type: CertRequestBodyType, certReqId: number, status: PkiStatusInfo): CmpReply {
  return { bodyType: CERT_RESPONSE_FOR[type], body: encodeCertRepMessage({ certReqId, status }) };
}
