import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HSM_PORT, type HsmPort } from '../../hsm/hsm.port.js';
import { hsmSigner } from '../../hsm/hsm-signer.js';
import { CENTRAL_CONFIG, type CentralConfig } from '../../config/central-config.js';
import { WriteSerializer } from '../../common/write-serializer.js';
import { readCertificateDetails } from '../../pki/certificate-details.js';
import { encodeName } from '../../pki/name.js';
import { issueOcspResponderCertificate } from '../../pki/ocsp-responder-certificate.js';
import type { OcspResponderIdentity } from '../../pki/ocsp.js';
import { CentralPkiService } from '../ca/central-pki.service.js';
import { CaCertificateEntity } from '../database/entities.js';
import { DEFAULT_VA_OPTIONS, VA_OPTIONS, responderLabel, type VaOptions } from './va.options.js';

/** Clients whose clocks run a little behind still accept a fresh responder certificate. */
const BACKDATE_MS = 5 * 60 * 1000;

/**
 * The delegated OCSP responder of each CA (RFC 6960 §4.2.2.2): a P-256 key in central's HSM
 * labelled `ocsp-responder-<ca>`, and a short-lived certificate from that CA kept in
 * ca_certificate under the same name. The certificate is reissued for the same key when it
 * nears its end (or when the key was replaced in the token); a key missing from the token is
 * generated again, which is also how an operator rotates it: destroy the label.
 */
@Injectable()
export class OcspRespondersService {
  private readonly log = new Logger(OcspRespondersService.name);
  private readonly cache = new Map<string, { identity: OcspResponderIdentity; renewAt: number }>();
  private readonly options: VaOptions;

  constructor(
    private readonly ds: DataSource,
    @Inject(HSM_PORT) private readonly hsm: HsmPort,
    @Inject(CENTRAL_CONFIG) private readonly config: CentralConfig,
    private readonly pki: CentralPkiService,
    private readonly writes: WriteSerializer,
    @Optional() @Inject(VA_OPTIONS) options?: Partial<VaOptions>,
  ) {
    this.options = { ...DEFAULT_VA_OPTIONS, ...options };
  }

  /** The responder for `caName`, issuing or renewing its certificate first when needed. */
  async responder(caName: string, now = new Date()): Promise<OcspResponderIdentity> {
    const cached = this.cache.get(caName);
    if (cached && now.getTime() < cached.renewAt) return cached.identity;
    return this.writes.run(async () => {
      const label = responderLabel(caName);
      const repo = this.ds.getRepository(CaCertificateEntity);
      const row = await repo.findOneBy({ name: label });
      const issuer = await this.pki.caIdentity(caName);
      const ca = readCertificateDetails(issuer.certificate);
      let key = this.hsm.findKey(label);
      if (row && key && this.usable(row.certificate, key.spki, ca.notAfter, now)) return this.remember(caName, row.certificate, hsmSigner(this.hsm, key), ca.notAfter);

      key ??= this.hsm.generateKeyPair(label, 'ec-p256');
      const notAfter = Math.min(now.getTime() + this.options.responderValidityMs, ca.notAfter.getTime());
      const certificate = issueOcspResponderCertificate(issuer, {
        subject: encodeName({ organization: this.config.brand.organization, commonName: `${ca.commonName ?? caName} OCSP Responder` }),
        spki: key.spki,
        validity: { notBefore: new Date(now.getTime() - BACKDATE_MS), notAfter: new Date(notAfter) },
      });
      await repo.save({ name: label, keyLabel: label, certificate, createdAt: now.toISOString() });
      this.log.log(`OCSP responder certificate for ${caName} issued, valid until ${new Date(notAfter).toISOString()}`);
      return this.remember(caName, certificate, hsmSigner(this.hsm, key), ca.notAfter);
    });
  }

  /**
   * The certificate belongs to this key, is already valid, and has more than the renewal margin
   * left — or ends with its CA, when no renewal could give it longer.
   */
  private usable(certificate: Buffer, spki: Uint8Array, caNotAfter: Date, now: Date): boolean {
    const d = readCertificateDetails(certificate);
    return d.spki.equals(Buffer.from(spki)) && d.notBefore <= now && now.getTime() < this.renewAt(d.notAfter, caNotAfter);
  }

  private renewAt(notAfter: Date, caNotAfter: Date): number {
    return notAfter >= caNotAfter ? notAfter.getTime() : notAfter.getTime() - this.options.responderRenewBeforeMs;
  }

  private remember(caName: string, certificate: Buffer, signer: OcspResponderIdentity['signer'], caNotAfter: Date): OcspResponderIdentity {
    const identity = { signer, certificate };
    this.cache.set(caName, { identity, renewAt: this.renewAt(readCertificateDetails(certificate).notAfter, caNotAfter) });
    return identity;
  }
}
