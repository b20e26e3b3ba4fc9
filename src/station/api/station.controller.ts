import { Controller, Get, Inject, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { Type } from 'class-transformer';
import { STATION_CONFIG, StationConfig } from '../../config/station-config.js';
import { StationOrdersService, type OrderSummary } from '../orders/station-orders.service.js';
import { SlotBoard } from '../provisioning/slot-board.js';
import { JigManager } from '../provisioning/jig-manager.js';
import { PROVISIONING_QUEUE_PORT, type ProvisioningQueue } from '../provisioning/provisioning.queue.js';
import { RefusalLog } from '../provisioning/refusal-log.js';
import { LineMetrics } from '../provisioning/line-metrics.js';
import { IssuanceService } from '../issuance/issuance.service.js';
import { toPem } from '../../pki/pem.js';

class JigParam {
  @Matches(/^[A-Za-z0-9_-]{1,32}$/) jigId: string;
}
class ScanQuery {
  /** scan one slot only (an operator re-running a slot); absent: every occupied slot */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(254) slot?: number;
}
class OrderParam {
  @Matches(/^[A-Za-z0-9._-]{1,64}$/) orderId: string;
}
class SerialParam {
  @IsOptional() @Matches(/^[A-Za-z0-9 '()+,\-./:=?]{1,64}$/) serial: string;
}

/** The station's API: what the operator panel and line automation use. */
@Controller('api')
export class StationController {
  constructor(
    @Inject(STATION_CONFIG) private readonly config: StationConfig,
    private readonly orders: StationOrdersService,
    private readonly board: SlotBoard,
    private readonly jigs: JigManager,
    @Inject(PROVISIONING_QUEUE_PORT) private readonly queue: ProvisioningQueue,
    private readonly refusals: RefusalLog,
    private readonly metrics: LineMetrics,
    private readonly issuance: IssuanceService,
  ) {}

  @Get('status')
  async status() {
    return {
      stationId: this.config.stationId,
      orders: await this.orders.list(),
      slots: this.board.all(),
      shift: this.metrics.snapshot(),
    };
  }

  @Get('orders')
  listOrders(): Promise<OrderSummary[]> {
    return this.orders.list();
  }

  @Post('orders/:orderId/open')
  openOrder(@Param() p: OrderParam): Promise<OrderSummary> {
    return this.orders.open(p.orderId);
  }

  @Get('jigs')
  slots() {
    return this.board.all();
  }

  /** Ask the jig which slots hold a device and queue one provisioning run for each. */
  @Post('jigs/:jigId/scan')
  async scan(@Param() p: JigParam, @Query() q: ScanQuery): Promise<{ jigId: string; slots: number[]; queued: number[]; absentPorts: string[] }> {
    const { slots, absentPorts } = await this.jigs.scan(p.jigId);
    const runId = Date.now().toString(36);
    const queued: number[] = [];
    const wanted = q.slot === undefined ? slots : slots.filter((s) => s === q.slot);
    for (const slot of wanted) {
      const phase = this.board.get(p.jigId, slot)?.phase;
      if (phase && !['idle', 'done', 'failed', 'refused', 'interrupted'].includes(phase)) continue; // already in hand
      this.board.set(p.jigId, slot, { phase: 'queued', attempts: 0, deviceSerial: undefined });
      if (await this.queue.enqueue({ jigId: p.jigId, slot }, runId)) queued.push(slot);
    }
    return { jigId: p.jigId, slots, queued, absentPorts };
  }

  /** Every configured jig port and whether its line is open (a pulled cable shows here). */
  @Get('jigs/ports')
  ports() {
    return this.jigs.ports();
  }

  @Get('refusals')
  listRefusals() {
    return this.refusals.list();
  }

  @Get('devices/:serial')
  async device(@Param() p: SerialParam) {
    const row = await this.issuance.findBySerial(p.serial);
    if (!row) throw new NotFoundException(`no birth certificate issued for ${p.serial}`);
    return { deviceSerial: p.serial, orderId: row.order_id, status: row.status, fingerprint: row.fingerprint, certificate: row.certificate ? toPem(row.certificate) : null };
  }
}
