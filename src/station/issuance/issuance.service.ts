import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { VerifiedCsr } from '../../pki/csr.js';
import { GroupCommitWriter } from '../database/group-commit.js';
import { QuotaGuard } from '../quota/quota-guard.js';
import { failpoint } from '../../common/failpoint.js';
import { AuditLog } from '../audit/audit-log.js';
import { OrderLifecycle } from '../orders/order-lifecycle.js';
import { OrderRegistry, type ActiveOrder } from '../orders/order-registry.js';
import { serialInRange } from '../../common/serial-range.js';
import type { IssuanceStatus } from '../database/entities.js';
import {
  DuplicateSerialError,
  NoOrderForProductError,
  OrderNotOpenError,
  QuotaExhaustedError,
  SerialOutOfRangeError,
} from './issuance.errors.js';

export interface BirthCertificateRequest {
  deviceSerial: string;
  productModel: string;
  csr: VerifiedCsr;
  jigId?: string;
  slot?: number;
}

export interface IssuedCertificate {
  issuanceId: number;
  orderId: string;
  certificate: Buffer;
  /** Order CA first, up to the brand root */
  chain: Buffer[];
  fingerprint: string;
  /** true when this is the certificate issued earlier for the same device and key */
  reused: boolean;
}

interface ExistingRow {
  id: number;
  order_id: string;
  key_id: string;
  certificate: Buffer | null;
  fingerprint: string | null;
  status: IssuanceStatus;
}

/**
 * The issuance pipeline's durable core (system.md §5): policy → reserve quota → HSM signs →
 * record committed. Two durable writes bracket the signature: the reservation (counted before
 * the HSM is asked) and the certificate (stored before anyone can send it to a device).
 */
@Injectable()
export class IssuanceService implements OnModuleDestroy {
  constructor(
    private readonly ds: DataSource,
    private readonly orders: OrderRegistry,
    private readonly writer: GroupCommitWriter,
    private readonly guard: QuotaGuard,
    private readonly lifecycle: OrderLifecycle,
    private readonly events: AuditLog,
  ) {}

