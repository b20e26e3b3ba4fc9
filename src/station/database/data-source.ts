import type { DataSource } from 'typeorm';
import { openSqlite } from '../../common/sqlite-database.js';
import { STATION_ENTITIES } from './entities.js';
import { STATION_MIGRATIONS } from './migrations.js';

/** The station's record of truth (system.md §5 "durable before sent"). */
export function openStationDatabase(path: string): Promise<DataSource> {
  return openSqlite(path, STATION_ENTITIES, STATION_MIGRATIONS, 'better-sqlite3');
}
