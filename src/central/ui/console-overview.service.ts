import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { sql } from '../../common/database-dialect.js';
import { CENTRAL_CONFIG, CentralConfig } from '../../config/central-config.js';
import { ProductionOrderEntity } from '../database/entities.js';
import { StationActivityReader, type CountedRecord } from './station-activity.reader.js';
import { ChainStatusReader } from './chain-status.reader.js';
import { ConsoleAnomaliesService } from './console-anomalies.service.js';
import { activitySeries, type ActivityEvent } from './activity-series.js';
import type { ActivityDto, ConsoleOverviewDto, OrderSummaryDto, StationSummaryDto } from './console.dto.js';

type Counts = { issued: number; spoiled: number; enrolled: number; tamperAlarms: number };
const zero = (): Counts => ({ issued: 0, spoiled: 0, enrolled: 0, tamperAlarms: 0 });

/** The brand owner's overview: every order against its quota, every station and its audit chain. */
@Injectable()
export class ConsoleOverviewService {
  constructor(
    private readonly ds: DataSource,
    @Inject(CENTRAL_CONFIG) private readonly config: CentralConfig,
    private readonly activity: StationActivityReader,
    private readonly chains: ChainStatusReader,
    private readonly anomalies: ConsoleAnomaliesService,
  ) {}

  async overview(now = new Date()): Promise<ConsoleOverviewDto> {
    const orders = await this.ds.getRepository(ProductionOrderEntity).find({ order: { createdAt: 'ASC' } });
    const records = await this.activity.records();
    const enrollments = await this.activity.enrollments();
    const revokedOrders = new Set<string>(
      (await this.ds.query(sql(`SELECT DISTINCT order_id FROM device_revocation WHERE scope = 'order'`))).map((r: { order_id: string }) => r.order_id),
    );
    const byOrder = new Map<string, Counts>();
    const byStation = new Map<string, Counts>();
    const bump = (map: Map<string, Counts>, key: string | null, what: keyof Counts) => {
      if (!key) return;
      const c = map.get(key) ?? zero();
      c[what]++;
      map.set(key, c);
    };
    for (const r of records) {
      const what = counted(r);
      if (!what) continue;
      bump(byOrder, r.orderId, what);
      bump(byStation, r.stationId, what);
    }
    for (const e of enrollments) {
      bump(byOrder, e.orderId, 'enrolled');
      bump(byStation, e.stationId, 'enrolled');
    }
    const orderViews: OrderSummaryDto[] = orders.map((o) => {
      const c = byOrder.get(o.orderId) ?? zero();
      return { orderId: o.orderId, stationId: o.stationId, productModel: o.productModel, quota: o.quota, issued: c.issued, spoiled: c.spoiled, enrolled: c.enrolled, status: o.status, revoked: revokedOrders.has(o.orderId), notAfter: o.notAfter };
    });
    const stationIds = [...new Set([...this.config.stations.map((s) => s.stationId), ...orders.map((o) => o.stationId), ...records.map((r) => r.stationId)])].sort();
    const stations: StationSummaryDto[] = [];
    for (const stationId of stationIds) {
      const c = byStation.get(stationId) ?? zero();
      stations.push({ stationId, orders: orders.filter((o) => o.stationId === stationId).length, ...c, chain: await this.chains.status(stationId) });
    }
    const openAnomalies = (await this.anomalies.list()).filter((a) => a.open).length;
    return { orders: orderViews, stations, openAnomalies, generatedAt: now.toISOString() };
  }

  /** Cumulative issued / spoiled / enrolled / tamper alarms over time, for one order, one station, or all. */
  async activityOf(filter: { orderId?: string; stationId?: string }): Promise<ActivityDto> {
    const orders = await this.ds.getRepository(ProductionOrderEntity).find();
    const keep = (orderId: string | null, stationId: string) =>
      (!filter.orderId || orderId === filter.orderId) && (!filter.stationId || stationId === filter.stationId);
    const events: ActivityEvent[] = [];
    for (const r of await this.activity.records()) {
      const what = counted(r);
      if (what && keep(r.orderId, r.stationId)) events.push({ at: r.time, what });
    }
    for (const e of await this.activity.enrollments()) if (keep(e.orderId, e.stationId)) events.push({ at: e.at, what: 'enrolled' });
    const chosen = orders.filter((o) => keep(o.orderId, o.stationId));
    const quota = filter.orderId || filter.stationId ? chosen.reduce((n, o) => n + o.quota, 0) : null;
    return { ...activitySeries(events), quota: chosen.length ? quota : null };
  }
}

function counted(r: CountedRecord): keyof Counts | null {
  if (r.kind === 'issued') return 'issued';
  if (r.kind === 'spoiled') return 'spoiled';
  if (r.kind === 'tamper-alarm') return 'tamperAlarms';
  return null;
}
