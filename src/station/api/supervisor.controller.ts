import { Body, ConflictException, Controller, Get, Inject, Param, Post } from '@nestjs/common';
import { ApiDefaultResponse, ApiCreatedResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiErrorDto } from './dto/api-error.dto.js';
import { IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { Type } from 'class-transformer';
import { AlarmService } from '../quota/alarm.service.js';
import { OrderLifecycle } from '../orders/order-lifecycle.js';
import { AuditLog } from '../audit/audit-log.js';
import { QuotaGuard } from '../quota/quota-guard.js';
import { StationOrdersService } from '../orders/station-orders.service.js';
import { SlotBoard } from '../provisioning/slot-board.js';
import { PROVISIONING_QUEUE_PORT, type ProvisioningQueue } from '../provisioning/provisioning.queue.js';
import { fromPem } from '../../pki/pem.js';
import { InvalidInputError } from '../../common/domain-error.js';
import { RequiresRole, type Principal } from '../auth/roles.js';
import { CurrentPrincipal, actorOf } from '../auth/current-principal.js';
import { LiveUpdates } from './live/live-updates.service.js';
import { withAction } from './panel.service.js';
import { AlarmsDto, ClearedAlarmDto } from './dto/alarm.dto.js';
import { CancelResultDto, OrderDto, ShiftDto } from './dto/status.dto.js';
import { LineMetrics } from '../provisioning/line-metrics.js';
import { AuditRecordDto } from './dto/audit.dto.js';
import { SlotDto } from './dto/slot.dto.js';

const PERSON = /^[\p{L}\p{N} ._-]{1,64}$/u;

class ClearAlarmDto {
  /** for an automation token: the person it acts for (a signed-in supervisor is recorded by name) */
  @ApiPropertyOptional() @IsOptional() @Matches(PERSON) supervisor?: string;
  @ApiProperty({ description: 'why the alarm may be cleared: recorded in the audit log' }) @IsString() @IsNotEmpty() @MaxLength(500) note: string;
}
class CancelOrderDto {
  @ApiPropertyOptional() @IsOptional() @Matches(PERSON) supervisor?: string;
}
class ImportGrantDto {
  @ApiPropertyOptional() @IsOptional() @Matches(PERSON) supervisor?: string;
  /** the grant file: PEM ("-----BEGIN QUOTA GRANT-----") or base64 DER */
  @ApiProperty({ description: 'the grant file: PEM ("-----BEGIN QUOTA GRANT-----") or base64 DER' }) @IsString() @IsNotEmpty() @MaxLength(100_000) grant: string;
}
class NewShiftDto {
  @ApiPropertyOptional() @IsOptional() @Matches(PERSON) supervisor?: string;
}
class OrderParam {
  @ApiProperty() @Matches(/^[A-Za-z0-9._-]{1,64}$/) orderId: string;
}
class AlarmParam {
  @ApiProperty() @Type(() => Number) @IsInt() @Min(1) id: number;
}
class SlotParam {
  @ApiProperty() @Matches(/^[A-Za-z0-9_-]{1,32}$/) jigId: string;
  @ApiProperty() @Type(() => Number) @IsInt() @Min(0) @Max(254) slot: number;
}

/** Alarms and events are visible to the line; clearing, cancelling, importing and re-running are the supervisor's. */
@ApiTags('supervisor')
@ApiDefaultResponse({ type: ApiErrorDto, description: 'an error: status, code and message' })
@Controller('api')
export class SupervisorController {
  constructor(
    private readonly alarms: AlarmService,
    private readonly lifecycle: OrderLifecycle,
    private readonly events: AuditLog,
    private readonly guard: QuotaGuard,
    private readonly orders: StationOrdersService,
    private readonly board: SlotBoard,
    @Inject(PROVISIONING_QUEUE_PORT) private readonly queue: ProvisioningQueue,
    private readonly live: LiveUpdates,
    private readonly metrics: LineMetrics,
  ) {}

  @Get('alarms')
  @ApiOkResponse({ type: AlarmsDto })
  async list(): Promise<AlarmsDto> {
    return { locked: this.alarms.locked, alarms: await this.alarms.list() };
  }

  @Post('alarms/:id/clear')
  @RequiresRole('supervisor')
  @ApiCreatedResponse({ type: ClearedAlarmDto })
  async clear(@Param() p: AlarmParam, @Body() dto: ClearAlarmDto, @CurrentPrincipal() who: Principal): Promise<ClearedAlarmDto> {
    const actor = actorOf(who, dto.supervisor);
    const alarm = await this.alarms.clear(p.id, actor, dto.note);
    this.live.changed();
    if (!alarm.orderId) return alarm;
    const reconciled = await this.guard.reconcile(alarm.orderId);
    await this.events.record('issuance-voided', {
      orderId: alarm.orderId,
      actor,
      detail: `counts reconciled upward after alarm ${p.id}: ${reconciled.before} -> ${reconciled.after}`,
    });
    return { ...alarm, reconciled };
  }

  @Post('orders/:orderId/cancel')
  @RequiresRole('supervisor')
  @ApiCreatedResponse({ type: CancelResultDto })
  async cancel(@Param() p: OrderParam, @Body() dto: CancelOrderDto, @CurrentPrincipal() who: Principal): Promise<CancelResultDto> {
    const closed = await this.lifecycle.close(p.orderId, 'cancelled', actorOf(who, dto.supervisor));
    this.live.changed();
    return { orderId: p.orderId, closed };
  }

  /** Offline delivery: a supervisor imports the grant file central issued for this station. */
  @Post('grants')
  @RequiresRole('supervisor')
  @ApiCreatedResponse({ type: OrderDto })
  async importGrant(@Body() dto: ImportGrantDto, @CurrentPrincipal() who: Principal): Promise<OrderDto> {
    const text = dto.grant.trim();
    let der: Buffer;
    try {
      der = text.startsWith('-----BEGIN') ? fromPem(text, 'QUOTA GRANT') : Buffer.from(text, 'base64');
    } catch {
      throw new InvalidInputError('grant: expected a "QUOTA GRANT" PEM block or base64 DER');
    }
    const order = await this.orders.importGrant(der, 'file', actorOf(who, dto.supervisor));
    this.live.changed();
    return order;
  }

  /** Run a failed or refused slot again (after the device was reseated or the cause fixed). */
  @Post('jigs/:jigId/slots/:slot/rerun')
  @RequiresRole('supervisor')
  @ApiCreatedResponse({ type: SlotDto })
  async rerun(@Param() p: SlotParam, @CurrentPrincipal() who: Principal): Promise<SlotDto> {
    const current = this.board.get(p.jigId, p.slot);
    if (!current || !['failed', 'refused'].includes(current.phase)) {
      throw new ConflictException(`jig ${p.jigId} slot ${p.slot} is ${current?.phase ?? 'unknown'}: only a failed or refused slot is re-run`);
    }
    await this.events.record('device-rerun', {
      actor: who.name,
      deviceSerial: current.deviceSerial,
      detail: `jig ${p.jigId} slot ${p.slot} re-run after ${current.code ?? current.phase}`,
    });
    const next = this.board.set(p.jigId, p.slot, { phase: 'queued', attempts: 0 });
    await this.queue.enqueue({ jigId: p.jigId, slot: p.slot }, `rerun-${Date.now().toString(36)}`);
    return withAction({ ...next, progress: 0 });
  }

  /** Start a new shift: the panel's counters start from zero; the shift that ended is audited. */
  @Post('shift')
  @RequiresRole('supervisor')
  @ApiCreatedResponse({ type: ShiftDto, description: 'the shift that ended' })
  async newShift(@Body() dto: NewShiftDto, @CurrentPrincipal() who: Principal): Promise<ShiftDto> {
    const ended = this.metrics.reset();
    const t = ended.stationMsPerDevice;
    await this.events.record('shift-started', {
      actor: actorOf(who, dto.supervisor),
      detail: `shift ended: ${ended.provisioned} provisioned (${ended.reused} again with the same certificate), refused ${JSON.stringify(ended.refused)}, failed ${JSON.stringify(ended.failed)}; station time per device p50 ${t.p50?.toFixed(2) ?? '-'} ms, p99 ${t.p99?.toFixed(2) ?? '-'} ms`,
    });
    this.live.changed();
    return ended;
  }

  @Get('events')
  @ApiOkResponse({ type: [AuditRecordDto] })
  listEvents(): Promise<AuditRecordDto[]> {
    return this.events.list();
  }
}
