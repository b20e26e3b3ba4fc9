import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HSM_PORT, type HsmPort } from '../../hsm/hsm.port.js';
import { hsmSigner } from '../../hsm/hsm-signer.js';
import { buildSignedCsr } from '../../pki/csr.js';
import { encodeName } from '../../pki/name.js';
import { readCertificate } from '../../pki/certificate-reader.js';
import { toPem } from '../../pki/pem.js';
import { verifyChain } from '../../pki/chain.js';
import { STATION_CONFIG, StationConfig } from '../../config/station-config.js';
import { DomainError, InvalidInputError } from '../../common/domain-error.js';
import { grantFingerprint, verifyQuotaGrant } from '../../pki/quota-grant.js';
import { TRUST_ANCHOR } from './trust-anchor.js';

export class GrantReplayedError extends DomainError {
  readonly code = 'GRANT_REPLAYED';
  readonly status = 409;
  readonly retryable = false;
}
import { CENTRAL_CLIENT, type CentralClient } from '../central-client/central-client.port.js';
import { StationOrderEntity } from '../database/entities.js';
import { OrderRegistry } from './order-registry.js';
import { QuotaGuard } from '../quota/quota-guard.js';
import { AuditLog } from '../audit/audit-log.js';

export interface OrderSummary {
  orderId: string;
  productModel: string;
  quota: number;
  issued: number;
  left: number;
  serialFirst: string;
  serialLast: string;
  notAfter: string;
  status: string;
  closedReason: string | null;
  /** issuance records by status: reserved, issued, injected, locked, spoiled */
  byStatus?: Record<string, number>;
}

/**
 * Opens a production order on this station (system.md §3): the Order CA key is generated in
 * the station's HSM, central signs its CSR, and the certificate is checked to hold our key and
 * chain to the brand root before the order may issue.
 */
@Injectable()
export class StationOrdersService {
  private readonly log = new Logger(StationOrdersService.name);

  constructor(
    private readonly ds: DataSource,
    private readonly registry: OrderRegistry,
    @Inject(HSM_PORT) private readonly hsm: HsmPort,
    @Inject(CENTRAL_CLIENT) private readonly central: CentralClient,
    @Inject(STATION_CONFIG) private readonly config: StationConfig,
    @Inject(TRUST_ANCHOR) private readonly trustAnchor: Buffer,
    private readonly guard: QuotaGuard,
    private readonly events: AuditLog,
  ) {}

  /** Online: pull the order's grant from central, then import it. */
  async open(orderId: string): Promise<OrderSummary> {
    const existing = await this.ds.getRepository(StationOrderEntity).findOneBy({ orderId });
    if (existing) return summary(existing);
    return this.importGrant(await this.central.getGrant(orderId), 'online', 'station');
  }

