import type { DataSource } from 'typeorm';
import { DIALECT } from '../../common/database-dialect.js';
import { ConfigError } from '../../common/domain-error.js';
import { openPostgres, parsePostgresUrl, type PostgresTarget } from '../../common/postgres-database.js';
import { openSqlite } from '../../common/sqlite-database.js';
import type { CentralConfig } from '../../config/central-config.js';
import { CENTRAL_ENTITIES } from './entities.js';
import { CENTRAL_MIGRATIONS } from './migrations.js';

export type CentralDatabaseTarget = { kind: 'sqlite'; path: string } | { kind: 'postgres'; target: PostgresTarget };

/**
 * Which database central uses: PostgreSQL when DATABASE_URL is set (several central nodes share
 * it, docs/operations/postgresql.md), else the SQLite file at `databasePath`. Checked at boot so a
 * bad URL stops the process with a clear message before anything else starts.
 */
export function centralDatabaseTarget(config: Pick<CentralConfig, 'databasePath'>, env: NodeJS.ProcessEnv = process.env): CentralDatabaseTarget {
  const url = env.DATABASE_URL;
  if (!url) return { kind: 'sqlite', path: config.databasePath };
  const target = parsePostgresUrl(url);
  // entity column types were fixed when the entity modules loaded (database-dialect.ts)
  if (DIALECT !== 'postgres') throw new ConfigError('DATABASE_URL was set after central\'s modules loaded: set it in the environment before central starts');
  return { kind: 'postgres', target };
}

export const describeTarget = (t: CentralDatabaseTarget): string => (t.kind === 'sqlite' ? `SQLite ${t.path}` : `PostgreSQL ${t.target.display}`);

/** Open central's database and bring its schema up by migrations. */
export function openCentralDatabase(config: Pick<CentralConfig, 'databasePath'>, env: NodeJS.ProcessEnv = process.env): Promise<DataSource> {
  const t = centralDatabaseTarget(config, env);
  return t.kind === 'sqlite'
    ? openSqlite(t.path, CENTRAL_ENTITIES, CENTRAL_MIGRATIONS)
    : openPostgres(t.target, CENTRAL_ENTITIES, CENTRAL_MIGRATIONS, { applicationName: 'central' });
}
