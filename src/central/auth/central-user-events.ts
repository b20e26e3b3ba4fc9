import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { sql } from '../../common/database-dialect.js';

export type UserEventKind = 'login' | 'login-failed' | 'logout' | 'user-changed' | 'revoke-device' | 'revoke-order';

export interface UserEvent {
  userName: string;
  kind: UserEventKind;
  outcome?: 'ok' | 'refused';
  address?: string | null;
  detail: string;
}

/**
 * What people did on central (sign-ins, failed sign-ins, sign-outs, account changes,
 * revocations), appended to central_user_event and never changed: central signs no audit chain
 * of its own, so this table is the record the brand owner reads.
 */
@Injectable()
export class CentralUserEvents {
  /** the clock; tests move it */
  now: () => Date = () => new Date();

  constructor(private readonly ds: DataSource) {}

  async record(e: UserEvent): Promise<void> {
    await this.ds.query(sql(`INSERT INTO central_user_event (at, user_name, kind, outcome, address, detail) VALUES (?, ?, ?, ?, ?, ?)`), [
      this.now().toISOString(),
      e.userName,
      e.kind,
      e.outcome ?? 'ok',
      e.address ?? null,
      e.detail,
    ]);
  }

  async latest(limit = 200): Promise<Array<{ id: number; at: string; userName: string; kind: string; outcome: string; address: string | null; detail: string }>> {
    const rows: Array<Record<string, unknown>> = await this.ds.query(
      sql(`SELECT id, at, user_name, kind, outcome, address, detail FROM central_user_event ORDER BY id DESC LIMIT ?`),
      [limit],
    );
    return rows.map((r) => ({ id: Number(r.id), at: String(r.at), userName: String(r.user_name), kind: String(r.kind), outcome: String(r.outcome), address: (r.address as string | null) ?? null, detail: String(r.detail) }));
  }
}
