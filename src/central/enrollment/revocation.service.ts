import { Injectable } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import { DomainError, InvalidInputError } from '../../common/domain-error.js';
import { WriteSerializer } from '../../common/write-serializer.js';
import { sql } from '../../common/database-dialect.js';
import { ProductionOrderEntity } from '../database/entities.js';
import { DeviceRevocationEntity, EnrollmentEventEntity, OperationalCertificateEntity } from './enrollment.entities.js';
import { RevocationEvents } from './revocation-events.js';

export class DeviceNotFoundError extends DomainError {
  readonly code = 'DEVICE_NOT_FOUND';
  readonly status = 404;
  readonly retryable = false;
}

export interface RevocationView {
  scope: 'device' | 'order';
  orderId: string;
  deviceSerial: string | null;
  reason: number;
  revokedAt: string;
  /** operational certificates revoked by this call */
  certificatesRevoked: number;
}

/**
 * The brand owner's revocation (system.md §7): one call revokes a device, or a whole order.
 * It bars the device(s) from enrolling and revokes every operational certificate they hold, so
 * OCSP answers "revoked" and the next CRL lists them.
 */
@Injectable()
export class RevocationService {
  constructor(
    private readonly ds: DataSource,
    private readonly writes: WriteSerializer,
    private readonly events: RevocationEvents,
  ) {}

  async revokeDevice(deviceSerial: string, reason: number, orderId?: string, now = new Date()): Promise<RevocationView> {
    const order = orderId ?? (await this.orderOfDevice(deviceSerial));
    return this.revoke({ scope: 'device', orderId: order, deviceSerial }, reason, now);
  }

  async revokeOrder(orderId: string, reason: number, now = new Date()): Promise<RevocationView> {
    if (!(await this.ds.getRepository(ProductionOrderEntity).findOneBy({ orderId }))) throw new DeviceNotFoundError(`no order ${orderId}`);
    return this.revoke({ scope: 'order', orderId, deviceSerial: null }, reason, now);
  }

  private async revoke(target: { scope: 'device' | 'order'; orderId: string; deviceSerial: string | null }, reason: number, now: Date): Promise<RevocationView> {
    if (![0, 1, 2, 3, 4, 5, 6, 9, 10].includes(reason)) throw new InvalidInputError(`reason ${reason} is not an RFC 5280 §5.3.1 CRLReason a brand owner can give`);
    const at = now.toISOString();
    const count = await this.writes.run(() => this.ds.transaction(async (m) => {
      await m.getRepository(DeviceRevocationEntity).insert({ ...target, reason, revokedAt: at });
      const where = target.scope === 'order'
        ? { orderId: target.orderId, revokedAt: IsNull() }
        : { orderId: target.orderId, deviceSerial: target.deviceSerial!, revokedAt: IsNull() };
      const result = await m.getRepository(OperationalCertificateEntity).update(where, { revokedAt: at, revocationReason: reason });
      await m.getRepository(EnrollmentEventEntity).insert({
        at, protocol: 'api', operation: `revoke-${target.scope}`, outcome: 'revoked', reason: String(reason),
        message: target.scope === 'order' ? `order ${target.orderId} revoked by the brand owner` : `device ${target.deviceSerial} revoked by the brand owner`,
        orderId: target.orderId, deviceSerial: target.deviceSerial, certificateFingerprint: null,
      });
      return result.affected ?? 0;
    }));
    this.events.changed('operational-ca');
    return { ...target, reason, revokedAt: at, certificatesRevoked: count };
  }

  /** Which order made a device: from its enrollment, else from the audit registry. */
  private async orderOfDevice(deviceSerial: string): Promise<string> {
    const rows: Array<{ order_id: string }> = await this.ds.query(
      sql(`SELECT order_id FROM device_enrollment WHERE device_serial = ? UNION SELECT order_id FROM device_registry WHERE device_serial = ? AND order_id IS NOT NULL`),
      [deviceSerial, deviceSerial],
    );
    const orders = [...new Set(rows.map((r) => r.order_id))];
    if (orders.length === 0) throw new DeviceNotFoundError(`central knows no device ${deviceSerial}`);
    if (orders.length > 1) throw new InvalidInputError(`device serial ${deviceSerial} occurs in orders ${orders.join(', ')}: name the order`);
    return orders[0];
  }
}
