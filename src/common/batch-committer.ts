import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { sql as dialectSql } from './database-dialect.js';
import { bindSqlite } from './sqlite-literal.js';
import { WriteSerializer } from './write-serializer.js';
import { SqliteStatements, sqliteConnection } from './sqlite-statements.js';

/** One statement in the SQLite spelling with `?` placeholders (database-dialect.ts). */
export interface SqlStatement {
  sql: string;
  params: readonly unknown[];
}

/**
 * A unit written by ONE statement: a row inserted into a view whose INSTEAD OF trigger makes the
 * unit's writes (docs/decisions/0014-greenfield-enrollment-unit.md). On SQLite its INSERT is
 * prepared once per number of rows and its values are bound, not written as literals: no parse
 * and no plan per unit, the triggers' included.
 */
export interface ViewRow {
  view: string;
  columns: readonly string[];
  values: readonly unknown[];
}

type Pending = { resolve: () => void; reject: (err: unknown) => void } & ({ script: string; row?: undefined } | { row: ViewRow; script?: undefined });

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** Units in one transaction at most: bounds the script's size and one batch's latency. */
const MAX_UNITS_PER_BATCH = 64;

/**
 * Group commit for write units on central's hot paths (enrollment decisions and their records).
 * A unit is a few statements that commit together or not at all.
 *
 * On SQLite (node-sqlite3, one connection) every statement is a round trip to the thread pool,
 * and a transaction of six statements cost ~1 ms of CPU in thread hand-offs alone. Here the
 * units that arrive while a batch commits leave together as the next batch: their statements,
 * with values bound as literals (sqlite-literal.ts), run as ONE script in one transaction — one
 * hand-off and one fsync for the whole batch (~0.1 ms of CPU per unit, measured).
 *
 * A unit the database refuses (a primary key, the quota trigger) must fail alone: the batch is
 * rolled back and its units are committed one by one, so each caller learns its own outcome and
 * the others still commit. A promise resolves only after COMMIT returned (synchronous=FULL).
 *
 * A unit may also be one row into a view (ViewRow, commitRow): rows of one view in a batch go
 * as one multi-row INSERT, prepared once per number of rows, in the same single transaction.
 *
 * On PostgreSQL each unit is its own transaction on a pooled connection (the database
 * arbitrates between units and between central nodes), with bound parameters.
 */
@Injectable()
export class BatchCommitter implements OnModuleDestroy {
  private queue: Pending[] = [];
  /** set while a flush loop runs; cleared by the loop itself in the same turn it sees the queue empty */
  private flushing = false;
  private readonly idle: Array<() => void> = [];
  /** prepared multi-row INSERTs into views, one per view, columns and number of rows */
  private readonly statements: SqliteStatements;

  constructor(
    private readonly ds: DataSource,
    private readonly writes: WriteSerializer,
  ) {
    this.statements = new SqliteStatements(ds);
  }

  commit(unit: readonly SqlStatement[]): Promise<void> {
    if (this.ds.options.type !== 'sqlite') {
      return this.writes.run(() => this.ds.transaction(async (m) => {
        for (const s of unit) await m.query(dialectSql(s.sql), [...s.params]);
      }));
    }
    let script: string;
    try {
      script = unit.map((s) => `${bindSqlite(s.sql, s.params)};\n`).join('');
    } catch (err) {
      return Promise.reject(err);
    }
    return this.enqueue({ script });
  }

  /** One row into a view, as its own unit: it commits, with its trigger's writes, or fails alone. */
  commitRow(row: ViewRow): Promise<void> {
    let values: unknown[];
    try {
      values = checkedRow(row);
    } catch (err) {
      return Promise.reject(err);
    }
    if (this.ds.options.type !== 'sqlite') {
      return this.writes.run(async () => {
        await this.ds.query(dialectSql(insertInto(row, 1)), values);
      });
    }
    return this.enqueue({ row: { ...row, values } });
  }

  async onModuleDestroy(): Promise<void> {
    if (this.flushing) await new Promise<void>((resolve) => this.idle.push(resolve));
    await this.statements.finalizeAll();
  }

