import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { sql as dialectSql } from './database-dialect.js';
import { SqliteStatements } from './sqlite-statements.js';

/**
 * Reads on central's hot paths with their statements prepared once. Through TypeORM on
 * node-sqlite3 every query is parsed and planned anew (sqlite3_prepare_v2 on the thread pool)
 * and wrapped in TypeORM's query runner; here a statement is prepared on first use and kept
 * for the life of the connection. On PostgreSQL it is a plain query (the driver's own
 * protocol); write units go through BatchCommitter.
 */
@Injectable()
export class PreparedReads implements OnModuleDestroy {
  private readonly statements: SqliteStatements;

  constructor(private readonly ds: DataSource) {
    this.statements = new SqliteStatements(ds);
  }

  /** Rows of a statement in the SQLite spelling with `?` placeholders (database-dialect.ts). */
  async all<T>(sql: string, params: readonly unknown[]): Promise<T[]> {
    if (this.ds.options.type !== 'sqlite') return this.ds.query(dialectSql(sql), [...params]) as Promise<T[]>;
    const statement = await this.statements.get(sql);
    return new Promise<T[]>((resolve, reject) => statement.all([...params], (err: Error | null, rows: T[]) => (err ? reject(err) : resolve(rows))));
  }

  onModuleDestroy(): Promise<void> {
    return this.statements.finalizeAll();
  }
}
