import type { MigrationInterface, QueryRunner } from 'typeorm';
import { sql } from '../../common/database-dialect.js';

/** Field enrollment: enrollments, operational certificates, revocations, decisions, alarms. */
export class CentralEnrollment1763900000010 implements MigrationInterface {
  name = 'CentralEnrollment1763900000010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(sql(`CREATE TABLE device_enrollment (
      order_id TEXT NOT NULL, device_serial TEXT NOT NULL, birth_fingerprint TEXT NOT NULL, key_hash TEXT NOT NULL,
      certificate_serial TEXT NOT NULL, protocol TEXT NOT NULL, enrolled_at TEXT NOT NULL,
      PRIMARY KEY (order_id, device_serial))`));
    await q.query(sql(`CREATE TABLE operational_certificate (
      serial_hex TEXT PRIMARY KEY NOT NULL, ca_name TEXT NOT NULL, order_id TEXT NOT NULL, device_serial TEXT NOT NULL,
      key_hash TEXT NOT NULL, certificate BLOB NOT NULL, not_after TEXT NOT NULL, issued_at TEXT NOT NULL, protocol TEXT NOT NULL,
      confirmation TEXT NOT NULL CHECK (confirmation IN ('pending','accepted','rejected')),
      revoked_at TEXT, revocation_reason INTEGER)`));
    await q.query(sql(`CREATE INDEX idx_operational_certificate_device ON operational_certificate (order_id, device_serial)`));
    await q.query(sql(`CREATE TABLE device_revocation (
      id INTEGER PRIMARY KEY AUTOINCREMENT, scope TEXT NOT NULL CHECK (scope IN ('device','order')), order_id TEXT NOT NULL,
      device_serial TEXT, reason INTEGER NOT NULL, revoked_at TEXT NOT NULL)`));
    await q.query(sql(`CREATE INDEX idx_device_revocation_order ON device_revocation (order_id)`));
    await q.query(sql(`CREATE TABLE enrollment_event (
      id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, protocol TEXT NOT NULL, operation TEXT NOT NULL, outcome TEXT NOT NULL,
      reason TEXT, message TEXT NOT NULL, order_id TEXT, device_serial TEXT, certificate_fingerprint TEXT)`));
    await q.query(sql(`CREATE TABLE central_alarm (
      id INTEGER PRIMARY KEY AUTOINCREMENT, raised_at TEXT NOT NULL, kind TEXT NOT NULL, order_id TEXT, device_serial TEXT,
      details TEXT NOT NULL, cleared_at TEXT)`));
    // distinct enrolled devices per order, kept next to the quota so one UPDATE checks and counts
    await q.query(sql(`ALTER TABLE production_order ADD COLUMN enrolled INTEGER NOT NULL DEFAULT 0`));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['central_alarm', 'enrollment_event', 'device_revocation', 'operational_certificate', 'device_enrollment']) await q.query(sql(`DROP TABLE ${t}`));
    await q.query(sql(`ALTER TABLE production_order DROP COLUMN enrolled`));
  }
}
