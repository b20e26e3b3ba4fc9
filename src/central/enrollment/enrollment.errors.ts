import type { RefusalReason } from './enrollment-authority.port.js';

/**
 * A policy refusal on its way to the outcome: thrown inside the authority, caught at its edge,
 * recorded, and answered as `{ status: 'refused' }` (protocols map the reason to their own form).
 */
export class EnrollmentRefusal extends Error {
  constructor(
    readonly reason: RefusalReason,
    message: string,
    readonly context: { orderId?: string | null; deviceSerial?: string | null } = {},
  ) {
    super(message);
    this.name = 'EnrollmentRefusal';
  }
}
