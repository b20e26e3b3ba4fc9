import { Inject, Injectable } from '@nestjs/common';
import { STATION_CONFIG, StationConfig } from '../../config/station-config.js';
import { StationOrdersService } from '../orders/station-orders.service.js';
import { SlotBoard } from '../provisioning/slot-board.js';
import { LineMetrics } from '../provisioning/line-metrics.js';
import { RefusalLog } from '../provisioning/refusal-log.js';
import { AlarmService } from '../quota/alarm.service.js';
import { AuditSyncService } from '../audit/audit-sync.service.js';
import { operatorAction } from './operator-guidance.js';
import type { SlotDto, RefusalDto } from './dto/slot.dto.js';
import type { StatusDto } from './dto/status.dto.js';
import type { PanelDto } from './dto/panel.dto.js';

/** below this share of its quota left, an order is shown as running low */
export const LOW_QUOTA_SHARE = 0.1;

/** Reads the station's state into the shapes the API and the panel use. */
@Injectable()
export class PanelService {
  constructor(
    @Inject(STATION_CONFIG) private readonly config: StationConfig,
    private readonly orders: StationOrdersService,
    private readonly board: SlotBoard,
    private readonly metrics: LineMetrics,
    private readonly refusals: RefusalLog,
    private readonly alarms: AlarmService,
    private readonly sync: AuditSyncService,
  ) {}

  slots(): SlotDto[] {
    return this.board.all().map(withAction);
  }

  async status(): Promise<StatusDto> {
    return { stationId: this.config.stationId, orders: await this.orders.list(), slots: this.slots(), shift: this.metrics.snapshot() };
  }

  async refusalList(limit = 200): Promise<RefusalDto[]> {
    return (await this.refusals.list(limit)).map((r) => ({ ...r, action: operatorAction(r.code)! }));
  }

  async panel(): Promise<PanelDto> {
    const [status, alarms, audit, refusals] = await Promise.all([this.status(), this.alarms.list(), this.sync.state(), this.refusalList(10)]);
    const jigs = this.config.jigs.map((j) => ({ id: j.id, product: j.product }));
    return { status, jigs, alarms: { locked: this.alarms.locked, alarms }, audit, refusals, lowQuotaShare: LOW_QUOTA_SHARE };
  }
}

export function withAction<T extends { phase: string; code?: string }>(s: T): T & { action?: string } {
  return ['failed', 'refused', 'retrying'].includes(s.phase) ? { ...s, action: operatorAction(s.code) } : s;
}
