/**
 * The group-commit writer's thread: owns one better-sqlite3 connection and commits each batch
 * it is sent as one transaction (see group-commit.ts). Runs in a worker so that COMMIT's fsync
 * blocks this thread, not the event loop that verifies CSRs and signs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface BatchRequest {
  id: number;
  /** fsync at COMMIT (synchronous=FULL) when any op of the batch needs it, else NORMAL */
  sync: boolean;
  ops: Array<{ sql: string; params: unknown[] }>;
}
export type OpResult =
  | { ok: true; lastID: number; changes: number; row?: Record<string, unknown> }
  | { ok: false; message: string; code?: string };
export type BatchReply = { id: number; results: OpResult[] } | { id: number; fatal: string };

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

parentPort!.on('message', (msg: BatchRequest | 'close') => {
  if (msg === 'close') {
    db.close();
    parentPort!.postMessage('closed');
    return;
  }
  const results: OpResult[] = [];
  try {
    const wanted = msg.sync ? 'FULL' : 'NORMAL';
    if (synchronous !== wanted) {
      db.pragma(`synchronous = ${wanted}`);
      synchronous = wanted;
    }
    db.exec('BEGIN IMMEDIATE');
    for (const op of msg.ops) {
      try {
        const stmt = statement(op.sql);
        if (stmt.reader) {
          // INSERT … RETURNING: the row the statement produced
          const row = stmt.get(...op.params) as Record<string, unknown> | undefined;
          results.push({ ok: true, lastID: 0, changes: row ? 1 : 0, row });
        } else {
          const r = stmt.run(...op.params);
          results.push({ ok: true, lastID: Number(r.lastInsertRowid), changes: r.changes });
        }
      } catch (err) {
        results.push({ ok: false, message: (err as Error).message, code: (err as { code?: string }).code });
      }
    }
    db.exec('COMMIT');
    parentPort!.postMessage({ id: msg.id, results } satisfies BatchReply);
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    parentPort!.postMessage({ id: msg.id, fatal: (err as Error).message } satisfies BatchReply);
  }
});
parentPort!.postMessage('ready');
