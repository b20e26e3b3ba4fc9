import Database from 'better-sqlite3';

export interface RunResult {
  lastID: number;
  changes: number;
}

interface Pending {
  sql: string;
  params: unknown[];
  resolve: (v: RunResult) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit for the issuance hot path, on its own SQLite connection (WAL lets it write
 * beside TypeORM's connection; busy_timeout serialises the two writers). Writes requested in
 * the same event-loop turn are committed together in one transaction, so N concurrent
 * issuances cost one fsync instead of N. The connection is synchronous (better-sqlite3): a
 * batch runs without a thread hop per statement, which is what lets the station reach its
 * issuance rate on one core (docs/decisions/0002-hot-path-writer.md).
 *
 * Each write is ONE SQL statement, which SQLite makes atomic by itself: a failing statement
 * undoes its own changes (triggers included) and leaves the transaction open, so one refused
 * write (quota exhausted, duplicate serial) fails alone while the rest of the batch commits.
 * A caller's promise resolves only after COMMIT returned: when its write is durable.
 */
export class GroupCommitWriter {
  private queue: Pending[] = [];
  private scheduled = false;
  private closed = false;
  private readonly statements = new Map<string, Database.Statement>();

  private constructor(private readonly db: Database.Database) {}

  static async open(path: string): Promise<GroupCommitWriter> {
    const db = new Database(path, { timeout: 5000 });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    return new GroupCommitWriter(db);
  }

  write(sql: string, params: unknown[] = []): Promise<RunResult> {
    if (this.closed) return Promise.reject(new Error('issuance writer is closed'));
    return new Promise<RunResult>((resolve, reject) => {
      this.queue.push({ sql, params, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        process.nextTick(() => this.flush());
      }
    });
  }

  private statement(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    const results: Array<{ ok: true; value: RunResult } | { ok: false; error: unknown }> = [];
    try {
      this.db.exec('BEGIN IMMEDIATE');
      for (const p of batch) {
        try {
          const r = this.statement(p.sql).run(...p.params);
          results.push({ ok: true, value: { lastID: Number(r.lastInsertRowid), changes: r.changes } });
        } catch (error) {
          results.push({ ok: false, error });
        }
      }
      this.db.exec('COMMIT');
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      for (const p of batch) p.reject(err);
      return;
    }
    batch.forEach((p, i) => {
      const r = results[i];
      if (r.ok) p.resolve(r.value);
      else p.reject(r.error);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.statements.clear();
    this.db.close();
  }
}
