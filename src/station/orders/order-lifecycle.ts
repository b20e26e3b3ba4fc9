import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HSM_PORT, type HsmPort } from '../../hsm/hsm.port.js';
import { AuditLog } from '../audit/audit-log.js';
import { OrderRegistry } from './order-registry.js';
import { StationOrderEntity } from '../database/entities.js';
import { DomainError } from '../../common/domain-error.js';

export type CloseReason = 'exhausted' | 'expired' | 'cancelled';

export class OrderNotFoundError extends DomainError {
  readonly code = 'ORDER_NOT_FOUND';
  readonly status = 404;
  readonly retryable = false;
}

/**
 * Closing an order (system.md §3): when it is exhausted, expired or cancelled the order is
 * marked closed first (the reservation trigger then refuses it), and its Order CA key is
 * destroyed in the HSM; both are recorded. A close interrupted between the two is finished at
 * start-up, so a closed order never keeps a key.
 */
@Injectable()
export class OrderLifecycle {
  private readonly log = new Logger(OrderLifecycle.name);
  private inFlight = new Map<string, number>();

  constructor(
    private readonly ds: DataSource,
    private readonly registry: OrderRegistry,
    private readonly events: AuditLog,
    @Inject(HSM_PORT) private readonly hsm: HsmPort,
  ) {}

  /** Issuance brackets its reserve→sign→commit with these, so a close waits for signatures in progress. */
  enter(orderId: string): void {
    this.inFlight.set(orderId, (this.inFlight.get(orderId) ?? 0) + 1);
  }
  leave(orderId: string): void {
    this.inFlight.set(orderId, (this.inFlight.get(orderId) ?? 1) - 1);
  }

  async closeIfExhausted(orderId: string, issued: number): Promise<void> {
    const order = this.registry.get(orderId);
    if (!order || issued < order.row.quota) return;
    const [{ n }] = await this.ds.query(`SELECT COUNT(*) AS n FROM issuance WHERE order_id = ? AND status = 'reserved'`, [orderId]);
    if (n === 0) await this.close(orderId, 'exhausted', 'station');
  }

  async closeExpired(now = new Date()): Promise<void> {
    for (const o of this.registry.list()) {
      if (new Date(o.row.notAfter) < now) await this.close(o.row.orderId, 'expired', 'station');
    }
  }

  async close(orderId: string, reason: CloseReason, actor: string): Promise<boolean> {
    const runner = this.ds.createQueryRunner();
    let affected: number | undefined;
    try {
      affected = (await runner.query(`UPDATE station_order SET status = 'closed', closed_reason = ? WHERE order_id = ? AND status = 'open'`, [reason, orderId], true)).affected;
    } finally {
      await runner.release();
    }
    if (affected !== 1) {
      if (!(await this.ds.getRepository(StationOrderEntity).existsBy({ orderId }))) throw new OrderNotFoundError(`no order ${orderId}`);
      return false;
    }
    this.registry.deactivate(orderId, reason);
    await this.events.record('order-closed', { orderId, actor, detail: `order closed: ${reason}` });
    // signatures already reserved finish first (bounded wait); later ones are refused by the trigger
    for (let i = 0; i < 250 && (this.inFlight.get(orderId) ?? 0) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    await this.destroyKey(orderId);
    this.log.log(`order ${orderId} closed (${reason}); Order CA key destroyed`);
    return true;
  }

  /** Finish closes interrupted before their key was destroyed. */
  async finishInterruptedCloses(): Promise<void> {
    const closed = await this.ds.getRepository(StationOrderEntity).findBy({ status: 'closed' });
    for (const o of closed) if (this.hsm.findKey(o.caKeyLabel)) await this.destroyKey(o.orderId, o.caKeyLabel);
  }

  private async destroyKey(orderId: string, label = `order-ca:${orderId}`): Promise<void> {
    this.hsm.destroyKey(label);
    await this.events.record('key-destroyed', { orderId, actor: 'station', detail: `Order CA key ${label} destroyed in the HSM` });
  }
}