  async issue(req: BirthCertificateRequest, now = new Date()): Promise<IssuedCertificate> {
    const keyId = req.csr.keyIdentifier.toString('hex');
    const order = this.orders.findFor(req.productModel, req.deviceSerial, serialInRange);
    if (!order) {
      const existing = await this.findBySerial(req.deviceSerial);
      if (existing) return this.reuseOrRefuse(existing, keyId, req.deviceSerial);
      const closed = this.orders.closedFor(req.productModel, req.deviceSerial, serialInRange);
      if (closed?.reason === 'exhausted') {
        throw new QuotaExhaustedError(`order ${closed.orderId} is exhausted: all ${closed.quota} birth certificates issued`);
      }
      if (closed) throw new OrderNotOpenError(`order ${closed.orderId} for serial ${req.deviceSerial} is closed (${closed.reason})`);
      if (!this.orders.hasOpenOrderFor(req.productModel)) {
        throw new NoOrderForProductError(`no open production order for product ${req.productModel}`);
      }
      throw new SerialOutOfRangeError(`device serial ${req.deviceSerial} is outside every open order's serial range for ${req.productModel}`);
    }
    this.checkWindow(order, now);

    // Reserve first (counted, durable), then sign: a crash after the signature can never leave
    // a signature the records do not account for. One statement: the trigger counts the quota
    // and the statement returns the new count, which the quota guard checks against the HSM.
    const ts = now.toISOString();
    const orderId = order.row.orderId;
    this.guard.beforeReserve(orderId);
    let issuanceId: number;
    let res;
    let unsigned: ReturnType<IssuanceService['build']>;
    try {
      const reservation = this.writer.write(
        `INSERT INTO issuance (order_id, device_serial, key_id, cert_serial, status, jig_id, slot, created_at, updated_at) VALUES (?, ?, ?, '', 'reserved', ?, ?, ?, ?) RETURNING id, (SELECT issued FROM station_order WHERE order_id = issuance.order_id) AS issued`,
        [orderId, req.deviceSerial, keyId, req.jigId ?? null, req.slot ?? null, ts, ts],
        // crash-safe now, power-safe with the certificate's synced commit (group-commit.ts)
        { sync: false },
      );
      unsigned = this.build(order, req, now);
      res = await reservation;
    } catch (err) {
      this.guard.reserveFailed(orderId);
      // The quota trigger runs before the UNIQUE check: a device issued earlier must get its
      // answer (same key: its certificate again; other key: duplicate) even on a full order.
      const text = String(err);
      const existing = await this.findBySerial(req.deviceSerial);
      if (existing) return this.reuseOrRefuse(existing, keyId, req.deviceSerial);
      if (/quota_not_exceeded/.test(text)) throw new QuotaExhaustedError(`order ${orderId} has no quota left (${order.row.quota} granted)`);
      if (/ORDER_NOT_OPEN/.test(text)) {
        // closed while this request was on its way: refuse with the reason it closed for
        const closed = this.orders.closedFor(req.productModel, req.deviceSerial, serialInRange);
        if (closed?.reason === 'exhausted') throw new QuotaExhaustedError(`order ${orderId} is exhausted: all ${order.row.quota} birth certificates issued`);
        throw new OrderNotOpenError(`order ${orderId} is closed${closed ? ` (${closed.reason})` : ''}`);
      }
      throw err;
    }
    issuanceId = Number(res.row!.id);
    await this.guard.afterReserve(orderId, Number(res.row!.issued));
    failpoint('issue:after-reserve');

    this.lifecycle.enter(orderId);
    let signed;
    try {
      signed = unsigned.sign();
      failpoint('issue:after-sign');
      // the certificate and its audit record commit together, durably, before anything is sent
      await this.writer.group([
        {
          sql: `UPDATE issuance SET certificate = ?, fingerprint = ?, cert_serial = ?, status = 'issued', updated_at = ? WHERE id = ?`,
          params: [signed.der, signed.fingerprint, signed.serialHex, ts, issuanceId],
        },
        this.events.op('certificate-signed', {
          actor: req.jigId ? `jig ${req.jigId} slot ${req.slot}` : 'station',
          orderId,
          deviceSerial: req.deviceSerial,
          fingerprint: signed.fingerprint,
          detail: `birth certificate serial ${signed.serialHex} for a ${req.csr.algorithm} key`,
        }),
      ]);
    } catch (err) {
      // Counted, never signed or never stored: it stays counted and is reported as spoiled.
      await this.writer
        .group([
          { sql: `UPDATE issuance SET status = 'spoiled', updated_at = ? WHERE id = ? AND status = 'reserved'`, params: [ts, issuanceId] },
          this.events.op('certificate-spoiled', { actor: 'station', orderId, deviceSerial: req.deviceSerial, outcome: 'failed', detail: `issuance ${issuanceId} failed after its reservation: ${(err as Error).message}` }),
        ])
        .catch(() => undefined);
      throw err;
    } finally {
      this.lifecycle.leave(orderId);
    }
    failpoint('issue:after-commit');
    await this.lifecycle.closeIfExhausted(orderId, this.guard.issued(orderId));
    return { issuanceId, orderId: order.row.orderId, certificate: signed.der, chain: order.chain, fingerprint: signed.fingerprint, reused: false };
  }

  /**
   * The certificate built (not signed) while the reservation travels to the writer and back. A
   * build that fails fails at signing instead, after the reservation: counted, never signed,
   * spoiled — as any failure between reservation and signature.
   */
  private build(order: ActiveOrder, req: BirthCertificateRequest, now: Date): { sign(): ReturnType<ActiveOrder['template']['issue']> } {
    try {
      return order.template.prepare({ serial: req.deviceSerial, algorithm: req.csr.algorithm, spki: req.csr.spki, keyIdentifier: req.csr.keyIdentifier }, now);
    } catch (err) {
      return {
        sign: () => {
          throw err;
        },
      };
    }
  }

