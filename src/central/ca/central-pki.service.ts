import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HSM_PORT, type HsmPort } from '../../hsm/hsm.port.js';
import { hsmSigner } from '../../hsm/hsm-signer.js';
import type { Signer } from '../../pki/signer.js';
import { selfSignedRoot, issueSubordinate, type CaIdentity } from '../../pki/ca-certificates.js';
import { encodeName } from '../../pki/name.js';
import { readCertificate } from '../../pki/certificate-reader.js';
import { readCertificateDetails } from '../../pki/certificate-details.js';
import { issueTlsServerCertificate } from '../../pki/tls-server-certificate.js';
import { X509Certificate } from 'node:crypto';
import type { OrderTerms } from '../../pki/extensions.js';
import { signQuotaGrant, type QuotaGrantTerms } from '../../pki/quota-grant.js';
import { CENTRAL_CONFIG, CentralConfig } from '../../config/central-config.js';
import { CaCertificateEntity } from '../database/entities.js';
import { withClusterLock } from '../../common/database-locks.js';

const YEAR_MS = 365.25 * 24 * 3600 * 1000;

/** The brand hierarchy of system.md §3, each key generated inside central's token. */
const HIERARCHY = [
  { name: 'management-ca', cn: 'Management CA', pathLen: 0 as number | undefined, years: 10 },
  { name: 'operational-ca', cn: 'Operational CA', pathLen: 0 as number | undefined, years: 10 },
  { name: 'quota-signer', cn: 'Quota Signer', pathLen: undefined, years: 5 },
  { name: 'receipt-signer', cn: 'Audit Receipt Signer', pathLen: undefined, years: 5 },
] as const;

@Injectable()
export class CentralPkiService {
  private readonly log = new Logger(CentralPkiService.name);
  private root: CaIdentity | null = null;

  constructor(
    private readonly ds: DataSource,
    @Inject(HSM_PORT) private readonly hsm: HsmPort,
    @Inject(CENTRAL_CONFIG) private readonly config: CentralConfig,
  ) {}

  /** Create the hierarchy on first start (idempotent: existing rows and keys are reused). */
  async bootstrap(now = new Date()): Promise<void> {
    // nodes sharing a database and a token create the hierarchy once: the second waits, then reuses
    await withClusterLock(this.ds, 'central-pki', () => this.createHierarchy(now));
  }

  private async createHierarchy(now: Date): Promise<void> {
    const repo = this.ds.getRepository(CaCertificateEntity);
    let rootRow = await repo.findOneBy({ name: 'brand-root' });
    if (!rootRow) {
      const key = this.hsm.findKey('brand-root') ?? this.hsm.generateKeyPair('brand-root', 'ec-p384');
      const root = selfSignedRoot(
        { organization: this.config.brand.organization, commonName: this.config.brand.rootCommonName },
        hsmSigner(this.hsm, key),
        { notBefore: now, notAfter: new Date(now.getTime() + 25 * YEAR_MS) },
      );
      rootRow = await repo.save({ name: 'brand-root', keyLabel: 'brand-root', certificate: root.certificate, createdAt: now.toISOString() });
      this.log.log('brand root CA created in the HSM');
    }
    this.root = this.identity(rootRow);
    for (const h of HIERARCHY) {
      if (await repo.findOneBy({ name: h.name })) continue;
      const key = this.hsm.findKey(h.name) ?? this.hsm.generateKeyPair(h.name, 'ec-p256');
      const certificate = issueSubordinate(this.root, {
        subject: encodeName({ organization: this.config.brand.organization, commonName: `${this.config.brand.organization} ${h.cn}` }),
        spki: key.spki,
        validity: { notBefore: now, notAfter: new Date(now.getTime() + h.years * YEAR_MS) },
        pathLen: h.pathLen,
      });
      await repo.save({ name: h.name, keyLabel: h.name, certificate, createdAt: now.toISOString() });
      this.log.log(`${h.name} created in the HSM`);
    }
  }

  /** Sign a production order's quota grant with the quota signer's key (system.md §4.1). */
  async signGrant(terms: QuotaGrantTerms): Promise<Buffer> {
    const row = await this.ds.getRepository(CaCertificateEntity).findOneByOrFail({ name: 'quota-signer' });
    const signer = this.identity(row).signer;
    return signQuotaGrant(terms, signer, row.certificate);
  }

  /**
   * A station's audit-signing certificate from the Management CA (system.md §3): end entity,
   * digitalSignature only, two years. Returns it with the chain above it.
   */
  async issueStationAuditCertificate(stationId: string, spki: Uint8Array, now = new Date()): Promise<{ certificate: Buffer; chain: Buffer[] }> {
    const row = await this.ds.getRepository(CaCertificateEntity).findOneByOrFail({ name: 'management-ca' });
    const certificate = issueSubordinate(this.identity(row), {
      subject: encodeName({ organization: this.config.brand.organization, commonName: `Station ${stationId} audit` }),
      spki,
      validity: { notBefore: now, notAfter: new Date(now.getTime() + 2 * YEAR_MS) },
      usages: ['digitalSignature'],
    });
    return { certificate, chain: [row.certificate, this.rootCertificate()] };
  }

  /** A document signer of the hierarchy (quota signer, receipt signer) with its certificate chain. */
  async documentSigner(name: 'quota-signer' | 'receipt-signer'): Promise<{ signer: Signer; certificates: Buffer[] }> {
    const row = await this.ds.getRepository(CaCertificateEntity).findOneByOrFail({ name });
    return { signer: this.identity(row).signer, certificates: [row.certificate] };
  }

