import { Body, Controller, Get, Param, ParseIntPipe, Post, UseGuards } from '@nestjs/common';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { AlarmService, type AlarmView } from '../quota/alarm.service.js';
import { OrderLifecycle } from '../orders/order-lifecycle.js';
import { EventLog } from '../events/event-log.js';
import { SupervisorGuard } from './supervisor.guard.js';
import { QuotaGuard } from '../quota/quota-guard.js';

class ClearAlarmDto {
  @Matches(/^[\p{L}\p{N} ._-]{1,64}$/u) supervisor: string;
  @IsString() @IsNotEmpty() @MaxLength(500) note: string;
}
class CancelOrderDto {
  @Matches(/^[\p{L}\p{N} ._-]{1,64}$/u) supervisor: string;
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
    private readonly events: EventLog,
    private readonly guard: QuotaGuard,
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

  @Get('events')
  list_events() {
    return this.events.list();
  }
}