  private enqueue(unit: { script: string } | { row: ViewRow }): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ ...unit, resolve, reject } as Pending);
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.queue.length) {
      const batch = this.queue.splice(0, MAX_UNITS_PER_BATCH);
      await this.writes.run(() => this.commitBatch(batch)).catch((err: unknown) => batch.forEach((p) => p.reject(err)));
    }
    this.flushing = false;
    for (const resolve of this.idle.splice(0)) resolve();
  }

  private async commitBatch(batch: Pending[]): Promise<void> {
    try {
      await this.commitTogether(batch);
      for (const p of batch) p.resolve();
      return;
    } catch (err) {
      await this.rollback();
      if (batch.length === 1) {
        batch[0].reject(err);
        return;
      }
    }
    // someone's unit was refused: find whose, committing each alone
    for (const p of batch) {
      try {
        await this.commitTogether([p]);
        p.resolve();
      } catch (err) {
        await this.rollback();
        p.reject(err);
      }
    }
  }

  /**
   * Units in ONE transaction, one fsync. Rows of a single view and nothing else are one INSERT,
   * which SQLite makes its own transaction; otherwise BEGIN IMMEDIATE, each view's INSERT, then
   * the scripts and COMMIT. Rows go before scripts whatever their order of arrival: units that
   * arrive together do not depend on one another (each caller awaits its own commit first).
   */
  private async commitTogether(units: Pending[]): Promise<void> {
    const rows = new Map<string, ViewRow[]>();
    let scripts = '';
    for (const p of units) {
      if (p.script !== undefined) {
        scripts += p.script;
        continue;
      }
      const key = `${p.row.view}(${p.row.columns.join(',')})`;
      const group = rows.get(key);
      if (group) group.push(p.row);
      else rows.set(key, [p.row]);
    }
    if (!scripts && rows.size === 1) {
      await this.insertRows([...rows.values()][0]);
      return;
    }
    await this.exec('BEGIN IMMEDIATE');
    for (const group of rows.values()) await this.insertRows(group);
    await this.exec(`${scripts}COMMIT;`);
  }

  private async insertRows(rows: ViewRow[]): Promise<void> {
    const statement = await this.statements.get(insertInto(rows[0], rows.length));
    const values = rows.flatMap((r) => r.values);
    return new Promise((resolve, reject) => statement.run(values, (err: Error | null) => (err ? reject(err) : resolve())));
  }

  /** After a failed statement SQLite keeps the transaction open; after a failed COMMIT it may not. */
  private async rollback(): Promise<void> {
    await this.exec('ROLLBACK').catch(() => undefined);
  }

  private exec(script: string): Promise<void> {
    const db = sqliteConnection(this.ds);
    return new Promise((resolve, reject) => db.exec(script, (err) => (err ? reject(err) : resolve())));
  }
}

/** `INSERT INTO view (columns) VALUES (?, …), …` for `count` rows, in the SQLite spelling. */
function insertInto(row: ViewRow, count: number): string {
  const placeholders = `(${row.columns.map(() => '?').join(', ')})`;
  return `INSERT INTO ${row.view} (${row.columns.join(', ')}) VALUES ${Array.from({ length: count }, () => placeholders).join(', ')}`;
}

/**
 * A row's values as both drivers bind them exactly: text, finite numbers, bytes (as a Buffer), NULL.
 * Names are the code's own, checked anyway since they are written into the statement.
 */
function checkedRow(row: ViewRow): unknown[] {
  for (const name of [row.view, ...row.columns]) {
    if (!IDENTIFIER.test(name)) throw new TypeError(`not a plain SQL name: ${JSON.stringify(name)}`);
  }
  if (row.values.length !== row.columns.length) throw new TypeError(`${row.columns.length} columns of ${row.view} given ${row.values.length} values`);
  return row.values.map((value) => {
    if (value === null || value === undefined) return null;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    if (value instanceof Uint8Array) return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    throw new TypeError(`a ${typeof value === 'number' ? String(value) : typeof value} cannot be bound into ${row.view}`);
  });
}
