import { Controller, Get, Inject, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { ApiDefaultResponse, ApiOkResponse, ApiCreatedResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiErrorDto } from './dto/api-error.dto.js';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { Type } from 'class-transformer';
import { StationOrdersService } from '../orders/station-orders.service.js';
import { SlotBoard } from '../provisioning/slot-board.js';
import { JigManager } from '../provisioning/jig-manager.js';
import { PROVISIONING_QUEUE_PORT, type ProvisioningQueue } from '../provisioning/provisioning.queue.js';
import { IssuanceService } from '../issuance/issuance.service.js';
import { toPem } from '../../pki/pem.js';
import { RequiresRole } from '../auth/roles.js';
import { PanelService } from './panel.service.js';
import { LiveUpdates } from './live/live-updates.service.js';
import { DeviceDto, RefusalDto, ScanResultDto, SlotDto } from './dto/slot.dto.js';
import { OrderDto, StatusDto } from './dto/status.dto.js';

export class JigParam {
  @ApiProperty() @Matches(/^[A-Za-z0-9_-]{1,32}$/) jigId: string;
}
class ScanQuery {
  /** scan one slot only (an operator re-running a slot); absent: every occupied slot */
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(254) slot?: number;
}
class OrderParam {
  @ApiProperty() @Matches(/^[A-Za-z0-9._-]{1,64}$/) orderId: string;
}
class SerialParam {
  @ApiProperty() @IsOptional() @Matches(/^[A-Za-z0-9 '()+,\-./:=?]{1,64}$/) serial: string;
}

const IN_HAND = (phase: string | undefined) => phase !== undefined && !['idle', 'done', 'failed', 'refused', 'interrupted'].includes(phase);

/** The station's API: what the operator panel and line automation use. Operators and up. */
@ApiTags('station')
@ApiDefaultResponse({ type: ApiErrorDto, description: 'an error: status, code and message' })
@Controller('api')
export class StationController {
  constructor(
    private readonly orders: StationOrdersService,
    private readonly board: SlotBoard,
    private readonly jigs: JigManager,
    @Inject(PROVISIONING_QUEUE_PORT) private readonly queue: ProvisioningQueue,
    private readonly issuance: IssuanceService,
    private readonly panel: PanelService,
    private readonly live: LiveUpdates,
  ) {}

  @Get('status')
  @ApiOkResponse({ type: StatusDto })
  status(): Promise<StatusDto> {
    return this.panel.status();
  }

  @Get('orders')
  @ApiOkResponse({ type: [OrderDto] })
  listOrders(): Promise<OrderDto[]> {
    return this.orders.list();
  }

  /** Fetch this order's grant from central and open it (online delivery). */
  @Post('orders/:orderId/open')
  @RequiresRole('supervisor')
  @ApiCreatedResponse({ type: OrderDto })
  async openOrder(@Param() p: OrderParam): Promise<OrderDto> {
    const order = await this.orders.open(p.orderId);
    this.live.changed();
    return order;
  }

  @Get('jigs')
  @ApiOkResponse({ type: [SlotDto] })
  slots(): SlotDto[] {
    return this.panel.slots();
  }

  /** Ask the jig which slots hold a device and queue one provisioning run for each. */
  @Post('jigs/:jigId/scan')
  @ApiCreatedResponse({ type: ScanResultDto })
  async scan(@Param() p: JigParam, @Query() q: ScanQuery): Promise<ScanResultDto> {
    const { slots, absentPorts } = await this.jigs.scan(p.jigId);
    const runId = Date.now().toString(36);
    const queued: number[] = [];
    const wanted = q.slot === undefined ? slots : slots.filter((s) => s === q.slot);
    for (const slot of wanted) {
      if (IN_HAND(this.board.get(p.jigId, slot)?.phase)) continue;
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
  @ApiOkResponse({ type: [RefusalDto] })
  listRefusals(): Promise<RefusalDto[]> {
    return this.panel.refusalList();
  }

  @Get('devices/:serial')
  @ApiOkResponse({ type: DeviceDto })
  async device(@Param() p: SerialParam): Promise<DeviceDto> {
    const row = await this.issuance.findBySerial(p.serial);
    if (!row) throw new NotFoundException(`no birth certificate issued for ${p.serial}`);
    return { deviceSerial: p.serial, orderId: row.order_id, status: row.status, fingerprint: row.fingerprint, certificate: row.certificate ? toPem(row.certificate) : null };
  }
}
