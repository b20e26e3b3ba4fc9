import { DomainError } from '../../common/domain-error.js';

/** An open tamper alarm locks issuance until a supervisor clears it. */
export class IssuanceLockedError extends DomainError {
  readonly code = 'ISSUANCE_LOCKED';
  readonly status = 423;
  readonly retryable = false;
}

export class TamperDetectedError extends DomainError {
  readonly code = 'TAMPER_DETECTED';
  readonly status = 423;
  readonly retryable = false;
}

export class AlarmNotFoundError extends DomainError {
  readonly code = 'ALARM_NOT_FOUND';
  readonly status = 404;
  readonly retryable = false;
}

/** Too many issuances in flight at once: try again in a moment. */
export class IssuanceBusyError extends DomainError {
  readonly code = 'ISSUANCE_BUSY';
  readonly status = 503;
  readonly retryable = true;
}
