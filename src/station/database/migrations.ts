import type { MigrationInterface, QueryRunner } from 'typeorm';
import { StationUsersAndSessions1763900000030 } from '../auth/users.migration.js';

export class StationInitial1763900000000 implements MigrationInterface {
  name = 'StationInitial1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE station_order (
      order_id TEXT PRIMARY KEY NOT NULL, product_model TEXT NOT NULL, quota INTEGER NOT NULL CHECK (quota > 0),
      issued INTEGER NOT NULL DEFAULT 0, serial_first TEXT NOT NULL, serial_last TEXT NOT NULL,
      not_before TEXT NOT NULL, not_after TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('open','closed')),
      ca_key_label TEXT NOT NULL, ca_certificate BLOB NOT NULL, upper_chain BLOB NOT NULL, created_at TEXT NOT NULL,
      CONSTRAINT quota_not_exceeded CHECK (issued <= quota))`);
    await q.query(`CREATE TABLE issuance (
      id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, order_id TEXT NOT NULL REFERENCES station_order(order_id),
      device_serial TEXT NOT NULL, key_id TEXT NOT NULL, cert_serial TEXT NOT NULL, fingerprint TEXT, certificate BLOB,
      status TEXT NOT NULL CHECK (status IN ('reserved','issued','injected','locked','spoiled')),
      jig_id TEXT, slot INTEGER, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`);
    await q.query(`CREATE UNIQUE INDEX idx_issuance_device_serial ON issuance (device_serial)`);
    await q.query(`CREATE INDEX idx_issuance_order ON issuance (order_id, status)`);
    // Quota is counted by the database in the same statement that reserves the issuance: the
    // INSERT and the count succeed or fail together (a refused INSERT undoes the count), and the
    // CHECK on station_order refuses the (N+1)th reservation under any concurrency.
    await q.query(`CREATE TRIGGER issuance_reserves_quota BEFORE INSERT ON issuance
      BEGIN
        SELECT RAISE(ABORT, 'ORDER_NOT_OPEN') WHERE (SELECT status FROM station_order WHERE order_id = NEW.order_id) IS NOT 'open';
        UPDATE station_order SET issued = issued + 1 WHERE order_id = NEW.order_id;
      END`);
    await q.query(`CREATE TABLE device_refusal (
      id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, device_serial TEXT, jig_id TEXT NOT NULL, slot INTEGER NOT NULL,
      code TEXT NOT NULL, message TEXT NOT NULL, created_at TEXT NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE device_refusal');
    await q.query('DROP TABLE issuance');
    await q.query('DROP TABLE station_order');
  }
}



/**
 * Quota safeguards (system.md §4): events (append-only until the hash-chained audit log takes
 * them over), tamper alarms that lock issuance, and the reservation returning the order's count
 * so every issue checks it against what this process expects.
 */
export class StationQuotaSafeguards1763900000002 implements MigrationInterface {
  name = 'StationQuotaSafeguards1763900000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE station_event (
      id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, kind TEXT NOT NULL, order_id TEXT, device_serial TEXT,
      actor TEXT NOT NULL, detail TEXT NOT NULL, created_at TEXT NOT NULL)`);
    await q.query(`CREATE TRIGGER station_event_append_only_u BEFORE UPDATE ON station_event BEGIN SELECT RAISE(ABORT, 'station_event is append-only'); END`);
    await q.query(`CREATE TRIGGER station_event_append_only_d BEFORE DELETE ON station_event BEGIN SELECT RAISE(ABORT, 'station_event is append-only'); END`);
    await q.query(`CREATE TABLE alarm (
      id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, kind TEXT NOT NULL, order_id TEXT, detail TEXT NOT NULL,
      raised_at TEXT NOT NULL, cleared_at TEXT, cleared_by TEXT, clear_note TEXT)`);
    await q.query(`ALTER TABLE station_order ADD COLUMN closed_reason TEXT`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE alarm');
    await q.query('DROP TRIGGER station_event_append_only_d');
    await q.query('DROP TRIGGER station_event_append_only_u');
    await q.query('DROP TABLE station_event');
    await q.query('ALTER TABLE station_order DROP COLUMN closed_reason');
  }
}
/** Grants the station imported: a grant (or its nonce, or a second grant for an order) never twice. */
export class StationImportedGrants1763900000004 implements MigrationInterface {
  name = 'StationImportedGrants1763900000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE imported_grant (
      fingerprint TEXT PRIMARY KEY NOT NULL, nonce TEXT NOT NULL UNIQUE, order_id TEXT NOT NULL UNIQUE,
      source TEXT NOT NULL, actor TEXT NOT NULL, imported_at TEXT NOT NULL, grant_der BLOB NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE imported_grant');
  }
}

/**
 * A reservation a crash left without a certificate is void (spoiled, still counted); the device
 * may then be issued anew. So a serial is unique among live records only.
 */
export class StationVoidReservations1763900000005 implements MigrationInterface {
  name = 'StationVoidReservations1763900000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX idx_issuance_device_serial`);
    await q.query(`CREATE UNIQUE INDEX idx_issuance_live_device_serial ON issuance (device_serial) WHERE NOT (status = 'spoiled' AND certificate IS NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX idx_issuance_live_device_serial`);
    await q.query(`CREATE UNIQUE INDEX idx_issuance_device_serial ON issuance (device_serial)`);
  }
}

