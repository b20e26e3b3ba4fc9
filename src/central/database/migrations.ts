import type { MigrationInterface, QueryRunner } from 'typeorm';
import { sql } from '../../common/database-dialect.js';
import { CentralEnrollment1763900000010 } from '../enrollment/enrollment.migration.js';
import { CentralValidationAuthority1763900000040 } from '../va/va.migration.js';
import { CentralCmpTransactions1763900000031 } from '../enrollment/cmp/cmp-transaction.migration.js';
import { CentralUsersAndConsole1763900000050 } from '../auth/central-users.migration.js';
import { CentralEnrolledWithinQuota1763900000060 } from '../enrollment/enrolled-quota.migration.js';
import { CentralEnrollsAuditedUnrevoked1763900000070 } from '../enrollment/known-device.migration.js';
import { CentralGreenfieldEnrollmentUnit1763900000080 } from '../enrollment/greenfield-enrollment-unit.migration.js';

export class CentralInitial1763900000001 implements MigrationInterface {
  name = 'CentralInitial1763900000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(sql(`CREATE TABLE ca_certificate (name TEXT PRIMARY KEY NOT NULL, key_label TEXT NOT NULL, certificate BLOB NOT NULL, created_at TEXT NOT NULL)`));
    await q.query(sql(`CREATE TABLE production_order (
      order_id TEXT PRIMARY KEY NOT NULL, station_id TEXT NOT NULL, product_model TEXT NOT NULL,
      quota INTEGER NOT NULL CHECK (quota > 0), serial_first TEXT NOT NULL, serial_last TEXT NOT NULL,
      not_before TEXT NOT NULL, not_after TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('created','active','closed')),
      order_ca_certificate BLOB, created_at TEXT NOT NULL)`));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(sql('DROP TABLE production_order'));
    await q.query(sql('DROP TABLE ca_certificate'));
  }
}

/** Each order carries the quota grant central signed for it (system.md §4.1). */
export class CentralOrderGrant1763900000003 implements MigrationInterface {
  name = 'CentralOrderGrant1763900000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(sql(`ALTER TABLE production_order ADD COLUMN grant_der BLOB`));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(sql(`ALTER TABLE production_order DROP COLUMN grant_der`));
  }
}

/** Audit records ingested from stations, the receipts given for them, and the device registry. */
export class CentralAuditIngest1763900000008 implements MigrationInterface {
  name = 'CentralAuditIngest1763900000008';

  async up(q: QueryRunner): Promise<void> {
    await q.query(sql(`CREATE TABLE station_audit_record (
      station_id TEXT NOT NULL, seq INTEGER NOT NULL, hash TEXT NOT NULL, prev_hash TEXT NOT NULL, kind TEXT NOT NULL,
      order_id TEXT, device_serial TEXT, fingerprint TEXT, record TEXT NOT NULL, received_at TEXT NOT NULL,
      PRIMARY KEY (station_id, seq))`));
    await q.query(sql(`CREATE TABLE audit_receipt (
      station_id TEXT NOT NULL, to_seq INTEGER NOT NULL, head_hash TEXT NOT NULL, receipt BLOB NOT NULL, received_at TEXT NOT NULL,
      PRIMARY KEY (station_id, to_seq))`));
    await q.query(sql(`CREATE TABLE device_registry (
      fingerprint TEXT PRIMARY KEY NOT NULL, device_serial TEXT NOT NULL, station_id TEXT NOT NULL, order_id TEXT, seq INTEGER NOT NULL)`));
    await q.query(sql(`CREATE INDEX idx_device_registry_serial ON device_registry (device_serial)`));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(sql('DROP TABLE device_registry'));
    await q.query(sql('DROP TABLE audit_receipt'));
    await q.query(sql('DROP TABLE station_audit_record'));
  }
}

export const CENTRAL_MIGRATIONS = [CentralInitial1763900000001, CentralOrderGrant1763900000003, CentralAuditIngest1763900000008, CentralEnrollment1763900000010, CentralCmpTransactions1763900000031, CentralValidationAuthority1763900000040, CentralUsersAndConsole1763900000050, CentralEnrolledWithinQuota1763900000060, CentralEnrollsAuditedUnrevoked1763900000070, CentralGreenfieldEnrollmentUnit1763900000080];
