/**
 * The group-commit writer's thread: owns one better-sqlite3 connection and commits each batch
 * it is sent as one transaction (see group-commit.ts). Runs in a worker so that COMMIT's fsync
 * blocks this thread, not the event loop that verifies CSRs and signs.
 *
 * It also keeps the head of the audit hash chain: audit records are chained here, in commit
 * order, and the head is re-read from the database whenever a batch rolls back, so a failed
 * batch can never leave a fork in the chain.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { chainRecord, GENESIS_HASH, type AuditFields, type AuditRecord } from '../../audit/audit-record.js';

export type WriteOp = { sql: string; params: unknown[] } | { audit: AuditFields };

export interface BatchRequest {
  id: number;
  /** each entry is a group of ops that commit or fail together (most groups hold one op) */
  groups: WriteOp[][];
  /** per group: must its commit be fsynced (synchronous=FULL)? */
  sync: boolean[];
}
export type OpResult = { lastID: number; changes: number; row?: Record<string, unknown>; audit?: { seq: number; hash: string } };
export type GroupResult = { ok: true; results: OpResult[] } | { ok: false; message: string; code?: string };
/** Replies name the groups they settle by index: the unsynced part of a batch is answered first. */
export type BatchReply = { id: number; indexes: number[]; results: GroupResult[]; last: boolean } | { id: number; indexes: number[]; fatal: string; last: boolean };

const db = new Database((workerData as { path: string }).path, { timeout: 5000 });
db.pragma('journal_mode = WAL');
db.pragma('foreign_keys = ON');
let synchronous: 'FULL' | 'NORMAL' | null = null;
const statements = new Map<string, Database.Statement>();

function statement(sql: string): Database.Statement {
  let s = statements.get(sql);
  if (!s) {
    s = db.prepare(sql);
    statements.set(sql, s);
  }
  return s;
}

// read on the first audit append (and again after a rollback): a database may have no audit table
let head: { seq: number; hash: string } | null = null;
function readHead(): { seq: number; hash: string } {
  const row = db.prepare(`SELECT seq, hash FROM audit_record ORDER BY seq DESC LIMIT 1`).get() as { seq: number; hash: string } | undefined;
  return row ?? { seq: 0, hash: GENESIS_HASH };
}

const INSERT_AUDIT = `INSERT INTO audit_record (seq, prev_hash, hash, time, kind, actor, order_id, device_serial, fingerprint, outcome, detail)
  VALUES (@seq, @prevHash, @hash, @time, @kind, @actor, @orderId, @deviceSerial, @fingerprint, @outcome, @detail)`;

function runOp(op: WriteOp): OpResult {
  if ('audit' in op) {
    head ??= readHead();
    const record: AuditRecord = chainRecord(head, op.audit);
    statement(INSERT_AUDIT).run(record);
    head = { seq: record.seq, hash: record.hash };
    return { lastID: record.seq, changes: 1, audit: { seq: record.seq, hash: record.hash } };
  }
  const stmt = statement(op.sql);
  if (stmt.reader) {
    // INSERT … RETURNING: the row the statement produced
    const row = stmt.get(...op.params) as Record<string, unknown> | undefined;
    return { lastID: 0, changes: row ? 1 : 0, row };
  }
  const r = stmt.run(...op.params);
  return { lastID: Number(r.lastInsertRowid), changes: r.changes };
}

function runGroup(group: WriteOp[]): GroupResult {
  // one statement is atomic by itself; a group needs a savepoint to fail as a whole
  const single = group.length === 1;
  const before = head;
  if (!single) db.exec('SAVEPOINT grp');
  try {
    const results = group.map(runOp);
    if (!single) db.exec('RELEASE grp');
    return { ok: true, results };
  } catch (err) {
    if (!single) {
      db.exec('ROLLBACK TO grp');
      db.exec('RELEASE grp');
    }
    head = before;
    return { ok: false, message: (err as Error).message, code: (err as { code?: string }).code };
  }
}

/** One transaction over some groups of a batch, committed with or without fsync. */
function commitPart(id: number, groups: WriteOp[][], indexes: number[], sync: boolean, last: boolean): void {
  if (indexes.length === 0) {
    if (last) parentPort!.postMessage({ id, indexes, results: [], last } satisfies BatchReply);
    return;
  }
  try {
    const wanted = sync ? 'FULL' : 'NORMAL';
    if (synchronous !== wanted) {
      db.pragma(`synchronous = ${wanted}`);
      synchronous = wanted;
    }
    db.exec('BEGIN IMMEDIATE');
    const results = indexes.map((i) => runGroup(groups[i]));
    db.exec('COMMIT');
    parentPort!.postMessage({ id, indexes, results, last } satisfies BatchReply);
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    head = null;
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
