import { Inject, Injectable, Logger } from '@nestjs/common';
import { readCertificate } from '../../../pki/certificate-reader.js';
import { OID } from '../../../pki/oids.js';
import { CmpRejectedError } from '../../../pki/cmp/cmp.errors.js';
import { decodeGenMsgContent, decodeRevReqContent } from '../../../pki/cmp/cmp-requests.js';
import { caCertsValue, encodeGenRepContent, encodeRevRepContent } from '../../../pki/cmp/cmp-responses.js';
import { ENROLLMENT_AUTHORITY, type EnrollmentAuthority } from '../enrollment-authority.port.js';
import { CMP_TRANSACTION_STORE, type CmpTransactionStore } from './cmp-transaction.store.js';
import { failureInfoFor } from './cmp-failure.js';
import { dedupe, type CmpReply } from './cmp-responder.js';
import type { AuthenticatedCmpRequest } from './cmp-request-context.js';

/** RFC 5280 §5.3.1 CRLReason values (7 is unused). */
const VALID_REASONS = new Set([0, 1, 2, 3, 4, 5, 6, 8, 9, 10]);

/** rr (RFC 9483 §4.2) and genm (§4.3) — single-message transactions. */
@Injectable()
export class CmpRevocationAndInfoHandler {
  private readonly log = new Logger('cmp');

  constructor(
    @Inject(ENROLLMENT_AUTHORITY) private readonly authority: EnrollmentAuthority,
    @Inject(CMP_TRANSACTION_STORE) private readonly store: CmpTransactionStore,
  ) {}

  async revocationRequest(req: AuthenticatedCmpRequest): Promise<CmpReply> {
    const details = decodeRevReqContent(req.message.der, req.message.body);
    if (details.length !== 1) throw new CmpRejectedError(['badRequest'], 'rr must name exactly one certificate (RFC 9483 §4.2)');
    const [{ template, reasonCode }] = details;
    const rejected = (failInfo: CmpRejectedError['failInfo'], text: string): CmpReply => ({
      bodyType: 'rp',
      body: encodeRevRepContent([{ status: 'rejection', text, failInfo }]),
    });
    if (!template.issuer || !template.serialHex) return rejected(['badCertTemplate'], 'rr certDetails must carry issuer and serialNumber (RFC 9483 §4.2)');
    if (!VALID_REASONS.has(reasonCode)) return rejected(['badRequest'], `CRL reason ${reasonCode} is not defined (RFC 5280 §5.3.1)`);
    const target = await this.findTarget(req, template.issuer, template.serialHex);
    if (!target) {
      return rejected(['badCertId'], `certificate serial ${template.serialHex} is unknown here: include it in extraCerts (openssl cmp -extracerts)`);
    }
    const outcome = await this.authority.revoke(req.requester, target, reasonCode);
    if (outcome.status === 'refused') {
      this.log.warn(`rr ${req.transactionId} refused (${outcome.reason}): ${outcome.message}`);
      return rejected(failureInfoFor(outcome.reason), outcome.message);
    }
    this.log.log(`rr ${req.transactionId}: revoked serial ${outcome.serialHex} (reason ${reasonCode})`);
    return { bodyType: 'rp', body: encodeRevRepContent([{ status: 'accepted' }]) };
  }

  /** genm: id-it-caCerts is answered (RFC 9480 §4.3); other info types are left out of genp (RFC 4210 §5.3.19). */
  generalMessage(req: AuthenticatedCmpRequest): CmpReply {
    const items = decodeGenMsgContent(req.message.der, req.message.body);
    const answers = items
      .filter((i) => i.type === OID.itCaCerts)
      .map(() => {
        const { issuing, chain, root } = this.authority.caCertificates();
        return { type: OID.itCaCerts, value: caCertsValue(dedupe([issuing, ...chain, root])) };
      });
    return { bodyType: 'genp', body: encodeGenRepContent(answers.slice(0, 1)) };
  }

  /**
   * An rr names its target by issuer and serial only. The protection certificate, the other
   * extraCerts, the certificates this front-end issued, and the authority's record of every
   * certificate it issued (EST included) are searched for it.
   */
  private async findTarget(req: AuthenticatedCmpRequest, issuer: Buffer, serialHex: string): Promise<Buffer | null> {
    for (const der of [req.requester.certificate, ...req.requester.extraCertificates]) {
      try {
        const c = readCertificate(der);
        if (c.serialHex === serialHex && c.issuer.equals(issuer)) return der;
      } catch {
        // an unreadable extra certificate is not the target
      }
    }
    return (await this.store.findCertificate(issuer, serialHex)) ?? (await this.authority.issuedCertificate?.(issuer, serialHex)) ?? null;
  }
}
