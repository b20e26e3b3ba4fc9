import type { DataSource, QueryRunner } from 'typeorm';

export type WriteOp<T> = (q: QueryRunner) => Promise<T>;

interface Pending {
  op: WriteOp<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit over one SQLite connection: writes that arrive while a transaction is being
 * committed join the next one, so N concurrent issuances cost one fsync instead of N. Each op
 * runs inside its own SAVEPOINT: an op that throws (quota exhausted, duplicate serial) is rolled
 * back alone and its caller gets the error; the others still commit. A caller's promise
 * resolves only after COMMIT returned, i.e. when its write is durable.
 */
export class GroupCommitWriter {
  private queue: Pending[] = [];
  private running = false;
  private runner: QueryRunner | null = null;

  constructor(private readonly ds: DataSource, private readonly maxBatch = 256) {}

  write<T>(op: WriteOp<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ op, resolve: resolve as (v: unknown) => void, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      this.runner ??= this.ds.createQueryRunner();
      while (this.queue.length) {
        const batch = this.queue.splice(0, this.maxBatch);
        await this.commitBatch(this.runner, batch);
      }
    } finally {
      this.running = false;
    }
  }

  private async commitBatch(q: QueryRunner, batch: Pending[]): Promise<void> {
    const results: Array<{ ok: boolean; value: unknown }> = [];
    try {
      await q.query('BEGIN IMMEDIATE');
      for (const p of batch) {
        await q.query('SAVEPOINT op');
        try {
          results.push({ ok: true, value: await p.op(q) });
          await q.query('RELEASE op');
        } catch (err) {
          await q.query('ROLLBACK TO op');
          await q.query('RELEASE op');
          results.push({ ok: false, value: err });
        }
      }
      await q.query('COMMIT');
    } catch (err) {
      await q.query('ROLLBACK').catch(() => undefined);
      for (const p of batch) p.reject(err);
      return;
    }
    batch.forEach((p, i) => (results[i].ok ? p.resolve(results[i].value) : p.reject(results[i].value)));
  }

  async close(): Promise<void> {
    while (this.running) await new Promise((r) => setTimeout(r, 5));
    await this.runner?.release();
    this.runner = null;
  }
}
