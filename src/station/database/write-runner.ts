import type Database from 'better-sqlite3';
import { chainRecord, GENESIS_HASH, type AuditFields, type AuditRecord } from '../../audit/audit-record.js';

export type WriteOp = { sql: string; params: unknown[] } | { audit: AuditFields };
export type OpResult = { lastID: number; changes: number; row?: Record<string, unknown>; audit?: { seq: number; hash: string } };
export type GroupResult = { ok: true; results: OpResult[] } | { ok: false; message: string; code?: string };

const INSERT_AUDIT = `INSERT INTO audit_record (seq, prev_hash, hash, time, kind, actor, order_id, device_serial, fingerprint, outcome, detail)
  VALUES (@seq, @prevHash, @hash, @time, @kind, @actor, @orderId, @deviceSerial, @fingerprint, @outcome, @detail)`;
const READ_HEAD = `SELECT seq, hash FROM audit_record ORDER BY seq DESC LIMIT 1`;

/**
 * Commits groups of writes on one better-sqlite3 connection, one transaction per call; used by
 * the writer thread (writer-worker.ts) and, while that thread is idle, on the event loop's own
 * connection (group-commit.ts). Each group fails alone (a savepoint); audit records are chained
 * to the head read inside the transaction, under the write lock, so two connections appending
 * in turn can never fork the chain.
 */
export class WriteRunner {
  private readonly statements = new Map<string, Database.Statement>();
  private synchronous: 'FULL' | 'NORMAL' | null = null;
  /** the audit chain's head within the current transaction; read on its first audit append */
  private head: { seq: number; hash: string } | null = null;

  constructor(private readonly db: Database.Database) {}

  /**
   * One transaction over `groups`, committed with fsync (synchronous=FULL) or without
   * (NORMAL). Each group's outcome is returned; a failure of the transaction itself (BEGIN or
   * COMMIT: a busy or broken database) throws, everything rolled back.
   */
  commit(groups: WriteOp[][], sync: boolean): GroupResult[] {
    const wanted = sync ? 'FULL' : 'NORMAL';
    if (this.synchronous !== wanted) {
      this.db.pragma(`synchronous = ${wanted}`);
      this.synchronous = wanted;
    }
    this.db.exec('BEGIN IMMEDIATE');
    this.head = null;
    try {
      const results = groups.map((g) => this.runGroup(g));
      this.db.exec('COMMIT');
      return results;
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw err;
    }
  }

  private statement(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  private runOp(op: WriteOp): OpResult {
    if ('audit' in op) {
      // a database may have no audit table: it is read only when a record is appended
      this.head ??= (this.statement(READ_HEAD).get() as { seq: number; hash: string } | undefined) ?? { seq: 0, hash: GENESIS_HASH };
      const record: AuditRecord = chainRecord(this.head, op.audit);
      this.statement(INSERT_AUDIT).run(record);
      this.head = { seq: record.seq, hash: record.hash };
      return { lastID: record.seq, changes: 1, audit: { seq: record.seq, hash: record.hash } };
    }
    const stmt = this.statement(op.sql);
    if (stmt.reader) {
      // INSERT … RETURNING: the row the statement produced
      const row = stmt.get(...op.params) as Record<string, unknown> | undefined;
      return { lastID: 0, changes: row ? 1 : 0, row };
    }
    const r = stmt.run(...op.params);
    return { lastID: Number(r.lastInsertRowid), changes: r.changes };
  }

  private runGroup(group: WriteOp[]): GroupResult {
    // one statement is atomic by itself; a group needs a savepoint to fail as a whole
    const single = group.length === 1;
    const before = this.head;
    if (!single) this.db.exec('SAVEPOINT grp');
    try {
      const results = group.map((op) => this.runOp(op));
      if (!single) this.db.exec('RELEASE grp');
      return { ok: true, results };
    } catch (err) {
      if (!single) {
        this.db.exec('ROLLBACK TO grp');
        this.db.exec('RELEASE grp');
      }
      this.head = before;
      return { ok: false, message: (err as Error).message, code: (err as { code?: string }).code };
    }
  }
}
