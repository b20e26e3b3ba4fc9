import { DomainError } from '../../common/domain-error.js';

/** Wrong name or password: the message never says which. */
export class ConsoleLoginFailedError extends DomainError {
  readonly code = 'LOGIN_FAILED';
  readonly status = 401;
  readonly retryable = false;
}

/** Too many failed sign-ins for one name in a short time. */
export class ConsoleLoginThrottledError extends DomainError {
  readonly code = 'LOGIN_THROTTLED';
  readonly status = 429;
  readonly retryable = true;
}

export class ConsoleUserExistsError extends DomainError {
  readonly code = 'USER_EXISTS';
  readonly status = 409;
  readonly retryable = false;
}

export class ConsoleUserNotFoundError extends DomainError {
  readonly code = 'USER_NOT_FOUND';
  readonly status = 404;
  readonly retryable = false;
}

export class ConsoleWeakPasswordError extends DomainError {
  readonly code = 'WEAK_PASSWORD';
  readonly status = 400;
  readonly retryable = false;
}
