import { Injectable, Logger } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import { AlarmEntity } from '../database/entities.js';
import { AuditLog } from '../audit/audit-log.js';
import { AlarmNotFoundError } from './quota.errors.js';

export type AlarmKind = 'counter-edited' | 'hsm-counter-missing' | 'hsm-behind-database' | 'database-behind-hsm' | 'count-sequence-broken';

export interface AlarmView {
  id: number;
  kind: string;
  orderId: string | null;
  detail: string;
  raisedAt: string;
  clearedAt: string | null;
  clearedBy: string | null;
  clearNote: string | null;
}

/**
 * Tamper alarms (system.md §4.1): raising one locks issuance on this station; only a supervisor
 * clears it, and both are recorded as events.
 */
@Injectable()
export class AlarmService {
  private readonly log = new Logger(AlarmService.name);
  private openAlarms: AlarmView[] = [];

  constructor(
    private readonly ds: DataSource,
    private readonly events: AuditLog,
  ) {}

  async load(): Promise<void> {
    this.openAlarms = (await this.ds.getRepository(AlarmEntity).find({ where: { clearedAt: IsNull() }, order: { id: 'ASC' } })).map(view);
  }

  get locked(): boolean {
    return this.openAlarms.length > 0;
  }

  get open(): AlarmView[] {
    return [...this.openAlarms];
  }

  async raise(kind: AlarmKind, orderId: string | null, detail: string): Promise<void> {
    // one open alarm per kind and order is enough to lock; repeats add nothing
    if (this.openAlarms.some((a) => a.kind === kind && a.orderId === orderId)) return;
    const row = await this.ds.getRepository(AlarmEntity).save({
      kind,
      orderId,
      detail,
      raisedAt: new Date().toISOString(),
      clearedAt: null,
      clearedBy: null,
      clearNote: null,
    });
    this.openAlarms.push(view(row));
    await this.events.record('alarm-raised', { orderId: orderId ?? undefined, actor: 'station', detail: `${kind}: ${detail}` });
    this.log.error(`TAMPER ALARM ${kind}${orderId ? ` on order ${orderId}` : ''}: ${detail} — issuance locked until a supervisor clears it`);
  }

  async clear(id: number, supervisor: string, note: string): Promise<AlarmView> {
    const repo = this.ds.getRepository(AlarmEntity);
    const row = await repo.findOneBy({ id });
    if (!row || row.clearedAt) throw new AlarmNotFoundError(`no open alarm ${id}`);
    row.clearedAt = new Date().toISOString();
    row.clearedBy = supervisor;
    row.clearNote = note;
    await repo.save(row);
    this.openAlarms = this.openAlarms.filter((a) => a.id !== id);
    await this.events.record('alarm-cleared', { orderId: row.orderId ?? undefined, actor: supervisor, detail: `alarm ${id} (${row.kind}) cleared: ${note}` });
    return view(row);
  }

  async list(): Promise<AlarmView[]> {
    return (await this.ds.getRepository(AlarmEntity).find({ order: { id: 'DESC' }, take: 200 })).map(view);
  }
}

function view(a: AlarmEntity): AlarmView {
  return { id: a.id, kind: a.kind, orderId: a.orderId, detail: a.detail, raisedAt: a.raisedAt, clearedAt: a.clearedAt, clearedBy: a.clearedBy, clearNote: a.clearNote };
}
