import sqlite3 from 'sqlite3';

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
 * beside TypeORM's connection; busy_timeout serialises the two writers). Writes that arrive
 * while a transaction is being committed join the next one, so N concurrent issuances cost
 * one fsync instead of N. Statements are prepared once and reused.
 *
 * Each write is ONE SQL statement, which SQLite makes atomic by itself: a failing statement
 * undoes its own changes (triggers included) and leaves the transaction open, so one refused
 * write (quota exhausted, duplicate serial) fails alone while the rest of the batch commits.
 * A caller's promise resolves only after COMMIT returned: when its write is durable.
 */
export class GroupCommitWriter {
  private queue: Pending[] = [];
  private running = false;
  private readonly statements = new Map<string, sqlite3.Statement>();

  private constructor(private readonly db: sqlite3.Database, private readonly maxBatch: number) {}

  static async open(path: string, maxBatch = 256): Promise<GroupCommitWriter> {
    const db = await new Promise<sqlite3.Database>((resolve, reject) => {
      const d = new sqlite3.Database(path, (err) => (err ? reject(err) : resolve(d)));
    });
    db.configure('busyTimeout', 5000);
    db.serialize();
    const writer = new GroupCommitWriter(db, maxBatch);
    await writer.exec('PRAGMA journal_mode=WAL');
    await writer.exec('PRAGMA synchronous=FULL');
    await writer.exec('PRAGMA foreign_keys=ON');
    return writer;
  }

  write(sql: string, params: unknown[] = []): Promise<RunResult> {
    return new Promise<RunResult>((resolve, reject) => {
      this.queue.push({ sql, params, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => this.db.exec(sql, (err) => (err ? reject(err) : resolve())));
  }

  private run(p: Pending): Promise<RunResult> {
    let stmt = this.statements.get(p.sql);
    if (!stmt) {
      stmt = this.db.prepare(p.sql);
      this.statements.set(p.sql, stmt);
    }
    const s = stmt;
    return new Promise((resolve, reject) =>
      s.run(p.params, function (this: sqlite3.RunResult, err: Error | null) {
        if (err) reject(err);
        else resolve({ lastID: this.lastID, changes: this.changes });
      }),
    );
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length) await this.commitBatch(this.queue.splice(0, this.maxBatch));
    } finally {
      this.running = false;
    }
  }

  private async commitBatch(batch: Pending[]): Promise<void> {
    const results: Array<{ ok: true; value: RunResult } | { ok: false; error: unknown }> = [];
    try {
      // Queue the whole batch at once: the connection is in serialized mode, so sqlite3 runs
      // BEGIN, the statements and COMMIT in order without a main-thread round trip in between.
      const begin = this.exec('BEGIN IMMEDIATE');
      const runs = batch.map((p) =>
        this.run(p).then(
          (value) => ({ ok: true as const, value }),
          (error: unknown) => ({ ok: false as const, error }),
        ),
      );
      const commit = this.exec('COMMIT');
      await begin;
      results.push(...(await Promise.all(runs)));
      await commit;
    } catch (err) {
      await this.exec('ROLLBACK').catch(() => undefined);
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
    while (this.running) await new Promise((r) => setTimeout(r, 5));
    for (const s of this.statements.values()) await new Promise((r) => s.finalize(() => r(undefined)));
    this.statements.clear();
    await new Promise<void>((resolve) => this.db.close(() => resolve()));
  }
}
