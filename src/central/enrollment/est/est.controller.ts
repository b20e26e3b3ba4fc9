import { Controller, Get, Inject, Optional, Post, Req, Res } from '@nestjs/common';
import { SIGNATURE_VERIFIER } from '../../../hsm/hsm-signature-verifier.js';
import type { SignatureVerifier } from '../../../pki/signature-verifier.js';
import type { IncomingMessage as Request, ServerResponse as Response } from 'node:http';
import { CENTRAL_CONFIG, CentralConfig } from '../../../config/central-config.js';
import { certsOnly, csrAttributes } from '../../../pki/est-content.js';
import { verifyCsr } from '../../../pki/csr.js';
import { CsrRejectedError } from '../../../pki/pki.errors.js';
import { generateSoftwareKeyPair } from '../../../pki/software-keys.js';
import type { KeyAlgorithm } from '../../../pki/key-algorithm.js';
import { ENROLLMENT_AUTHORITY, type EnrollmentAuthority, type EnrollmentOperation, type RefusalReason, type RequesterCredentials } from '../enrollment-authority.port.js';
import { BodyTooLargeError, decodeBase64Body, isTls, readRawBody, tlsClientCredentials } from './est-http.js';

/** RFC 7030 §3.2.2: the operation path, optionally with a CA label before or after .well-known/est. */
const routes = (op: string): string[] => [`.well-known/est/${op}`, `.well-known/est/:label/${op}`, `:label/.well-known/est/${op}`];

/** How a refusal reads in EST: HTTP status codes (RFC 7030 §4.2.3). */
const STATUS: Record<RefusalReason, number> = {
  'bad-request': 400,
  'bad-chain': 403,
  'unknown-device': 403,
  'out-of-range': 403,
  'over-quota': 403,
  revoked: 403,
  clone: 403,
  'not-allowed': 403,
};

/**
 * EST server (RFC 7030) over central's HTTPS listener. The TLS client certificate authenticates
 * the device: a birth certificate for the first enrollment, the operational certificate after.
 * Responses are base64 on one line with Content-Length, written in one piece: what strongSwan's
 * `pki --est` needs (interop.md).
 */
@Controller()
export class EstController {
  constructor(
    @Inject(ENROLLMENT_AUTHORITY) private readonly authority: EnrollmentAuthority,
    @Inject(CENTRAL_CONFIG) private readonly config: CentralConfig,
    @Optional() @Inject(SIGNATURE_VERIFIER) private readonly verifier?: SignatureVerifier,
  ) {}

  /** §4.1: the CA certificates, current root included, as certs-only CMS. */
  @Get(routes('cacerts'))
  cacerts(@Req() req: Request, @Res() res: Response): void {
    if (!this.tlsOnly(req, res)) return;
    const { chain } = this.authority.caCertificates();
    this.send(res, 200, 'application/pkcs7-mime', certsOnly(chain));
  }

  /** §4.5: what the CSR should contain (signature algorithm and key type). */
  @Get(routes('csrattrs'))
  csrattrs(@Req() req: Request, @Res() res: Response): void {
    if (!this.tlsOnly(req, res)) return;
    this.send(res, 200, 'application/csrattrs', csrAttributes(this.preferredKey()));
  }

  @Post(routes('simpleenroll'))
  simpleenroll(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.enroll(req, res, 'enroll');
  }

  /** strongSwan always re-enrolls when it holds a certificate: with a birth certificate that is the first enrollment (interop.md). */
  @Post(routes('simplereenroll'))
  simplereenroll(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.enroll(req, res, 'reenroll');
  }

