import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { sql } from '../../common/database-dialect.js';
import { ConsoleAnomaliesService } from './console-anomalies.service.js';
import type { DeviceDetailDto } from './console.dto.js';

/** Everything central holds about one device serial, for the drill-down behind a clone or unknown device. */
@Injectable()
export class DeviceDetailService {
  constructor(
    private readonly ds: DataSource,
    private readonly anomalies: ConsoleAnomaliesService,
  ) {}

  async detail(deviceSerial: string): Promise<DeviceDetailDto> {
    const q = (text: string): Promise<Array<Record<string, unknown>>> => this.ds.query(sql(text), [deviceSerial]);
    const enrollments = await q(`SELECT order_id, birth_fingerprint, key_hash, certificate_serial, protocol, enrolled_at FROM device_enrollment WHERE device_serial = ?`);
    const certificates = await q(`SELECT serial_hex, order_id, protocol, issued_at, not_after, revoked_at FROM operational_certificate WHERE device_serial = ? ORDER BY issued_at`);
    const events = await q(`SELECT id, at, protocol, operation, outcome, reason, message, order_id FROM enrollment_event WHERE device_serial = ? ORDER BY id DESC LIMIT 200`);
    const registryOrders = (await q(`SELECT DISTINCT order_id FROM device_registry WHERE device_serial = ? AND order_id IS NOT NULL`)).map((r) => String(r.order_id));
    const orders = [...new Set([...registryOrders, ...enrollments.map((e) => String(e.order_id))])];
    const revocations = (
      await this.ds.query(sql(`SELECT scope, order_id, device_serial, reason, revoked_at FROM device_revocation ORDER BY id`))
    ).filter((r: Record<string, unknown>) => (r.scope === 'device' && r.device_serial === deviceSerial) || (r.scope === 'order' && orders.includes(String(r.order_id))));
    return {
      deviceSerial,
      revoked: revocations.length > 0,
      records: await this.anomalies.deviceRecords(deviceSerial),
      enrollments: enrollments.map((e) => ({ orderId: String(e.order_id), birthFingerprint: String(e.birth_fingerprint), keyHash: String(e.key_hash), certificateSerial: String(e.certificate_serial), protocol: String(e.protocol), enrolledAt: String(e.enrolled_at) })),
      certificates: certificates.map((c) => ({ serialHex: String(c.serial_hex), orderId: String(c.order_id), protocol: String(c.protocol), issuedAt: String(c.issued_at), notAfter: String(c.not_after), revokedAt: (c.revoked_at as string | null) ?? null })),
      events: events.map((e) => ({ id: Number(e.id), at: String(e.at), protocol: String(e.protocol), operation: String(e.operation), outcome: String(e.outcome), reason: (e.reason as string | null) ?? null, message: String(e.message), orderId: (e.order_id as string | null) ?? null })),
      anomalies: (await this.anomalies.list()).filter((a) => a.deviceSerial === deviceSerial),
      revocations: revocations.map((r: Record<string, unknown>) => ({ scope: r.scope as 'device' | 'order', orderId: String(r.order_id), reason: Number(r.reason), revokedAt: String(r.revoked_at) })),
    };
  }
}
