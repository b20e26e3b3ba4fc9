import { DataSource, type MixedList, type EntitySchema } from 'typeorm';

/**
 * Open a SQLite database through TypeORM and bring its schema up by migrations (never
 * synchronize). WAL with synchronous=FULL: a commit survives power loss, not only a crash.
 */
export async function openSqlite(
  path: string,
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>,
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>,
): Promise<DataSource> {
  const ds = new DataSource({ type: 'sqlite', database: path, entities, migrations, synchronize: false, logging: false });
  await ds.initialize();
  await ds.query('PRAGMA journal_mode=WAL');
  await ds.query('PRAGMA synchronous=FULL');
  await ds.query('PRAGMA foreign_keys=ON');
  await ds.query('PRAGMA busy_timeout=5000');
  await ds.runMigrations({ transaction: 'each' });
  return ds;
}
