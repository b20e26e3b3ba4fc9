/**
 * The group-commit writer's thread: owns one better-sqlite3 connection and commits each batch
 * it is sent as one transaction (see group-commit.ts). Runs in a worker so that COMMIT's fsync
 * blocks this thread, not the event loop that verifies CSRs and signs.
 *
 * Audit records are chained here to the head read inside each transaction (write-runner.ts), so
 * the chain follows commit order whichever connection appended last.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { WriteRunner, type GroupResult, type OpResult, type WriteOp } from './write-runner.js';

export type { GroupResult, OpResult, WriteOp };

export interface BatchRequest {
  id: number;
  /** each entry is a group of ops that commit or fail together (most groups hold one op) */
  groups: WriteOp[][];
  /** per group: must its commit be fsynced (synchronous=FULL)? */
  sync: boolean[];
  /** no groups: checkpoint the WAL (what the event loop's own connection committed) */
  checkpoint?: boolean;
}
/** Replies name the groups they settle by index: the unsynced part of a batch is answered first. */
export type BatchReply = { id: number; indexes: number[]; results: GroupResult[]; last: boolean } | { id: number; indexes: number[]; fatal: string; last: boolean };

const db = new Database((workerData as { path: string }).path, { timeout: 5000 });
db.pragma('journal_mode = WAL');
db.pragma('foreign_keys = ON');
const runner = new WriteRunner(db);

/** One transaction over some groups of a batch, committed with or without fsync. */
function commitPart(id: number, groups: WriteOp[][], indexes: number[], sync: boolean, last: boolean): void {
  if (indexes.length === 0) {
    if (last) parentPort!.postMessage({ id, indexes, results: [], last } satisfies BatchReply);
    return;
  }
  try {
    const results = runner.commit(indexes.map((i) => groups[i]), sync);
    parentPort!.postMessage({ id, indexes, results, last } satisfies BatchReply);
  } catch (err) {
    parentPort!.postMessage({ id, indexes, fatal: (err as Error).message, last } satisfies BatchReply);
  }
}

/**
 * A batch commits in two transactions: first the groups that need no fsync (reservations,
 * status marks), answered at once, then the groups that do (certificates with their audit
 * records). So a reservation never waits for another device's fsync. Reordering is safe: a
 * certificate's commit depends only on its own reservation, committed in an earlier batch.
 */
parentPort!.on('message', (msg: BatchRequest | 'close') => {
  if (msg !== 'close' && msg.checkpoint) {
    // what the event loop's connection committed, copied into the database file (group-commit.ts)
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // a checkpoint that could not run now is harmless: the next one catches up
    }
    parentPort!.postMessage({ id: msg.id, indexes: [], results: [], last: true } satisfies BatchReply);
    return;
  }
  if (msg === 'close') {
    db.close();
    parentPort!.postMessage('closed');
    return;
  }
  const unsynced = msg.groups.map((_, i) => i).filter((i) => !msg.sync[i]);
  const synced = msg.groups.map((_, i) => i).filter((i) => msg.sync[i]);
  commitPart(msg.id, msg.groups, unsynced, false, synced.length === 0);
  if (synced.length) commitPart(msg.id, msg.groups, synced, true, true);
});
parentPort!.postMessage('ready');
