import type { MigrationInterface, QueryRunner } from 'typeorm';
import { sql } from '../../common/database-dialect.js';

/** The validation authority's CRL state per CA (portable SQL: SQLite and PostgreSQL). */
export class CentralValidationAuthority1763900000040 implements MigrationInterface {
  name = 'CentralValidationAuthority1763900000040';

  async up(q: QueryRunner): Promise<void> {
    await q.query(sql(`CREATE TABLE va_crl (
      ca_name TEXT PRIMARY KEY NOT NULL, crl_number INTEGER NOT NULL CHECK (crl_number > 0),
      this_update TEXT NOT NULL, next_update TEXT NOT NULL, crl BLOB NOT NULL,
      invalidated INTEGER NOT NULL DEFAULT 0, built_for INTEGER NOT NULL DEFAULT 0)`));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE va_crl');
  }
}

export const VA_MIGRATIONS = [CentralValidationAuthority1763900000040];
