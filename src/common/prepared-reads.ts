import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type sqlite3 from 'sqlite3';
import { sql as dialectSql } from './database-dialect.js';

/**
 * Reads on central's hot paths with their statements prepared once. Through TypeORM on
 * node-sqlite3 every query is parsed and planned anew (sqlite3_prepare_v2 on the thread pool)
 * and wrapped in TypeORM's query runner; here a statement is prepared on first use and kept
 * for the life of the connection. On PostgreSQL it is a plain query (the driver's own
 * protocol); write units go through BatchCommitter.
 */
@Injectable()
export class PreparedReads implements OnModuleDestroy {
  private readonly statements = new Map<string, sqlite3.Statement>();

  constructor(private readonly ds: DataSource) {}

  /** Rows of a statement in the SQLite spelling with `?` placeholders (database-dialect.ts). */
  all<T>(sql: string, params: readonly unknown[]): Promise<T[]> {
    if (this.ds.options.type !== 'sqlite') return this.ds.query(dialectSql(sql), [...params]) as Promise<T[]>;
    let statement = this.statements.get(sql);
    if (!statement) {
      const db = (this.ds.driver as unknown as { databaseConnection: sqlite3.Database }).databaseConnection;
      statement = db.prepare(sql);
      this.statements.set(sql, statement);
    }
    const prepared = statement;
    return new Promise<T[]>((resolve, reject) => prepared.all([...params], (err: Error | null, rows: T[]) => (err ? reject(err) : resolve(rows))));
  }

  async onModuleDestroy(): Promise<void> {
    const open = [...this.statements.values()];
    this.statements.clear();
    await Promise.all(open.map((s) => new Promise<void>((resolve) => s.finalize(() => resolve()))));
  }
}
