import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DIALECT } from '../../common/database-dialect.js';

/** The name the database gives a refusal to enroll a device it has no audit of, or that is revoked. */
export const ENROLLS_AUDITED_UNREVOKED = 'enrolls_audited_unrevoked_device';

/**
 * Whether a failed enrollment write was refused by one of the rules the database itself keeps for
 * a greenfield enrollment: the device audited and not revoked (below), within the order's quota
 * (enrolled-quota.migration.ts), enrolled once (device_enrollment's primary key). The authority
 * then reads why and answers with the reason (enrollment-authority.service.ts).
 */
export function isEnrollmentRuleRefusal(err: unknown): boolean {
  const e = err as { message?: unknown; code?: unknown; driverError?: { message?: unknown; code?: unknown } } | null;
  const text = `${String(e?.message ?? '')} ${String(e?.driverError?.message ?? '')}`;
  const code = String(e?.driverError?.code ?? e?.code ?? '');
  // SQLite: SQLITE_CONSTRAINT for a trigger's RAISE(ABORT) and a primary key alike; PostgreSQL:
  // 23505 unique_violation, P0001 raise_exception
  return text.includes('SQLITE_CONSTRAINT') || code === '23505' || code === 'P0001';
}

/**
 * A device enrolls only when an audit batch of its order's station holds its birth certificate
 * and neither the device nor its order is revoked (system.md §4.2). The enrollment authority
 * checks that in a read before it decides; the database keeps the same rule on every
 * device_enrollment row, so the authority may commit an enrollment without that read and let the
 * database refuse it (one thread hand-off less per enrollment on SQLite, one round trip less on
 * PostgreSQL). A refusal names the rule; the authority reads the reason after it.
 */
export class CentralEnrollsAuditedUnrevoked1763900000070 implements MigrationInterface {
  name = 'CentralEnrollsAuditedUnrevoked1763900000070';

  async up(q: QueryRunner): Promise<void> {
    const audited = `EXISTS (SELECT 1 FROM device_registry r JOIN production_order o ON o.order_id = r.order_id AND o.station_id = r.station_id
        WHERE r.fingerprint = NEW.birth_fingerprint AND r.order_id = NEW.order_id)`;
    const revoked = `EXISTS (SELECT 1 FROM device_revocation v WHERE v.order_id = NEW.order_id AND (v.scope = 'order' OR v.device_serial = NEW.device_serial))`;
    if (DIALECT === 'postgres') {
      await q.query(`CREATE FUNCTION ${ENROLLS_AUDITED_UNREVOKED}() RETURNS trigger AS $$
        BEGIN
          IF NOT ${audited} OR ${revoked} THEN
            RAISE EXCEPTION '${ENROLLS_AUDITED_UNREVOKED}: device % of order % is not audited or is revoked', NEW.device_serial, NEW.order_id;
          END IF;
          RETURN NEW;
        END $$ LANGUAGE plpgsql`);
      await q.query(`CREATE TRIGGER ${ENROLLS_AUDITED_UNREVOKED} BEFORE INSERT ON device_enrollment
        FOR EACH ROW EXECUTE FUNCTION ${ENROLLS_AUDITED_UNREVOKED}()`);
      return;
    }
    await q.query(`CREATE TRIGGER ${ENROLLS_AUDITED_UNREVOKED} BEFORE INSERT ON device_enrollment
      WHEN NOT ${audited} OR ${revoked} BEGIN SELECT RAISE(ABORT, '${ENROLLS_AUDITED_UNREVOKED}'); END`);
  }

  async down(q: QueryRunner): Promise<void> {
    if (DIALECT === 'postgres') {
      await q.query(`DROP TRIGGER ${ENROLLS_AUDITED_UNREVOKED} ON device_enrollment`);
      await q.query(`DROP FUNCTION ${ENROLLS_AUDITED_UNREVOKED}()`);
      return;
    }
    await q.query(`DROP TRIGGER ${ENROLLS_AUDITED_UNREVOKED}`);
  }
}
