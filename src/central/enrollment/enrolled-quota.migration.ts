import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DIALECT } from '../../common/database-dialect.js';

/** The name the database gives a refusal when an order's enrolled count would pass its quota. */
export const ENROLLED_WITHIN_QUOTA = 'enrolled_within_quota';

/**
 * The database itself refuses to count an order's enrolled devices past its quota (system.md
 * §4.2), so the counting UPDATE needs no WHERE guard whose "0 rows" the writer would have to read
 * back: the enrollment's statements can commit in one script with others' (batch-committer.ts),
 * and an over-quota enrollment fails alone. A trigger on both databases, with the same message.
 */
export class CentralEnrolledWithinQuota1763900000060 implements MigrationInterface {
  name = 'CentralEnrolledWithinQuota1763900000060';

  async up(q: QueryRunner): Promise<void> {
    if (DIALECT === 'postgres') {
      await q.query(`CREATE FUNCTION ${ENROLLED_WITHIN_QUOTA}() RETURNS trigger AS $$
        BEGIN
          IF NEW.enrolled > NEW.quota THEN RAISE EXCEPTION '${ENROLLED_WITHIN_QUOTA}: order % is at its quota', NEW.order_id; END IF;
          RETURN NEW;
        END $$ LANGUAGE plpgsql`);
      await q.query(`CREATE TRIGGER ${ENROLLED_WITHIN_QUOTA} BEFORE UPDATE OF enrolled ON production_order
        FOR EACH ROW EXECUTE FUNCTION ${ENROLLED_WITHIN_QUOTA}()`);
      return;
    }
    await q.query(`CREATE TRIGGER ${ENROLLED_WITHIN_QUOTA} BEFORE UPDATE OF enrolled ON production_order
      WHEN NEW.enrolled > NEW.quota BEGIN SELECT RAISE(ABORT, '${ENROLLED_WITHIN_QUOTA}'); END`);
  }

  async down(q: QueryRunner): Promise<void> {
    if (DIALECT === 'postgres') {
      await q.query(`DROP TRIGGER ${ENROLLED_WITHIN_QUOTA} ON production_order`);
      await q.query(`DROP FUNCTION ${ENROLLED_WITHIN_QUOTA}()`);
      return;
    }
    await q.query(`DROP TRIGGER ${ENROLLED_WITHIN_QUOTA}`);
  }
}
