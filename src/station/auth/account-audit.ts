import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditLog } from '../audit/audit-log.js';
import { GroupCommitWriter } from '../database/group-commit.js';

/**
 * Enters account changes (made by the CLI, which may not append to the audit chain itself)
 * into the chain: each change's record and its "audited" mark commit together, so a change is
 * recorded exactly once.
 */
@Injectable()
export class AccountAudit implements OnApplicationBootstrap {
  /** one run at a time: two logins at once must not record the same change twice */
  private running: Promise<number> = Promise.resolve(0);

  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditLog,
    private readonly writer: GroupCommitWriter,
  ) {}

  /** At start: record CLI changes made while the station was stopped; say how to add the first user. */
  async onApplicationBootstrap(): Promise<void> {
    await this.recordPending();
    const [{ n }] = await this.ds.query(`SELECT COUNT(*) AS n FROM station_user WHERE disabled = 0`);
    if (Number(n) === 0) {
      Logger.warn('no user accounts yet: add a supervisor with `npm run station:user -- add NAME --role supervisor` (docs/ui.md)', 'Auth');
    }
  }

  recordPending(): Promise<number> {
    this.running = this.running.catch(() => 0).then(() => this.run());
    return this.running;
  }

  private async run(): Promise<number> {
    const rows: Array<{ id: number; user: string; change: string; actor: string; at: string }> = await this.ds.query(
      `SELECT id, user_name AS user, change, actor, at FROM station_user_change WHERE audited = 0 ORDER BY id`,
    );
    for (const r of rows) {
      await this.writer.group([
        this.audit.op('user-changed', { actor: r.actor, detail: `user ${r.user} ${r.change} at ${r.at}` }),
        { sql: `UPDATE station_user_change SET audited = 1 WHERE id = ? AND audited = 0`, params: [r.id] },
      ]);
    }
    return rows.length;
  }
}
