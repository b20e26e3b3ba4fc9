import { sql } from '../../../common/database-dialect.js';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * CMP transactions shared by every enrollment node (docs/cmp.md), and the certificates issued
 * through CMP by issuer and serial (an rr names its target only so). Portable SQL: TEXT,
 * INTEGER, BLOB; times as ISO-8601 TEXT, which sorts in time order.
 */
export class CentralCmpTransactions1763900000031 implements MigrationInterface {
  name = 'CentralCmpTransactions1763900000031';

  async up(q: QueryRunner): Promise<void> {
    await q.query(sql(`CREATE TABLE cmp_transaction (
      transaction_id TEXT PRIMARY KEY NOT NULL, version TEXT NOT NULL, state TEXT NOT NULL,
      expires_at TEXT NOT NULL, data TEXT NOT NULL)`));
    await q.query(sql(`CREATE INDEX idx_cmp_transaction_expires ON cmp_transaction (expires_at)`));
    await q.query(sql(`CREATE TABLE cmp_issued_certificate (
      issuer_serial TEXT PRIMARY KEY NOT NULL, certificate BLOB NOT NULL, created_at TEXT NOT NULL)`));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(sql('DROP TABLE cmp_issued_certificate'));
    await q.query(sql('DROP INDEX idx_cmp_transaction_expires'));
    await q.query(sql('DROP TABLE cmp_transaction'));
  }
}
