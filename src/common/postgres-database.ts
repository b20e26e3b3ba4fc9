import { DataSource, type MixedList, type EntitySchema } from 'typeorm';
import { ConfigError } from './domain-error.js';
import { advisoryKey } from './database-locks.js';

/** A checked PostgreSQL connection URL; `display` omits the password (for logs and errors). */
export interface PostgresTarget {
  url: string;
  display: string;
}

/**
 * Check a PostgreSQL URL before anything connects (conventions.md §8: fail fast, name the bad
 * setting, never print the secret). Accepts the libpq URI form
 * `postgres[ql]://user[:password]@host[:port]/database[?sslmode=…]`.
 */
export function parsePostgresUrl(raw: string, setting = 'DATABASE_URL'): PostgresTarget {
  const shape = `${setting} must look like postgres://user:password@host:5432/database`;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError(`${shape}; it is not a URL`);
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw new ConfigError(`${shape}; its scheme is ${u.protocol.replace(/:$/, '')}`);
  if (!u.hostname) throw new ConfigError(`${shape}; it names no host`);
  if (u.port && !(Number(u.port) > 0 && Number(u.port) < 65536)) throw new ConfigError(`${shape}; port ${u.port} is not a TCP port`);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!database || database.includes('/')) throw new ConfigError(`${shape}; it names no database (the path after the host)`);
  if (!u.username) throw new ConfigError(`${shape}; it names no user`);
  return { url: raw, display: `postgres://${u.username}@${u.hostname}:${u.port || 5432}/${database}` };
}

/** Key of the advisory lock migrations run under (one per database, whatever the node). */
const MIGRATION_LOCK = advisoryKey('schema-migrations');

/**
 * Open PostgreSQL through TypeORM and bring the schema up by migrations (never synchronize).
 * Several nodes may boot at once against one database: TypeORM's `migrations` table says what
 * ran, and a session advisory lock around runMigrations makes the second node wait for the
 * first and then find nothing left to run (PostgreSQL docs §13.3.5 "Advisory Locks").
 */
export async function openPostgres(
  target: PostgresTarget,
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>,
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>,
  opts: { poolSize?: number; applicationName?: string } = {},
): Promise<DataSource> {
  const ds = new DataSource({
    type: 'postgres',
    url: target.url,
    entities,
    migrations,
    synchronize: false,
    migrationsRun: false,
    logging: false,
    poolSize: opts.poolSize ?? 16,
    applicationName: opts.applicationName,
    connectTimeoutMS: 10_000,
    // COUNT(*) and BIGINT identities come back as numbers, as they do from SQLite
    parseInt8: true,
  });
  try {
    await ds.initialize();
  } catch (err) {
    throw new ConfigError(`cannot open PostgreSQL at ${target.display}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const lock = ds.createQueryRunner();
    await lock.connect();
    try {
      await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await ds.runMigrations({ transaction: 'each' });
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      await lock.release();
    }
  } catch (err) {
    await ds.destroy().catch(() => undefined);
    throw err;
  }
  return ds;
}
