import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { WriteRunner } from './write-runner.js';
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

/** Synced writes closer together than this go to the writer thread, to be group-committed there. */
const INLINE_SYNC_GAP_MS = 2;
/**
 * The event loop's connection never checkpoints the WAL itself (that would block the event
 * loop); after this many commits there, the writer thread checkpoints it, as a batch of its own
 * (nothing commits on the event loop meanwhile), so the checkpoint catches up with the log and
 * the next commit starts the WAL over (sqlite.org/wal.html §1.4) instead of growing it without
 * bound on a line whose writes all commit on the event loop.
 */
const INLINE_COMMITS_PER_CHECKPOINT = 64;

/**
 * Group commit for the issuance hot path (docs/decisions/0002-hot-path-writer.md).
 *
 * A worker thread owns a second connection to the station database (the same better-sqlite3
 * library as TypeORM's, so SQLite's locks stay coherent) and commits one batch at a time. While
 * a batch is being committed, new writes queue here and leave together as the next batch: N
 * concurrent issuances cost one fsync, and that fsync does not block the event loop (but see
 * the shortcut below for a writer thread that is idle).
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
 *
 * While the writer thread is idle, a write commits at once on this thread's own connection
 * instead: two thread hand-offs cost 0.1–0.3 ms each on a quiet virtual machine (`npm run
 * bench:machine`), more than the commit itself (an unsynced one ~50 µs, a synced one adds the
 * fsync, ~0.2 ms). The writer thread touches the database only when this class sends it a
 * batch, so "idle" means no other writer of this process is in the database; when the database
 * is busy anyway (another process, a TypeORM transaction), nothing waits on this thread: the
 * write goes to the writer thread. A synced write is taken here only if the last one taken here
 * is at least INLINE_SYNC_GAP_MS old: under load the writes go to the writer thread, where they
 * form batches with one fsync each and no fsync blocks the event loop.
 */
export class GroupCommitWriter {
  private lastInlineSync = -Infinity;
  private inlineSinceCheckpoint = 0;
  private queue: Pending[] = [];
  private inFlight: { id: number; batch: Pending[] } | null = null;
  private nextId = 1;
  private closed = false;

  private constructor(
    private readonly worker: Worker,
    /** this thread's own connection, used while the writer thread is idle */
    private readonly inline: { db: Database.Database; runner: WriteRunner } | null,
  ) {
    worker.on('message', (msg: BatchReply | string) => {
      if (typeof msg !== 'string') this.settle(msg);
    });
    worker.on('error', (err) => this.failAll(err));
  }

  static async open(path: string, options: { inline?: boolean } = {}): Promise<GroupCommitWriter> {
    const worker = new Worker(new URL('./writer-worker.js', import.meta.url), { workerData: { path } });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', (m) => (m === 'ready' ? resolve() : reject(new Error(`writer worker said ${String(m)}`))));
      worker.once('error', reject);
    });
    let inline: { db: Database.Database; runner: WriteRunner } | null = null;
    if (options.inline ?? true) {
      // never wait for a lock on this thread: a busy database sends the write to the worker
      const db = new Database(path, { timeout: 0 });
      db.pragma('journal_mode = WAL');
      db.pragma('foreign_keys = ON');
      // WAL checkpoints stay with the writer thread's commits, off the event loop
      db.pragma('wal_autocheckpoint = 0');
      inline = { db, runner: new WriteRunner(db) };
    }
    return new GroupCommitWriter(worker, inline);
  }

  write(sql: string, params: unknown[] = [], options: { sync?: boolean } = {}): Promise<RunResult> {
    return this.group([{ sql, params }], options).then(([r]) => r);
  }

  /** Append an audit record to the hash chain (chained in commit order: write-runner.ts). */
  audit(fields: AuditFields, options: { sync?: boolean } = {}): Promise<RunResult> {
    return this.group([{ audit: fields }], options).then(([r]) => r);
  }

  /** Several writes that commit together or not at all (a savepoint in the batch). */
  group(ops: WriteOp[], options: { sync?: boolean } = {}): Promise<RunResult[]> {
    if (this.closed) return Promise.reject(new Error('issuance writer is closed'));
    const sync = options.sync ?? true;
    if (this.inline && !this.inFlight && this.queue.length === 0 && (!sync || performance.now() - this.lastInlineSync >= INLINE_SYNC_GAP_MS)) {
      const done = this.commitInline(this.inline.runner, ops, sync);
      if (done) {
        if (sync) this.lastInlineSync = performance.now();
        if (++this.inlineSinceCheckpoint >= INLINE_COMMITS_PER_CHECKPOINT) {
          this.inlineSinceCheckpoint = 0;
          this.checkpoint();
        }
        return done;
      }
    }
    return new Promise<RunResult[]>((resolve, reject) => {
      this.queue.push({ ops, sync: options.sync ?? true, resolve, reject });
      if (!this.inFlight) this.send();
    });
  }

  /** One group in its own transaction on this thread; null when the database is busy (the worker takes it). */
  private commitInline(runner: WriteRunner, ops: WriteOp[], sync: boolean): Promise<RunResult[]> | null {
    let result;
    try {
      [result] = runner.commit([ops], sync);
    } catch (err) {
      if (/^SQLITE_(BUSY|LOCKED)/.test(String((err as { code?: unknown }).code ?? ''))) return null;
      return Promise.reject(new Error(`issuance write failed, its transaction rolled back: ${(err as Error).message}`));
    }
    return result.ok ? Promise.resolve(result.results) : Promise.reject(new WriteRefusedError(result.message, result.code));
  }

  /** A checkpoint as the writer thread's next batch (called while it is idle). */
  private checkpoint(): void {
    if (this.inFlight || this.closed) return;
    const id = this.nextId++;
    this.inFlight = { id, batch: [] };
    this.worker.postMessage({ id, groups: [], sync: [], checkpoint: true } satisfies BatchRequest);
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
    this.inline?.db.close();
  }
}
