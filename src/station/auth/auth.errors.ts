import { DomainError } from '../../common/domain-error.js';

/** Wrong name or password: the message never says which. */
export class LoginFailedError extends DomainError {
  readonly code = 'LOGIN_FAILED';
  readonly status = 401;
  readonly retryable = false;
}

/** Too many failed logins for one name in a short time. */
export class LoginThrottledError extends DomainError {
  readonly code = 'LOGIN_THROTTLED';
  readonly status = 429;
  readonly retryable = true;
}

export class UserExistsError extends DomainError {
  readonly code = 'USER_EXISTS';
  readonly status = 409;
  readonly retryable = false;
}

export class UserNotFoundError extends DomainError {
  readonly code = 'USER_NOT_FOUND';
  readonly status = 404;
  readonly retryable = false;
}

export class WeakPasswordError extends DomainError {
  readonly code = 'WEAK_PASSWORD';
  readonly status = 400;
  readonly retryable = false;
}
