import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HSM_PORT, type HsmPort } from '../../hsm/hsm.port.js';
import { hsmSigner } from '../../hsm/hsm-signer.js';
import { BirthCertificateTemplate } from '../../pki/birth-certificate.js';
import { readCertificate } from '../../pki/certificate-reader.js';
import { fromPemAll } from '../../pki/pem.js';
import { STATION_CONFIG, StationConfig } from '../../config/station-config.js';
import { StationOrderEntity } from '../database/entities.js';
import type { ProductSettings } from '../../config/common-config.js';

/** An open order ready to issue: the row, its template and the chain a device receives. */
export interface ActiveOrder {
  row: StationOrderEntity;
  template: BirthCertificateTemplate;
  /** Order CA first, then the upper chain up to the brand root (DER) */
  chain: Buffer[];
  product: ProductSettings;
}

/**
 * Keeps a ready-to-sign template per open order, so the hot path does no lookups: the Order
 * CA key handle, issuer name and AKI are resolved once when the order opens.
 */
/** What the station remembers of a closed order, to refuse its devices with the right reason. */
export interface ClosedOrder {
  orderId: string;
  productModel: string;
  serialFirst: string;
  serialLast: string;
  quota: number;
  reason: string;
}

@Injectable()
export class OrderRegistry {
  private readonly active = new Map<string, ActiveOrder>();
  private readonly closed = new Map<string, ClosedOrder>();

  constructor(
    private readonly ds: DataSource,
    @Inject(HSM_PORT) private readonly hsm: HsmPort,
    @Inject(STATION_CONFIG) private readonly config: StationConfig,
  ) {}

  async load(): Promise<void> {
    this.active.clear();
    this.closed.clear();
    for (const row of await this.ds.getRepository(StationOrderEntity).find()) {
      if (row.status === 'open') this.activate(row);
      else this.remember(row, row.closedReason ?? 'closed');
    }
  }

  private remember(row: StationOrderEntity, reason: string): void {
    const { orderId, productModel, serialFirst, serialLast, quota } = row;
    this.closed.set(orderId, { orderId, productModel, serialFirst, serialLast, quota, reason });
  }

  /** The closed order whose range holds this serial, if any. */
  closedFor(model: string, serial: string, inRange: (s: string, a: string, b: string) => boolean): ClosedOrder | undefined {
    for (const o of this.closed.values()) if (o.productModel === model && inRange(serial, o.serialFirst, o.serialLast)) return o;
    return undefined;
  }

  activate(row: StationOrderEntity): ActiveOrder {
    const product = this.product(row.productModel);
    const key = this.hsm.findKey(row.caKeyLabel);
    if (!key) throw new Error(`Order CA key ${row.caKeyLabel} of order ${row.orderId} is missing from the HSM`);
    const ca = readCertificate(row.caCertificate);
    if (!ca.subjectKeyIdentifier) throw new Error(`Order CA certificate of ${row.orderId} has no SKI`);
    const template = new BirthCertificateTemplate(
      { subject: ca.subject, keyIdentifier: ca.subjectKeyIdentifier, signer: hsmSigner(this.hsm, key) },
      row.orderId,
      product,
    );
    const order: ActiveOrder = { row, template, chain: [row.caCertificate, ...fromPemAll(row.upperChain.toString('utf8'))], product };
    this.active.set(row.orderId, order);
    return order;
  }

  /** The chain a device of any order (open or closed) receives: Order CA, then up to the root. */
  async chainOf(orderId: string): Promise<Buffer[]> {
    const row = await this.ds.getRepository(StationOrderEntity).findOneByOrFail({ orderId });
    return [row.caCertificate, ...fromPemAll(row.upperChain.toString('utf8'))];
  }

  deactivate(orderId: string, reason: string): void {
    const order = this.active.get(orderId);
    if (order) this.remember(order.row, reason);
    this.active.delete(orderId);
  }

  get(orderId: string): ActiveOrder | undefined {
    return this.active.get(orderId);
  }

  /** The open order that may issue for this product and serial, if any. */
  findFor(model: string, serial: string, inRange: (s: string, a: string, b: string) => boolean): ActiveOrder | undefined {
    for (const o of this.active.values()) {
      if (o.row.productModel === model && inRange(serial, o.row.serialFirst, o.row.serialLast)) return o;
    }
    return undefined;
  }

  hasOpenOrderFor(model: string): boolean {
    return [...this.active.values()].some((o) => o.row.productModel === model);
  }

  list(): ActiveOrder[] {
    return [...this.active.values()];
  }

  product(model: string): ProductSettings {
    const p = this.config.products.find((x) => x.model === model);
    if (!p) throw new Error(`product ${model} is not configured`);
    return p;
  }
}