/**
 * The hash-chained audit log (system.md §6) takes over from station_event: every record names
 * the hash of the one before it; UPDATE and DELETE are refused by triggers (and would be
 * detected by the chain anyway).
 */
export class StationAuditLog1763900000006 implements MigrationInterface {
  name = 'StationAuditLog1763900000006';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE audit_record (
      seq INTEGER PRIMARY KEY NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL, time TEXT NOT NULL,
      kind TEXT NOT NULL, actor TEXT NOT NULL, order_id TEXT, device_serial TEXT, fingerprint TEXT,
      outcome TEXT NOT NULL, detail TEXT NOT NULL)`);
    await q.query(`CREATE TRIGGER audit_record_no_update BEFORE UPDATE ON audit_record BEGIN SELECT RAISE(ABORT, 'audit_record is append-only'); END`);
    await q.query(`CREATE TRIGGER audit_record_no_delete BEFORE DELETE ON audit_record BEGIN SELECT RAISE(ABORT, 'audit_record is append-only'); END`);
    await q.query(`CREATE INDEX idx_audit_device ON audit_record (device_serial)`);
    await q.query(`DROP TRIGGER station_event_append_only_u`);
    await q.query(`DROP TRIGGER station_event_append_only_d`);
    await q.query(`DROP TABLE station_event`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_record`);
  }
}

/** Signed checkpoints of the audit chain, and the station's own certificates (its audit key's). */
export class StationAuditCheckpoints1763900000007 implements MigrationInterface {
  name = 'StationAuditCheckpoints1763900000007';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE audit_checkpoint (
      seq INTEGER PRIMARY KEY NOT NULL, station_id TEXT NOT NULL, hash TEXT NOT NULL, time TEXT NOT NULL, signature TEXT NOT NULL,
      certificates TEXT NOT NULL)`);
    await q.query(`CREATE TABLE station_credential (
      name TEXT PRIMARY KEY NOT NULL, key_label TEXT NOT NULL, certificates TEXT NOT NULL, created_at TEXT NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE station_credential`);
    await q.query(`DROP TABLE audit_checkpoint`);
  }
}

/** What central has acknowledged of the audit chain (its last receipt). */
export class StationAuditSync1763900000009 implements MigrationInterface {
  name = 'StationAuditSync1763900000009';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE audit_sync (
      id INTEGER PRIMARY KEY CHECK (id = 1), acked_seq INTEGER NOT NULL, acked_hash TEXT NOT NULL, receipt BLOB, updated_at TEXT NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_sync`);
  }
}

export const STATION_MIGRATIONS = [
  StationInitial1763900000000,
  StationQuotaSafeguards1763900000002,
  StationImportedGrants1763900000004,
  StationVoidReservations1763900000005,
  StationAuditLog1763900000006,
  StationAuditCheckpoints1763900000007,
  StationAuditSync1763900000009,
  StationUsersAndSessions1763900000030,
];