  /**
   * Import a signed quota grant (online, or a file a supervisor brings) and open its order.
   * Refused with a clear reason, changing nothing: forged, tampered, expired, not yet valid, for
   * another station (verifyQuotaGrant), already imported (the same grant, its nonce, or a second
   * grant for the same order), or for a product this line does not build.
   */
  async importGrant(der: Buffer, source: 'online' | 'file', actor: string): Promise<OrderSummary> {
    const terms = verifyQuotaGrant(der, { trustAnchor: this.trustAnchor, now: new Date(), stationId: this.config.stationId });
    const fingerprint = grantFingerprint(der);
    const [seen] = await this.ds.query(
      `SELECT order_id AS orderId, fingerprint FROM imported_grant WHERE fingerprint = ? OR nonce = ? OR order_id = ?`,
      [fingerprint, terms.nonce.toString('hex'), terms.orderId],
    );
    if (seen) {
      throw new GrantReplayedError(
        seen.fingerprint === fingerprint
          ? `grant for order ${terms.orderId} was imported already: a grant is used once`
          : `a grant for order ${seen.orderId} was imported already: refusing a second grant with the same order or nonce`,
      );
    }
    this.registry.product(terms.productModel); // throws if this line does not build the product

    // A key left by an interrupted open (no row yet) is reused: central signs the same key again.
    const orderId = terms.orderId;
    const label = `order-ca:${orderId}`;
    let key = this.hsm.findKey(label);
    if (!key) {
      key = this.hsm.generateKeyPair(label, 'ec-p256');
      await this.events.record('key-created', { actor, orderId, detail: `Order CA key ${label} (ec-p256) generated in the HSM, non-extractable` });
    }
    const csr = buildSignedCsr(hsmSigner(this.hsm, key), encodeName({ commonName: `Order CA ${orderId}` }));
    const { certificate, chain } = await this.central.requestOrderCa(orderId, csr);
    if (!readCertificate(certificate).spki.equals(Buffer.from(key.spki))) {
      throw new InvalidInputError(`central returned an Order CA certificate for another key`);
    }
    verifyChain([certificate, ...chain], this.trustAnchor);

    // the HSM counter exists before the order can issue (a missing one is a tamper alarm)
    this.guard.initOrder(orderId, terms.quota);
    const row = await this.ds
      .transaction(async (m) => {
      await m.query(`INSERT INTO imported_grant (fingerprint, nonce, order_id, source, actor, imported_at, grant_der) VALUES (?, ?, ?, ?, ?, ?, ?)`, [
        fingerprint,
        terms.nonce.toString('hex'),
        orderId,
        source,
        actor,
        new Date().toISOString(),
        der,
      ]);
      return m.getRepository(StationOrderEntity).save({
        orderId,
        productModel: terms.productModel,
        quota: terms.quota,
        issued: 0,
        serialFirst: terms.serialFirst,
        serialLast: terms.serialLast,
        notBefore: terms.notBefore.toISOString(),
        notAfter: terms.notAfter.toISOString(),
        status: 'open' as const,
        caKeyLabel: label,
        caCertificate: certificate,
        upperChain: Buffer.from(chain.map((c) => toPem(c)).join(''), 'utf8'),
        createdAt: new Date().toISOString(),
        closedReason: null,
      });
      })
      .catch((err: unknown) => {
        // two imports of one grant at once: the register's UNIQUE keys let only one through
        if (/UNIQUE/.test(String(err))) throw new GrantReplayedError(`grant for order ${orderId} was imported concurrently`);
        throw err;
      });
    this.registry.activate(row);
    await this.events.record('grant-imported', { actor, orderId, fingerprint, detail: `quota grant imported (${source}), nonce ${terms.nonce.toString('hex')}` });
    await this.events.record('order-opened', {
      orderId,
      actor,
      detail: `grant ${fingerprint.slice(0, 16)}… (${source}): ${terms.quota} × ${terms.productModel}, serials ${terms.serialFirst}..${terms.serialLast}, Order CA key ${label}`,
    });
    this.log.log(`order ${orderId} open: ${terms.quota} × ${terms.productModel}, serials ${terms.serialFirst}..${terms.serialLast}`);
    return summary(row);
  }

  async list(): Promise<OrderSummary[]> {
    const rows = await this.ds.getRepository(StationOrderEntity).find({ order: { createdAt: 'ASC' } });
    const byStatus: Array<{ orderId: string; status: string; n: number }> = await this.ds.query(
      `SELECT order_id AS orderId, status, COUNT(*) AS n FROM issuance GROUP BY order_id, status`,
    );
    return rows.map((r) => {
      const counts: Record<string, number> = {};
      for (const c of byStatus) if (c.orderId === r.orderId) counts[c.status] = c.n;
      return { ...summary(r), byStatus: counts };
    });
  }
}

function summary(r: StationOrderEntity): OrderSummary {
  return {
    orderId: r.orderId,
    productModel: r.productModel,
    quota: r.quota,
    issued: r.issued,
    left: r.quota - r.issued,
    serialFirst: r.serialFirst,
    serialLast: r.serialLast,
    notAfter: r.notAfter,
    status: r.status,
    closedReason: r.closedReason ?? null,
  };
}
