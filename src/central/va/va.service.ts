import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  buildOcspResponse,
  ocspErrorResponse,
  parseOcspRequest,
  OcspIssuerMatcher,
  OcspMalformedRequestError,
  type OcspCertId,
  type OcspCertStatus,
} from '../../pki/ocsp.js';
import { ConfigError } from '../../common/domain-error.js';
import { CentralPkiService } from '../ca/central-pki.service.js';
import { CERTIFICATE_STATUS, type CertificateStatusSource } from '../enrollment/certificate-status.port.js';
import { OcspRespondersService } from './ocsp-responders.service.js';
import { CrlPublisherService, type PublishedCrl } from './crl-publisher.service.js';
import { VaUnknownCaError } from './va.errors.js';
import { CA_NAME, DEFAULT_VA_OPTIONS, VA_OPTIONS, type VaOptions } from './va.options.js';

export interface OcspAnswer {
  /** a DER OCSPResponse: successful, or one of the error statuses; never an exception */
  der: Buffer;
  /** set when the answer may be cached by HTTP intermediaries (a successful answer without a nonce; RFC 5019 §6.2) */
  cacheable: { thisUpdate: Date; nextUpdate: Date } | null;
}

/**
 * Central's validation authority (system.md §7): OCSP answers by each CA's delegated responder,
 * CRLs, and the CA certificates that issued certificates point to (AIA caIssuers).
 */
@Injectable()
export class VaService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(VaService.name);
  private readonly options: VaOptions;
  private matchers: Array<{ caName: string; matcher: OcspIssuerMatcher }> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly pki: CentralPkiService,
    private readonly responders: OcspRespondersService,
    private readonly crls: CrlPublisherService,
    @Inject(CERTIFICATE_STATUS) private readonly status: CertificateStatusSource,
    @Optional() @Inject(VA_OPTIONS) options?: Partial<VaOptions>,
  ) {
    this.options = { ...DEFAULT_VA_OPTIONS, ...options };
    const bad = this.options.cas.find((c) => !CA_NAME.test(c));
    if (bad) throw new ConfigError(`validation authority: bad CA name ${JSON.stringify(bad)} in VA_OPTIONS.cas`);
  }

  /** Check responders and CRLs now and then, so neither lapses on a quiet day (RFC 5280 §5.1.2.5). */
  onApplicationBootstrap(): void {
    if (this.options.refreshIntervalMs > 0) {
      this.timer = setInterval(() => void this.refresh(), this.options.refreshIntervalMs);
      this.timer.unref();
    }
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Renew whatever is due; failures are logged and retried on the next round or request. */
  async refresh(now = new Date()): Promise<void> {
    for (const caName of this.options.cas) {
      try {
        await this.responders.responder(caName, now);
        await this.crls.current(caName, now);
      } catch (err) {
        this.log.error(`validation authority refresh of ${caName} failed: ${(err as Error).message}`);
      }
    }
  }

  /**
   * Answer a DER OCSPRequest (RFC 6960). Bad input gets `malformedRequest`; a request about no
   * CA of ours `unauthorized` (§2.3); CertIDs of other issuers in a request that also names one
   * of ours are `unknown` (§2.2) — one response has one signer, the delegated responder of the
   * first CA named. Any failure on our side is `internalError`.
   */
  async ocsp(request: Uint8Array, now = new Date()): Promise<OcspAnswer> {
    try {
      const parsed = parseOcspRequest(request);
      const matchers = await this.issuerMatchers();
      const caOf = (id: OcspCertId) => matchers.find((m) => m.matcher.matches(id))?.caName ?? null;
      const caName = parsed.certIds.map(caOf).find((c) => c !== null);
      if (!caName) return { der: ocspErrorResponse('unauthorized'), cacheable: null };
      const responder = await this.responders.responder(caName, now);
      const thisUpdate = new Date(Math.floor(now.getTime() / 1000) * 1000);
      const nextUpdate = new Date(thisUpdate.getTime() + this.options.ocspValidityMs);
      const answers = [];
      for (const certId of parsed.certIds) {
        const status: OcspCertStatus = caOf(certId) === caName ? await this.statusOf(caName, certId.serial) : { state: 'unknown' };
        answers.push({ certId, status, thisUpdate, nextUpdate });
      }
      const der = buildOcspResponse({ responder, producedAt: thisUpdate, answers, nonce: parsed.nonce });
      return { der, cacheable: parsed.nonce ? null : { thisUpdate, nextUpdate } };
    } catch (err) {
      if (err instanceof OcspMalformedRequestError) return { der: ocspErrorResponse('malformedRequest'), cacheable: null };
      this.log.error(`OCSP request failed: ${(err as Error).stack ?? err}`);
      return { der: ocspErrorResponse('internalError'), cacheable: null };
    }
  }

  /** The CA's current CRL (DER). */
  async crl(caName: string, now = new Date()): Promise<PublishedCrl> {
    this.served(caName);
    return this.crls.current(caName, now);
  }

  /**
   * Tell the VA a certificate of `caName` was revoked: its CRL is rebuilt with the next
   * cRLNumber. OCSP needs no notice (it reads the status source on every request).
   */
  async invalidate(caName: string, now = new Date()): Promise<PublishedCrl> {
    this.served(caName);
    return this.crls.invalidate(caName, now);
  }

  /** A served CA's certificate (AIA caIssuers), or the brand root above them. */
  async caCertificate(caName: string): Promise<Buffer> {
    if (caName === 'brand-root') return this.pki.rootCertificate();
    this.served(caName);
    return (await this.pki.caIdentity(caName)).certificate;
  }

  private served(caName: string): void {
    if (!this.options.cas.includes(caName)) throw new VaUnknownCaError(`no CA named ${JSON.stringify(caName)} is served here`);
  }

  /** Serials are positive (RFC 5280 §4.1.2.2): any other was issued by nobody. */
  private async statusOf(caName: string, serial: bigint): Promise<OcspCertStatus> {
    if (serial <= 0n) return { state: 'unknown' };
    const s = await this.status.status(caName, serial.toString(16));
    // removeFromCRL means the certificate is back in good standing (RFC 5280 §5.3.1)
    if (s.state === 'revoked' && s.reason === 8) return { state: 'good' };
    return s;
  }

  private async issuerMatchers(): Promise<Array<{ caName: string; matcher: OcspIssuerMatcher }>> {
    if (!this.matchers) {
      const list = [];
      for (const caName of this.options.cas) list.push({ caName, matcher: new OcspIssuerMatcher((await this.pki.caIdentity(caName)).certificate) });
      this.matchers = list;
    }
    return this.matchers;
  }
}
