import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HSM_PORT, type HsmPort } from '../../hsm/hsm.port.js';
import { STATION_CONFIG, StationConfig } from '../../config/station-config.js';
import { AlarmService } from './alarm.service.js';
import { IssuanceBusyError, IssuanceLockedError, TamperDetectedError } from './quota.errors.js';
import { failpoint } from '../../common/failpoint.js';

interface OrderCount {
  quota: number;
  /** high-water mark held in the HSM: the database may never count past it */
  hwm: number;
  /** the last count the database returned to this process */
  lastIssued: number;
  /** reservations sent and not yet answered */
  pending: number;
}

/**
 * Reservations one station process may have in flight: the provisioning queue's concurrency.
 * After a crash the HSM mark may lead the database by up to one block plus these.
 */
export const MAX_IN_FLIGHT_ISSUANCES = 64;

const hwmName = (orderId: string) => `quota-hwm:${orderId}`;
const cleanName = (orderId: string) => `quota-clean:${orderId}`;

/**
 * The HSM-backed layer of quota counting (system.md §4.1 "the counter is also kept in the
 * HSM … checked against the database at start-up and on every issue").
 *
 * The token holds, per order, a high-water mark the database count may never pass. It is raised
 * in blocks of `hsmCounterBlock` before a reservation could pass it (a SoftHSM2 counter write
 * costs ~3 ms, so one per certificate would cap the line), and set to the exact count at a clean
 * shutdown with a "clean" flag. Checks:
 * - every issue: the count the reservation returns (INSERT … RETURNING) must be exactly one more
 *   than the last one this process saw, and within the mark: an edit of the counter under a
 *   running station breaks the sequence;
 * - start-up: rows = database count ≤ mark, and mark − count is 0 after a clean shutdown, or at
 *   most one block plus the reservations in flight after a crash: a database restored from an
 *   older copy, a row or counter edited by hand, or a swapped token fail one of these. (So after
 *   a crash, a rollback smaller than that window cannot be told from the crash; docs/decisions.)
 * Any failure raises a tamper alarm, which locks issuance until a supervisor clears it.
 */
@Injectable()
export class QuotaGuard {
  private readonly log = new Logger(QuotaGuard.name);
  private readonly counts = new Map<string, OrderCount>();

  constructor(
    private readonly ds: DataSource,
    @Inject(HSM_PORT) private readonly hsm: HsmPort,
    @Inject(STATION_CONFIG) private readonly config: StationConfig,
    private readonly alarms: AlarmService,
  ) {}

  private get block(): number {
    return this.config.hsmCounterBlock;
  }

  /** A freshly opened order starts at 0 in the HSM. */
  initOrder(orderId: string, quota: number): void {
    this.hsm.writeCounter(hwmName(orderId), 0n);
    this.counts.set(orderId, { quota, hwm: 0, lastIssued: 0, pending: 0 });
  }

  /** Start-up check of every open order; raises alarms for what does not add up. */
  async checkAtStartup(orders: Array<{ orderId: string; quota: number; issued: number }>): Promise<void> {
    for (const o of orders) {
      const [{ n: rows }] = await this.ds.query(`SELECT COUNT(*) AS n FROM issuance WHERE order_id = ?`, [o.orderId]);
      const mark = this.hsm.readCounter(hwmName(o.orderId));
      const clean = this.hsm.readCounter(cleanName(o.orderId)) === 1n;
      this.counts.set(o.orderId, { quota: o.quota, hwm: mark === null ? 0 : Number(mark), lastIssued: o.issued, pending: 0 });
      if (rows !== o.issued) {
        await this.alarms.raise('counter-edited', o.orderId, `database counts ${o.issued} issued but holds ${rows} issuance records`);
      } else if (mark === null) {
        await this.alarms.raise('hsm-counter-missing', o.orderId, `the HSM token holds no counter for this order (token swapped or object deleted); database counts ${o.issued}`);
      } else if (o.issued > Number(mark)) {
        await this.alarms.raise('hsm-behind-database', o.orderId, `database counts ${o.issued} issued, more than the HSM allows (${mark})`);
      } else if (Number(mark) - o.issued > (clean ? 0 : this.block + MAX_IN_FLIGHT_ISSUANCES)) {
        await this.alarms.raise(
          'database-behind-hsm',
          o.orderId,
          `database counts ${o.issued} issued, the HSM counted ${clean ? 'exactly' : 'up to'} ${mark}${clean ? ' at the last clean shutdown' : ''}: database restored from an older copy or edited`,
        );
      }
      // running from here on: only a clean shutdown sets the flag again
      this.hsm.writeCounter(cleanName(o.orderId), 0n);
    }
  }