  rootCertificate(): Buffer {
    if (!this.root) throw new Error('central PKI not bootstrapped');
    return this.root.certificate;
  }

  /**
   * An end-entity signer of central (a CMP responder, say): key generated in the HSM on first
   * use, certificate from `issuerName` with digitalSignature and the given EKUs, two years,
   * reissued when it has less than 30 days left. Returns it with its chain up to the root.
   */
  async endEntitySigner(name: string, issuerName: string, cn: string, extendedKeyUsages: string[], now = new Date()): Promise<{ signer: Signer; certificate: Buffer; chain: Buffer[] }> {
    return withClusterLock(this.ds, 'central-pki', () => this.endEntitySignerLocked(name, issuerName, cn, extendedKeyUsages, now));
  }

  private async endEntitySignerLocked(name: string, issuerName: string, cn: string, extendedKeyUsages: string[], now: Date): Promise<{ signer: Signer; certificate: Buffer; chain: Buffer[] }> {
    const repo = this.ds.getRepository(CaCertificateEntity);
    const issuer = await this.caIdentity(issuerName);
    let row = await repo.findOneBy({ name });
    const expiring = row && readCertificateDetails(row.certificate).notAfter.getTime() - now.getTime() < 30 * 24 * 3600 * 1000;
    if (!row || expiring) {
      const key = this.hsm.findKey(name) ?? this.hsm.generateKeyPair(name, 'ec-p256');
      const certificate = issueSubordinate(issuer, {
        subject: encodeName({ organization: this.config.brand.organization, commonName: `${this.config.brand.organization} ${cn}` }),
        spki: key.spki,
        validity: { notBefore: new Date(now.getTime() - 60_000), notAfter: new Date(now.getTime() + 2 * YEAR_MS) },
        usages: ['digitalSignature'],
        extendedKeyUsages,
      });
      row = await repo.save({ name, keyLabel: name, certificate, createdAt: now.toISOString() });
      this.log.log(`${name} certificate issued by ${issuerName}`);
    }
    const own = this.identity(row);
    return { signer: own.signer, certificate: row.certificate, chain: [issuer.certificate, this.rootCertificate()] };
  }

  /**
   * Central's TLS server certificate (key `central-tls` in the HSM) from the Management CA, for
   * `names`; reissued when the names change or it has less than 30 days left.
   */
  async tlsServerCertificate(names: string[], now = new Date()): Promise<{ keyLabel: string; certificate: Buffer; chain: Buffer[] }> {
    return withClusterLock(this.ds, 'central-pki', () => this.tlsServerCertificateLocked(names, now));
  }

  private async tlsServerCertificateLocked(names: string[], now: Date): Promise<{ keyLabel: string; certificate: Buffer; chain: Buffer[] }> {
    const repo = this.ds.getRepository(CaCertificateEntity);
    const issuer = await this.caIdentity('management-ca');
    let row = await repo.findOneBy({ name: 'central-tls' });
    const wanted = JSON.stringify([...names].sort());
    const stale = row && (row.keyLabel !== `central-tls` || readCertificateDetails(row.certificate).notAfter.getTime() - now.getTime() < 30 * 24 * 3600 * 1000
      || JSON.stringify(new X509Certificate(row.certificate).subjectAltName?.split(', ').map((e) => e.replace(/^(DNS|IP Address):/, '')).sort()) !== wanted);
    if (!row || stale) {
      const key = this.hsm.findKey('central-tls') ?? this.hsm.generateKeyPair('central-tls', 'ec-p256');
      const certificate = issueTlsServerCertificate(issuer, {
        spki: key.spki,
        names,
        organization: this.config.brand.organization,
        validity: { notBefore: new Date(now.getTime() - 60_000), notAfter: new Date(now.getTime() + YEAR_MS) },
      });
      row = await repo.save({ name: 'central-tls', keyLabel: 'central-tls', certificate, createdAt: now.toISOString() });
      this.log.log(`TLS server certificate issued for ${names.join(', ')}`);
    }
    return { keyLabel: row.keyLabel, certificate: row.certificate, chain: [issuer.certificate] };
  }

  /** A CA (or signer) of the hierarchy by its row name, with its HSM signer. */
  async caIdentity(name: string): Promise<CaIdentity> {
    return this.identity(await this.ds.getRepository(CaCertificateEntity).findOneByOrFail({ name }));
  }

  private identity(row: CaCertificateEntity): CaIdentity {
    const key = this.hsm.findKey(row.keyLabel);
    if (!key) throw new Error(`key ${row.keyLabel} of ${row.name} is missing from central's HSM`);
    const parts = readCertificate(row.certificate);
    return { subject: parts.subject, certificate: row.certificate, keyIdentifier: parts.subjectKeyIdentifier!, signer: hsmSigner(this.hsm, key) };
  }

  /** An Order CA: pathLen 0, the order's window as validity, its terms in a private extension (system.md §3). */
  issueOrderCa(spki: Uint8Array, terms: OrderTerms, window: { notBefore: Date; notAfter: Date }): Buffer {
    if (!this.root) throw new Error('central PKI not bootstrapped');
    return issueSubordinate(this.root, {
      subject: encodeName({ organization: this.config.brand.organization, commonName: `Order CA ${terms.orderId}` }),
      spki,
      validity: window,
      pathLen: 0,
      terms,
    });
  }
}
