import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Station user accounts and sessions (docs/ui.md). A session row holds only the SHA-256 of its
 * token: a copy of the database does not let anyone sign in. Account changes made by the CLI
 * wait in station_user_change until the running station enters them in the audit chain (only
 * the station's writer may append to it).
 */
export class StationUsersAndSessions1763900000030 implements MigrationInterface {
  name = 'StationUsersAndSessions1763900000030';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE station_user (
      name TEXT PRIMARY KEY NOT NULL, role TEXT NOT NULL CHECK (role IN ('operator','supervisor')),
      password_hash TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`);
    await q.query(`CREATE TABLE station_user_change (
      id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, user_name TEXT NOT NULL, change TEXT NOT NULL, actor TEXT NOT NULL,
      at TEXT NOT NULL, audited INTEGER NOT NULL DEFAULT 0)`);
    await q.query(`CREATE TABLE station_session (
      token_hash TEXT PRIMARY KEY NOT NULL, user_name TEXT NOT NULL, role TEXT NOT NULL, created_at TEXT NOT NULL,
      last_seen_at TEXT NOT NULL, expires_at TEXT NOT NULL, ended_at TEXT)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE station_session');
    await q.query('DROP TABLE station_user_change');
    await q.query('DROP TABLE station_user');
  }
}
