import { createHash } from 'node:crypto';
import { Inject, Optional, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { SIGNATURE_VERIFIER } from '../../../hsm/hsm-signature-verifier.js';
import type { SignatureVerifier } from '../../../pki/signature-verifier.js';
import { DerError } from '../../../pki/der/der-reader.js';
import { CmpMalformedError, CmpRejectedError } from '../../../pki/cmp/cmp.errors.js';
import { isCertRequestBody } from '../../../pki/cmp/pki-body.js';
import type { PkiHeader } from '../../../pki/cmp/pki-header.js';
import { decodePkiMessage, type PkiMessage } from '../../../pki/cmp/pki-message.js';
import { verifySignatureProtection } from '../../../pki/cmp/cmp-protection.js';
import { encodeErrorMsgContent } from '../../../pki/cmp/cmp-responses.js';
import type { PkiFailureInfo } from '../../../pki/cmp/pki-status.js';
import { CmpEnrollmentHandler } from './cmp-enrollment.handler.js';
import { CmpRevocationAndInfoHandler } from './cmp-revocation.handler.js';
import { CmpResponder, type CmpReply } from './cmp-responder.js';
import { CMP_OPTIONS, type CmpOptions } from './cmp.options.js';
import type { AuthenticatedCmpRequest } from './cmp-request-context.js';

export interface CmpHttpAnswer {
  /** 200 for every message that could be answered within its transaction, 400 when not even its header was readable */
  httpStatus: number;
  /** a signed PKIMessage */
  body: Buffer;
}

/** RFC 9483 §3.1: nonces and transactionIDs carry at least 128 bits. */
const MIN_ID_BYTES = 16;

/**
 * CMP server side: decode, check the envelope (pvno, transactionID, nonce, protection),
 * dispatch by body type, and answer every failure as a signed CMP error message (RFC 4210 §5.3.21).
 */
@Injectable()
export class CmpService implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('cmp');
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly enrollment: CmpEnrollmentHandler,
    private readonly other: CmpRevocationAndInfoHandler,
    private readonly responder: CmpResponder,
    @Inject(CMP_OPTIONS) private readonly options: CmpOptions,
    @Optional() @Inject(SIGNATURE_VERIFIER) private readonly verifier?: SignatureVerifier,
  ) {}

  onModuleInit(): void {
    if (this.options.sweepIntervalSeconds > 0) {
      this.sweepTimer = setInterval(() => {
        this.enrollment.sweepExpired().catch((err: unknown) => this.log.error(`sweeping CMP transactions failed: ${(err as Error).message}`));
      }, this.options.sweepIntervalSeconds * 1000);
      this.sweepTimer.unref();
    }
  }

  onModuleDestroy(): void {
    clearInterval(this.sweepTimer);
  }

  sweepExpired(now?: Date): Promise<number> {
    return this.enrollment.sweepExpired(now);
  }

  async handle(der: Uint8Array): Promise<CmpHttpAnswer> {
    let message: PkiMessage;
    try {
      message = decodePkiMessage(der);
    } catch (err) {
      if (!(err instanceof CmpMalformedError)) throw err;
      this.log.warn(`undecodable CMP message: ${err.message}`);
      return { httpStatus: err.header ? 200 : 400, body: this.error(err.header, ['badDataFormat'], err.message) };
    }
    const { header } = message;
    try {
      const req = this.authenticate(message);
      return { httpStatus: 200, body: this.responder.sign(header, await this.dispatch(req)) };
    } catch (err) {
      if (err instanceof CmpRejectedError) {
        this.log.warn(`${message.bodyType} refused: ${err.message}`);
        return { httpStatus: 200, body: this.error(header, err.failInfo, err.message) };
      }
      if (err instanceof DerError) {
        this.log.warn(`${message.bodyType} malformed: ${err.message}`);
        return { httpStatus: 200, body: this.error(header, ['badDataFormat'], `malformed ${message.bodyType}: ${err.message}`) };
      }
      this.log.error(`${message.bodyType} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return { httpStatus: 200, body: this.error(header, ['systemFailure'], 'internal error: try again later') };
    }
  }

  private authenticate(message: PkiMessage): AuthenticatedCmpRequest {
    const { header } = message;
    // pvno 2 (cmp2000); 3 (cmp2021, RFC 9480 §2.20) is read the same way for what is supported here
    if (header.pvno !== 2 && header.pvno !== 3) throw new CmpRejectedError(['unsupportedVersion'], `pvno ${header.pvno} is not supported: use 2`);
    if (!header.transactionId || header.transactionId.length < MIN_ID_BYTES) {
      throw new CmpRejectedError(['badRequest'], 'transactionID of at least 128 bits is required (RFC 9483 §3.1)');
    }
    if (!header.senderNonce || header.senderNonce.length < MIN_ID_BYTES) {
      throw new CmpRejectedError(['badSenderNonce'], 'senderNonce of at least 128 bits is required (RFC 9483 §3.1)');
    }
    const certificate = verifySignatureProtection(message, this.verifier);
    return {
      message,
      requester: { certificate, extraCertificates: message.extraCerts.slice(1) },
      fingerprint: createHash('sha256').update(certificate).digest('hex'),
      transactionId: header.transactionId.toString('hex'),
    };
  }

  private dispatch(req: AuthenticatedCmpRequest): Promise<CmpReply> | CmpReply {
    const type = req.message.bodyType;
    if (isCertRequestBody(type)) return this.enrollment.certificateRequest(req);
    switch (type) {
      case 'certConf':
        return this.enrollment.certConf(req);
      case 'pollReq':
        return this.enrollment.pollRequest(req);
      case 'rr':
        return this.other.revocationRequest(req);
      case 'genm':
        return this.other.generalMessage(req);
      default:
        throw new CmpRejectedError(['badRequest'], `${type} messages are not supported by this server (RFC 9483 profile: ir, cr, kur, p10cr, certConf, pollReq, rr, genm)`);
    }
  }

  private error(header: PkiHeader | null, failInfo: PkiFailureInfo[], text: string): Buffer {
    return this.responder.sign(header, { bodyType: 'error', body: encodeErrorMsgContent({ status: 'rejection', text, failInfo }) });
  }
}
