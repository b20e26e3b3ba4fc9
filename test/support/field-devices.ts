import type { DataSource } from 'typeorm';
import { BirthCertificateTemplate } from '../../src/pki/birth-certificate.js';
import { keyIdentifierOf } from '../../src/pki/spki.js';
import { readCertificate } from '../../src/pki/certificate-reader.js';
import { sql } from '../../src/common/database-dialect.js';
import type { CentralPkiService } from '../../src/central/ca/central-pki.service.js';
import type { OrdersService } from '../../src/central/orders/orders.service.js';
import { ProductionOrderEntity } from '../../src/central/database/entities.js';
import { softwareSigner } from './software-signer.js';
import type { Signer } from '../../src/pki/signer.js';

export const HW_TYPE = '2.25.316439792148501594468024376345574696162.2.1';

export interface FieldOrder {
  orderId: string;
  /** the order's Order CA certificate (DER), as a device sends it beside its birth certificate */
  orderCaCertificate: Buffer;
  /** a birth certificate for `serial` with a fresh device key, issued `ageMs` ago */
  device(serial: string, opts?: { ageMs?: number; audited?: boolean }): Promise<FieldDevice>;
}

export interface FieldDevice {
  serial: string;
  birth: Buffer;
  key: Signer & { privateKey: import('node:crypto').KeyObject };
}

/**
 * A production order as central sees it after a station made devices: central issued its
 * Order CA (here over a software key standing in for the station's HSM key), and the station's
 * audit batches put each device's birth certificate in the registry (here: inserted directly;
 * the e2e tests go through real audit sync).
 */
export async function fieldOrder(
  ds: DataSource,
  pki: CentralPkiService,
  orders: OrdersService,
  terms: { orderId: string; quota: number; serialFirst: string; serialLast: string; stationId?: string },
): Promise<FieldOrder> {
  const stationId = terms.stationId ?? 'line-1';
  const notBefore = new Date(Date.now() - 24 * 3600_000);
  const notAfter = new Date(Date.now() + 24 * 3600_000);
  await orders.create({ ...terms, stationId, productModel: 'thermo-1', notBefore: notBefore.toISOString(), notAfter: notAfter.toISOString() });
  const orderCaKey = softwareSigner();
  const orderCa = pki.issueOrderCa(orderCaKey.spki, { orderId: terms.orderId, productModel: 'thermo-1', quota: terms.quota, serialFirst: terms.serialFirst, serialLast: terms.serialLast }, { notBefore, notAfter });
  await ds.getRepository(ProductionOrderEntity).update({ orderId: terms.orderId }, { orderCaCertificate: orderCa, status: 'active' });
  const parts = readCertificate(orderCa);
  const template = new BirthCertificateTemplate({ subject: parts.subject, keyIdentifier: parts.subjectKeyIdentifier!, signer: orderCaKey }, terms.orderId, { hardwareTypeOid: HW_TYPE, organization: 'Acme' });
  let seq = 0;
  return {
    orderId: terms.orderId,
    orderCaCertificate: Buffer.from(orderCa),
    async device(serial, opts = {}) {
      const key = softwareSigner();
      const birth = template.issue({ serial, algorithm: 'ec-p256', spki: key.spki, keyIdentifier: keyIdentifierOf(key.spki) }, new Date(Date.now() - (opts.ageMs ?? 3600_000)));
      if (opts.audited ?? true) {
        await ds.query(sql(`INSERT INTO device_registry (fingerprint, device_serial, station_id, order_id, seq) VALUES (?, ?, ?, ?, ?)`), [birth.fingerprint, serial, stationId, terms.orderId, ++seq]);
      }
      return { serial, birth: birth.der, key };
    },
  };
}
