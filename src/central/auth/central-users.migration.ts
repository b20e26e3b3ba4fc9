import type { MigrationInterface, QueryRunner } from 'typeorm';
import { sql } from '../../common/database-dialect.js';

/**
 * People on central (docs/ui.md, "Central"): brand owners and auditors, their sessions (only the
 * SHA-256 of a session token is stored, so a copy of the database lets nobody sign in), and what
 * they did — sign-ins, failed sign-ins, sign-outs, revocations. Central has no audit chain of its
 * own: central_user_event is append-only by convention and shown to the brand owner.
 *
 * audit_ingest_refusal keeps the batches central refused (gap, fork, bad signature), one row per
 * distinct refusal with how often it was seen, so an audit gap or fork is an anomaly on the
 * console rather than an error only the station saw.
 */
export class CentralUsersAndConsole1763900000050 implements MigrationInterface {
  name = 'CentralUsersAndConsole1763900000050';

  async up(q: QueryRunner): Promise<void> {
    await q.query(sql(`CREATE TABLE central_user (
      name TEXT PRIMARY KEY NOT NULL, role TEXT NOT NULL CHECK (role IN ('brand-owner','auditor')),
      password_hash TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`));
    await q.query(sql(`CREATE TABLE central_session (
      token_hash TEXT PRIMARY KEY NOT NULL, user_name TEXT NOT NULL, role TEXT NOT NULL, created_at TEXT NOT NULL,
      last_seen_at TEXT NOT NULL, expires_at TEXT NOT NULL, ended_at TEXT)`));
    await q.query(sql(`CREATE TABLE central_user_event (
      id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, at TEXT NOT NULL, user_name TEXT NOT NULL, kind TEXT NOT NULL,
      outcome TEXT NOT NULL, address TEXT, detail TEXT NOT NULL)`));
    await q.query(sql(`CREATE TABLE audit_ingest_refusal (
      id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, station_id TEXT NOT NULL, code TEXT NOT NULL, message TEXT NOT NULL,
      first_at TEXT NOT NULL, last_at TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 1, UNIQUE (station_id, code, message))`));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(sql('DROP TABLE audit_ingest_refusal'));
    await q.query(sql('DROP TABLE central_user_event'));
    await q.query(sql('DROP TABLE central_session'));
    await q.query(sql('DROP TABLE central_user'));
  }
}