  /** Before a reservation is sent: refuse when locked; raise the HSM mark first if needed. */
  beforeReserve(orderId: string): void {
    if (this.alarms.locked) {
      throw new IssuanceLockedError('issuance is locked by a tamper alarm: a supervisor must review and clear it (GET /api/alarms)');
    }
    const c = this.counts.get(orderId);
    if (!c) throw new TamperDetectedError(`order ${orderId} has no counter state`);
    if (c.pending >= MAX_IN_FLIGHT_ISSUANCES) throw new IssuanceBusyError(`more than ${MAX_IN_FLIGHT_ISSUANCES} issuances in flight for order ${orderId}`);
    c.pending++;
    const needed = c.lastIssued + c.pending;
    if (needed > c.hwm && c.hwm < c.quota) {
      c.hwm = Math.min(c.quota, Math.max(needed, c.hwm + this.block));
      this.hsm.writeCounter(hwmName(orderId), BigInt(c.hwm));
      failpoint('guard:after-hsm-mark');
    }
  }

  reserveFailed(orderId: string): void {
    const c = this.counts.get(orderId);
    if (c) c.pending--;
  }

  /** After a reservation committed, with the count the database returned. */
  async afterReserve(orderId: string, returned: number): Promise<void> {
    const c = this.counts.get(orderId)!;
    c.pending--;
    const expected = c.lastIssued + 1;
    c.lastIssued = returned;
    if (returned !== expected || returned > c.hwm) {
      await this.alarms.raise('count-sequence-broken', orderId, `the database returned count ${returned} where ${expected} was due (HSM mark ${c.hwm}): counter changed under the running station`);
      throw new TamperDetectedError(`issuance count of order ${orderId} changed under the running station; issuance locked`);
    }
  }

  issued(orderId: string): number {
    return this.counts.get(orderId)?.lastIssued ?? 0;
  }

  /** Clean shutdown: the exact count into the HSM, flagged clean. */
  markClean(): void {
    for (const [orderId, c] of this.counts) {
      if (c.pending > 0) continue;
      try {
        this.hsm.writeCounter(hwmName(orderId), BigInt(c.lastIssued));
        this.hsm.writeCounter(cleanName(orderId), 1n);
      } catch (err) {
        this.log.warn(`could not record a clean count for ${orderId}: ${(err as Error).message}`);
      }
    }
  }

  /**
   * After a supervisor cleared an alarm on this order: counts only move up. The order is set to
   * the highest of the database count, its records and the HSM mark (which is at least the
   * number of signatures ever allowed), the difference filled with void records counted as
   * spoiled, so a restored or edited database can never win quota back.
   */
  async reconcile(orderId: string): Promise<{ before: number; after: number }> {
    const [row] = await this.ds.query(`SELECT issued, quota FROM station_order WHERE order_id = ?`, [orderId]);
    if (!row) return { before: 0, after: 0 };
    const [{ n: rows }] = await this.ds.query(`SELECT COUNT(*) AS n FROM issuance WHERE order_id = ?`, [orderId]);
    const mark = Number(this.hsm.readCounter(hwmName(orderId)) ?? 0n);
    const target = Math.min(row.quota, Math.max(row.issued, rows, mark));
    const now = new Date().toISOString();
    await this.ds.transaction(async (m) => {
      await m.query(`UPDATE station_order SET issued = ? WHERE order_id = ?`, [rows, orderId]);
      for (let i = rows; i < target; i++) {
        await m.query(
          `INSERT INTO issuance (order_id, device_serial, key_id, cert_serial, status, created_at, updated_at) VALUES (?, ?, 'void', '', 'spoiled', ?, ?)`,
          [orderId, `void:${orderId}:${i + 1}:${Date.now()}`, now, now],
        );
      }
    });
    this.hsm.writeCounter(hwmName(orderId), BigInt(Math.max(mark, target)));
    const c = this.counts.get(orderId);
    if (c) Object.assign(c, { lastIssued: target, hwm: Math.max(mark, target), pending: 0 });
    return { before: row.issued, after: target };
  }

  forget(orderId: string): void {
    this.counts.delete(orderId);
  }
}