  /**
   * §4.4: central generates the key. It is made in process memory (it must travel to the
   * device), returned once as PKCS#8 beside the certificate, and never stored.
   */
  @Post(routes('serverkeygen'))
  async serverkeygen(@Req() req: Request, @Res() res: Response): Promise<void> {
    const csr = await this.readCsr(req, res);
    if (!csr) return;
    const { requester } = csr;
    const { privateKey, publicKey } = generateSoftwareKeyPair(this.preferredKey());
    const spki = publicKey.export({ format: 'der', type: 'spki' });
    const outcome = await this.authority.enroll({ protocol: 'est', operation: 'enroll', requester, spki, subject: csr.subject });
    if (outcome.status !== 'issued') return this.answerNotIssued(res, outcome);
    const boundary = `est-${Date.now().toString(36)}`;
    const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
    const body = [
      `--${boundary}`,
      'Content-Type: application/pkcs8',
      'Content-Transfer-Encoding: base64',
      '',
      pkcs8.toString('base64'),
      `--${boundary}`,
      'Content-Type: application/pkcs7-mime; smime-type=certs-only',
      'Content-Transfer-Encoding: base64',
      '',
      certsOnly([outcome.certificate]).toString('base64'),
      `--${boundary}--`,
      '',
    ].join('\r\n');
    res.writeHead(200, { 'Content-Type': `multipart/mixed; boundary=${boundary}`, 'Content-Length': String(Buffer.byteLength(body)) }).end(body);
  }

  private async enroll(req: Request, res: Response, operation: EnrollmentOperation): Promise<void> {
    const csr = await this.readCsr(req, res);
    if (!csr) return;
    const outcome = await this.authority.enroll({ protocol: 'est', operation, requester: csr.requester, spki: csr.spki, subject: csr.subject });
    if (outcome.status !== 'issued') return this.answerNotIssued(res, outcome);
    // §4.2.3: certs-only CMS holding the issued certificate
    this.send(res, 200, 'application/pkcs7-mime; smime-type=certs-only', certsOnly([outcome.certificate]));
  }

  /**
   * TLS, a client certificate, Content-Type application/pkcs10, a base64 CSR with a valid proof
   * of possession. Returns the CSR's key and subject with the client certificate and its chain
   * (read from the TLS socket once per request).
   */
  private async readCsr(req: Request, res: Response): Promise<{ spki: Buffer; subject: Buffer; requester: RequesterCredentials } | null> {
    if (!this.tlsOnly(req, res)) return null;
    const requester = tlsClientCredentials(req);
    if (!requester) {
      this.text(res, 401, 'a TLS client certificate (birth or operational certificate) is required');
      return null;
    }
    const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/pkcs10') {
      req.resume();
      this.text(res, 415, `Content-Type must be application/pkcs10, not ${type || 'missing'}`);
      return null;
    }
    let body: Buffer;
    try {
      body = await readRawBody(req);
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        this.text(res, 413, err.message);
        return null;
      }
      throw err;
    }
    const der = decodeBase64Body(body);
    if (!der) {
      this.text(res, 400, 'the body must be a base64-encoded PKCS#10 CSR');
      return null;
    }
    try {
      const csr = verifyCsr(der, this.config.enrollment.allowedKeyAlgorithms, this.verifier);
      return { spki: csr.spki, subject: csr.subject, requester };
    } catch (err) {
      if (err instanceof CsrRejectedError) {
        this.text(res, 400, err.message);
        return null;
      }
      throw err;
    }
  }

  private answerNotIssued(res: Response, outcome: { status: 'pending'; retryAfterSeconds: number } | { status: 'refused'; reason: RefusalReason; message: string }): void {
    if (outcome.status === 'pending') {
      // §4.2.3: 202 with Retry-After: the request is accepted, the certificate is not ready yet
      res.setHeader('Retry-After', String(outcome.retryAfterSeconds));
      this.text(res, 202, 'enrollment pending: the device is not yet on central\'s audit record; retry later');
      return;
    }
    this.text(res, STATUS[outcome.reason], `${outcome.reason}: ${outcome.message}`);
  }

  private tlsOnly(req: Request, res: Response): boolean {
    if (isTls(req)) return true;
    req.resume();
    this.text(res, 403, 'EST is served over HTTPS only (RFC 7030 §3.2)');
    return false;
  }

  private preferredKey(): KeyAlgorithm {
    return this.config.enrollment.allowedKeyAlgorithms[0] ?? 'ec-p256';
  }

  /** base64 on ONE line, Content-Length, one write (interop.md: strongSwan). */
  private send(res: Response, status: number, contentType: string, der: Buffer): void {
    const body = der.toString('base64');
    res.writeHead(status, { 'Content-Type': contentType, 'Content-Transfer-Encoding': 'base64', 'Content-Length': String(body.length) }).end(body);
  }

  private text(res: Response, status: number, message: string): void {
    const body = `${message}\n`;
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) }).end(body);
  }
}
