import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DIALECT } from '../../common/database-dialect.js';
import type { ViewRow } from '../../common/batch-committer.js';

/** The view a greenfield enrollment is written through: one row in, the enrollment's four rows out. */
export const GREENFIELD_ENROLLMENT_UNIT = 'greenfield_enrollment_unit';

/** What one greenfield enrollment records, in the view's column order. */
export interface GreenfieldEnrollment {
  orderId: string;
  deviceSerial: string;
  birthFingerprint: string;
  keyHash: string;
  certificateSerial: string;
  certificate: Uint8Array;
  notAfter: string;
  enrolledAt: string;
  protocol: string;
  operation: string;
  confirmation: 'pending' | 'accepted';
  message: string;
}

const COLUMNS = [
  ['order_id', 'TEXT'],
  ['device_serial', 'TEXT'],
  ['birth_fingerprint', 'TEXT'],
  ['key_hash', 'TEXT'],
  ['certificate_serial', 'TEXT'],
  ['certificate', 'BYTEA'],
  ['not_after', 'TEXT'],
  ['enrolled_at', 'TEXT'],
  ['protocol', 'TEXT'],
  ['operation', 'TEXT'],
  ['confirmation', 'TEXT'],
  ['message', 'TEXT'],
] as const;
const COLUMN_NAMES = COLUMNS.map(([name]) => name);

/** The row that writes one greenfield enrollment (BatchCommitter.commitRow). */
export function greenfieldEnrollmentRow(e: GreenfieldEnrollment): ViewRow {
  return {
    view: GREENFIELD_ENROLLMENT_UNIT,
    columns: COLUMN_NAMES,
    values: [e.orderId, e.deviceSerial, e.birthFingerprint, e.keyHash, e.certificateSerial, e.certificate, e.notAfter, e.enrolledAt, e.protocol, e.operation, e.confirmation, e.message],
  };
}

/** The trigger's body: count the device against its order, then the certificate, the enrollment and its event. */
const WRITES = `
  UPDATE production_order SET enrolled = enrolled + 1 WHERE order_id = NEW.order_id;
  INSERT INTO operational_certificate (serial_hex, ca_name, order_id, device_serial, key_hash, certificate, not_after, issued_at, protocol, confirmation)
    VALUES (NEW.certificate_serial, 'operational-ca', NEW.order_id, NEW.device_serial, NEW.key_hash, NEW.certificate, NEW.not_after, NEW.enrolled_at, NEW.protocol, NEW.confirmation);
  INSERT INTO device_enrollment (order_id, device_serial, birth_fingerprint, key_hash, certificate_serial, protocol, enrolled_at)
    VALUES (NEW.order_id, NEW.device_serial, NEW.birth_fingerprint, NEW.key_hash, NEW.certificate_serial, NEW.protocol, NEW.enrolled_at);
  INSERT INTO enrollment_event (at, protocol, operation, outcome, reason, message, order_id, device_serial, certificate_fingerprint)
    VALUES (NEW.enrolled_at, NEW.protocol, NEW.operation, 'issued', NULL, NEW.message, NEW.order_id, NEW.device_serial, NEW.birth_fingerprint);`;

/**
 * A greenfield enrollment's unit written as ONE statement (docs/decisions/0014-greenfield-enrollment-unit.md):
 * an INSERT into a view whose INSTEAD OF trigger makes the unit's four writes. The statement is
 * prepared once and bound, where a script of four statements was parsed and planned, triggers
 * and all, for every enrollment. Every rule the database keeps (quota, audited and unrevoked,
 * enrolled once) still fires on the rows the trigger writes, and a refusal undoes the whole row.
 * The view holds no rows; on both databases it is only a door.
 */
export class CentralGreenfieldEnrollmentUnit1763900000080 implements MigrationInterface {
  name = 'CentralGreenfieldEnrollmentUnit1763900000080';

  async up(q: QueryRunner): Promise<void> {
    if (DIALECT === 'postgres') {
      await q.query(`CREATE VIEW ${GREENFIELD_ENROLLMENT_UNIT} AS SELECT ${COLUMNS.map(([name, type]) => `NULL::${type} AS ${name}`).join(', ')} WHERE false`);
      await q.query(`CREATE FUNCTION ${GREENFIELD_ENROLLMENT_UNIT}_write() RETURNS trigger AS $$
        BEGIN ${WRITES}
          RETURN NEW;
        END $$ LANGUAGE plpgsql`);
      await q.query(`CREATE TRIGGER ${GREENFIELD_ENROLLMENT_UNIT}_write INSTEAD OF INSERT ON ${GREENFIELD_ENROLLMENT_UNIT}
        FOR EACH ROW EXECUTE FUNCTION ${GREENFIELD_ENROLLMENT_UNIT}_write()`);
      return;
    }
    await q.query(`CREATE VIEW ${GREENFIELD_ENROLLMENT_UNIT} AS SELECT ${COLUMN_NAMES.map((name) => `NULL AS ${name}`).join(', ')} WHERE 0`);
    await q.query(`CREATE TRIGGER ${GREENFIELD_ENROLLMENT_UNIT}_write INSTEAD OF INSERT ON ${GREENFIELD_ENROLLMENT_UNIT} BEGIN ${WRITES}
      END`);
  }

  async down(q: QueryRunner): Promise<void> {
    if (DIALECT === 'postgres') {
      await q.query(`DROP TRIGGER ${GREENFIELD_ENROLLMENT_UNIT}_write ON ${GREENFIELD_ENROLLMENT_UNIT}`);
      await q.query(`DROP FUNCTION ${GREENFIELD_ENROLLMENT_UNIT}_write()`);
      await q.query(`DROP VIEW ${GREENFIELD_ENROLLMENT_UNIT}`);
      return;
    }
    await q.query(`DROP TRIGGER ${GREENFIELD_ENROLLMENT_UNIT}_write`);
    await q.query(`DROP VIEW ${GREENFIELD_ENROLLMENT_UNIT}`);
  }
}