  private async reuseOrRefuse(row: ExistingRow, keyId: string, serial: string): Promise<IssuedCertificate> {
    if (row.key_id !== keyId) {
      throw new DuplicateSerialError(`device serial ${serial} already has a birth certificate for another key: possible clone or duplicate serial`);
    }
    if (!row.certificate || !row.fingerprint) {
      throw new DuplicateSerialError(`device serial ${serial} has an unusable earlier issuance (${row.status}); a supervisor must review it`);
    }
    // Same device, same key: re-inject the same certificate, no new signature, no quota
    // (system.md §4) — also after its order closed, since nothing is signed.
    const chain = this.orders.get(row.order_id)?.chain ?? (await this.orders.chainOf(row.order_id));
    return { issuanceId: row.id, orderId: row.order_id, certificate: row.certificate, chain, fingerprint: row.fingerprint, reused: true };
  }

  private checkWindow(order: ActiveOrder, now: Date): void {
    if (now < new Date(order.row.notBefore) || now > new Date(order.row.notAfter)) {
      throw new OrderNotOpenError(`order ${order.row.orderId} is valid from ${order.row.notBefore} to ${order.row.notAfter}`);
    }
  }

  async findBySerial(serial: string): Promise<ExistingRow | null> {
    const rows: ExistingRow[] = await this.ds.query(
      `SELECT id, order_id, key_id, certificate, fingerprint, status FROM issuance WHERE device_serial = ? AND NOT (status = 'spoiled' AND certificate IS NULL)`,
      [serial],
    );
    return rows[0] ?? null;
  }

  /** Lifecycle after issuance: injected (read back matched), locked (done). */
  async mark(issuanceId: number, status: 'injected' | 'locked', device: { serial: string; orderId: string; fingerprint: string; actor: string }): Promise<void> {
    // A status that follows what the device holds: a re-run restores it (read back compared).
    await this.writer.group(
      [
        { sql: `UPDATE issuance SET status = ?, updated_at = ? WHERE id = ? AND status <> 'locked'`, params: [status, new Date().toISOString(), issuanceId] },
        this.events.op(status === 'injected' ? 'certificate-verified' : 'device-locked', {
          actor: device.actor,
          orderId: device.orderId,
          deviceSerial: device.serial,
          fingerprint: device.fingerprint,
          detail: status === 'injected' ? 'certificate and chain injected and read back identical' : 'device identity locked',
        }),
      ],
      { sync: false },
    );
  }

  /** Signed, never confirmed on the device: still counted, reported, never given to another device. */
  async spoilUnconfirmed(serial: string): Promise<void> {
    const [res] = await this.writer.group([
      { sql: `UPDATE issuance SET status = 'spoiled', updated_at = ? WHERE device_serial = ? AND status = 'issued'`, params: [new Date().toISOString(), serial] },
    ]);
    if (res.changes > 0) {
      await this.events.record('certificate-spoiled', { actor: 'station', deviceSerial: serial, outcome: 'failed', detail: 'signed, never confirmed on the device' });
    }
  }

  /**
   * After a crash: a reservation left without a certificate may or may not have been signed (the
   * HSM cannot tell), and nothing of it left the station. It stays counted, as spoiled; the
   * device may be issued anew (and costs quota again). Run at start-up, before any job.
   */
  async voidInterruptedReservations(): Promise<number> {
    const rows: Array<{ id: number; order_id: string; device_serial: string }> = await this.ds.query(
      `SELECT id, order_id, device_serial FROM issuance WHERE status = 'reserved' AND certificate IS NULL`,
    );
    for (const r of rows) {
      await this.ds.query(`UPDATE issuance SET status = 'spoiled', updated_at = ? WHERE id = ?`, [new Date().toISOString(), r.id]);
      await this.events.record('issuance-voided', {
        orderId: r.order_id,
        deviceSerial: r.device_serial,
        actor: 'station',
        detail: `reservation ${r.id} interrupted before its certificate was stored: counted as spoiled`,
      });
    }
    return rows.length;
  }

  async onModuleDestroy(): Promise<void> {
    await this.writer.close();
  }
}

