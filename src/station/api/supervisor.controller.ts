import { Body, Controller, Get, Param, ParseIntPipe, Post, UseGuards } from '@nestjs/common';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { AlarmService, type AlarmView } from '../quota/alarm.service.js';
import { OrderLifecycle } from '../orders/order-lifecycle.js';
import { AuditLog } from '../audit/audit-log.js';
import { SupervisorGuard } from './supervisor.guard.js';
import { QuotaGuard } from '../quota/quota-guard.js';
import { StationOrdersService } from '../orders/station-orders.service.js';
import { fromPem } from '../../pki/pem.js';
import { InvalidInputError } from '../../common/domain-error.js';

class ClearAlarmDto {
  @Matches(/^[\p{L}\p{N} ._-]{1,64}$/u) supervisor: string;
  @IsString() @IsNotEmpty() @MaxLength(500) note: string;
}
class CancelOrderDto {
  @Matches(/^[\p{L}\p{N} ._-]{1,64}$/u) supervisor: string;
}
class ImportGrantDto {
  @Matches(/^[\p{L}\p{N} ._-]{1,64}$/u) supervisor: string;
  /** the grant file: PEM ("-----BEGIN QUOTA GRANT-----") or base64 DER */
  @IsString() @IsNotEmpty() @MaxLength(100_000) grant: string;
}
class OrderParam {
  @Matches(/^[A-Za-z0-9._-]{1,64}$/) orderId: string;
}

/** Alarms and events are visible to the line; clearing and cancelling are the supervisor's. */
@Controller('api')
export class SupervisorController {
  constructor(
    private readonly alarms: AlarmService,
    private readonly lifecycle: OrderLifecycle,
    private readonly events: AuditLog,
    private readonly guard: QuotaGuard,
    private readonly orders: StationOrdersService,
  ) {}

  @Get('alarms')
  async list(): Promise<{ locked: boolean; alarms: AlarmView[] }> {
    return { locked: this.alarms.locked, alarms: await this.alarms.list() };
  }

  @Post('alarms/:id/clear')
  @UseGuards(SupervisorGuard)
  async clear(@Param('id', ParseIntPipe) id: number, @Body() dto: ClearAlarmDto): Promise<AlarmView & { reconciled?: { before: number; after: number } }> {
    const alarm = await this.alarms.clear(id, dto.supervisor, dto.note);
    if (!alarm.orderId) return alarm;
    const reconciled = await this.guard.reconcile(alarm.orderId);
    await this.events.record('issuance-voided', {
      orderId: alarm.orderId,
      actor: dto.supervisor,
      detail: `counts reconciled upward after alarm ${id}: ${reconciled.before} -> ${reconciled.after}`,
    });
    return { ...alarm, reconciled };
  }

  @Post('orders/:orderId/cancel')
  @UseGuards(SupervisorGuard)
  async cancel(@Param() p: OrderParam, @Body() dto: CancelOrderDto): Promise<{ orderId: string; closed: boolean }> {
    return { orderId: p.orderId, closed: await this.lifecycle.close(p.orderId, 'cancelled', dto.supervisor) };
  }

  /** Offline delivery: a supervisor imports the grant file central issued for this station. */
  @Post('grants')
  @UseGuards(SupervisorGuard)
  importGrant(@Body() dto: ImportGrantDto) {
    const text = dto.grant.trim();
    let der: Buffer;
    try {
      der = text.startsWith('-----BEGIN') ? fromPem(text, 'QUOTA GRANT') : Buffer.from(text, 'base64');
    } catch {
      throw new InvalidInputError('grant: expected a "QUOTA GRANT" PEM block or base64 DER');
    }
    return this.orders.importGrant(der, 'file', dto.supervisor);
  }

  @Get('events')
  list_events() {
    return this.events.list();
  }
}
