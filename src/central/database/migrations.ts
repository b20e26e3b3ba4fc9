import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CentralInitial1763900000001 implements MigrationInterface {
  name = 'CentralInitial1763900000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE ca_certificate (name TEXT PRIMARY KEY NOT NULL, key_label TEXT NOT NULL, certificate BLOB NOT NULL, created_at TEXT NOT NULL)`);
    await q.query(`CREATE TABLE production_order (
      order_id TEXT PRIMARY KEY NOT NULL, station_id TEXT NOT NULL, product_model TEXT NOT NULL,
      quota INTEGER NOT NULL CHECK (quota > 0), serial_first TEXT NOT NULL, serial_last TEXT NOT NULL,
      not_before TEXT NOT NULL, not_after TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('created','active','closed')),
      order_ca_certificate BLOB, created_at TEXT NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE production_order');
    await q.query('DROP TABLE ca_certificate');
  }
}

/** Each order carries the quota grant central signed for it (system.md §4.1). */
export class CentralOrderGrant1763900000003 implements MigrationInterface {
  name = 'CentralOrderGrant1763900000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE production_order ADD COLUMN grant_der BLOB`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE production_order DROP COLUMN grant_der`);
  }
}

export const CENTRAL_MIGRATIONS = [CentralInitial1763900000001, CentralOrderGrant1763900000003];
