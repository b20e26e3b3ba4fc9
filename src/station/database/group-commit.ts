import { Worker } from 'node:worker_threads';
import type { AuditFields } from '../../audit/audit-record.js';
import type { BatchReply, BatchRequest, OpResult, WriteOp } from './writer-worker.js';

export type { WriteOp };

export interface RunResult {
  lastID: number;
  changes: number;
  /** the row of a statement with RETURNING */
  row?: Record<string, unknown>;
  /** an audit append's place in the chain */
  audit?: { seq: number; hash: string };
}

/** A statement the writer ran and SQLite refused (constraint, trigger RAISE): it failed alone. */
export class WriteRefusedError extends Error {
  constructor(message: string, readonly sqliteCode?: string) {
    super(message);
  }
}

interface Pending {
  ops: WriteOp[];
  sync: boolean;
  resolve: (v: OpResult[]) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit for the issuance hot path (docs/decisions/0002-hot-path-writer.md).
 *
 * A worker thread owns a second connection to the station database (the same better-sqlite3
 * library as TypeORM's, so SQLite's locks stay coherent) and commits one batch at a time. While
 * a batch is being committed, new writes queue here and leave together as the next batch: N
 * concurrent issuances cost one fsync, and the fsync never blocks the event loop.
 *
 * A batch commits its unsynced writes first, in their own transaction, then its synced ones
 * (writer-worker.ts), so a write that needs no fsync never waits for another's.
 *
 * Durability per write: `sync: true` (the default) resolves after an fsync (synchronous=FULL):
 * it survives power loss. `sync: false` resolves after a WAL commit without fsync
 * (synchronous=NORMAL): it survives the process being killed, and becomes power-safe with the
 * next synced commit, since the WAL is synced in order. The issuance reservation uses it: after
 * a power loss it can only be missing together with the certificate commit that follows it, and
 * no certificate leaves the station before that commit.
 *
 * Each write is ONE SQL statement, which SQLite makes atomic by itself: a failing statement
 * undoes its own changes (triggers included) and leaves the transaction open, so one refused
 * write (quota exhausted, duplicate serial) fails alone while the rest of the batch commits.
 * A caller's promise resolves only after COMMIT returned: when its write is durable.
 */
export class GroupCommitWriter {
  private queue: Pending[] = [];
  private inFlight: { id: number; batch: Pending[] } | null = null;
  private nextId = 1;
  private closed = false;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (msg: BatchReply | string) => {
      if (typeof msg !== 'string') this.settle(msg);
    });
    worker.on('error', (err) => this.failAll(err));
  }

  static async open(path: string): Promise<GroupCommitWriter> {
    const worker = new Worker(new URL('./writer-worker.js', import.meta.url), { workerData: { path } });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', (m) => (m === 'ready' ? resolve() : reject(new Error(`writer worker said ${String(m)}`))));
      worker.once('error', reject);
    });
    return new GroupCommitWriter(worker);
  }

  write(sql: string, params: unknown[] = [], options: { sync?: boolean } = {}): Promise<RunResult> {
    return this.group([{ sql, params }], options).then(([r]) => r);
  }

  /** Append an audit record to the hash chain (chained in commit order by the writer's thread). */
  audit(fields: AuditFields, options: { sync?: boolean } = {}): Promise<RunResult> {
    return this.group([{ audit: fields }], options).then(([r]) => r);
  }

  /** Several writes that commit together or not at all (a savepoint in the batch). */
  group(ops: WriteOp[], options: { sync?: boolean } = {}): Promise<RunResult[]> {
    if (this.closed) return Promise.reject(new Error('issuance writer is closed'));
    return new Promise<RunResult[]>((resolve, reject) => {
      this.queue.push({ ops, sync: options.sync ?? true, resolve, reject });
      if (!this.inFlight) this.send();
    });
  }

  private send(): void {
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    const id = this.nextId++;
    this.inFlight = { id, batch };
    this.worker.postMessage({ id, sync: batch.map((p) => p.sync), groups: batch.map((p) => p.ops) } satisfies BatchRequest);
  }

  private settle(reply: BatchReply): void {
    const flight = this.inFlight;
    if (!flight || flight.id !== reply.id) return;
    if ('fatal' in reply) {
      for (const i of reply.indexes) flight.batch[i].reject(new Error(`issuance write failed, its transaction rolled back: ${reply.fatal}`));
    } else {
      reply.indexes.forEach((i, k) => {
        const r = reply.results[k];
        if (r.ok) flight.batch[i].resolve(r.results);
        else flight.batch[i].reject(new WriteRefusedError(r.message, r.code));
      });
    }
    if (reply.last) {
      this.inFlight = null;
      this.send();
    }
  }

  private failAll(err: unknown): void {
    const pending = [...(this.inFlight?.batch ?? []), ...this.queue];
    this.inFlight = null;
    this.queue = [];
    for (const p of pending) p.reject(err);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.inFlight || this.queue.length) await new Promise((r) => setTimeout(r, 2));
    await new Promise<void>((resolve) => {
      this.worker.once('message', () => resolve());
      this.worker.postMessage('close');
    });
    await this.worker.terminate();
  }
}
