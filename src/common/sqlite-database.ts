import { DataSource, type MixedList, type EntitySchema } from 'typeorm';
import sqlite3 from 'sqlite3';

/**
 * Open a SQLite database through TypeORM and bring its schema up by migrations (never
 * synchronize). WAL with synchronous=FULL: a commit survives power loss, not only a crash.
 */
export type SqliteDriver = 'sqlite' | 'better-sqlite3';

/**
 * One process must use ONE SQLite library per database file: two copies (node-sqlite3's and
 * better-sqlite3's) keep separate POSIX lock tables, and one copy closing the file drops the
 * other's locks — the corruption case of sqlite.org/howtocorrupt.html §2.2.1. So each process
 * picks one driver: central 'sqlite' (node-sqlite3), the station 'better-sqlite3' (its hot-path
 * writer needs synchronous group commit; docs/decisions/0002-hot-path-writer.md).
 */
export async function openSqlite(
  path: string,
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>,
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>,
  driver: SqliteDriver = 'sqlite',
): Promise<DataSource> {
  // TypeORM switches node-sqlite3 into verbose mode, which captures a stack trace on every
  // statement (a third of central's CPU per enrollment, measured); hand it the plain module.
  const quiet = driver === 'sqlite' ? { driver: { verbose: () => sqlite3 } } : {};
  const ds = new DataSource({ type: driver, database: path, entities, migrations, synchronize: false, logging: false, ...quiet });
  await ds.initialize();
  await ds.query('PRAGMA journal_mode=WAL');
  await ds.query('PRAGMA synchronous=FULL');
  await ds.query('PRAGMA foreign_keys=ON');
  await ds.query('PRAGMA busy_timeout=5000');
  await ds.runMigrations({ transaction: 'each' });
  return ds;
}
