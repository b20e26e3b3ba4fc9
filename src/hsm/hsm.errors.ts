import { DomainError } from '../common/domain-error.js';

/**
 * Typed errors of the HSM port. Both backends (PKCS#11 and the in-memory fake) throw these with
 * the same messages, so callers and the contract tests cannot tell them apart.
 *
 * No message ever carries a PIN: PKCS#11 errors name only the CKR_ code, and the tool wrappers
 * scrub secrets from anything a subprocess printed.
 */

/** The token cannot be reached right now (module, slot, session or device trouble). */
export class HsmUnavailableError extends DomainError {
  readonly code = 'HSM_UNAVAILABLE';
  readonly status = 503;
  // A device that comes back, a session that is re-opened: trying again may succeed.
  readonly retryable = true;
}

export class HsmKeyExistsError extends DomainError {
  readonly code = 'HSM_KEY_EXISTS';
  readonly status = 409;
  readonly retryable = false;
}

export class HsmKeyNotFoundError extends DomainError {
  readonly code = 'HSM_KEY_NOT_FOUND';
  readonly status = 404;
  readonly retryable = false;
}

/**
 * The token refused an operation. `ckr` names the PKCS#11 return value (e.g. CKR_PIN_INCORRECT)
 * when there is one. Not retryable: a wrong PIN retried by a job runner would lock the token.
 */
export class HsmOperationError extends DomainError {
  readonly code = 'HSM_OPERATION_FAILED';
  readonly status = 500;
  readonly retryable = false;
  readonly ckr: string | undefined;

  constructor(message: string, options?: { cause?: unknown; ckr?: string }) {
    super(message, options);
    this.ckr = options?.ckr;
  }
}

// Shared message builders keep the two backends word-for-word identical.

export function tokenNotFound(tokenLabel: string, present: readonly string[]): HsmUnavailableError {
  const list = present.length ? present.map((l) => `"${l}"`).join(', ') : 'none';
  return new HsmUnavailableError(`PKCS#11 token "${tokenLabel}" not found (tokens present: ${list})`);
}

export function loginRefused(tokenLabel: string, ckr: string, cause?: unknown): HsmOperationError {
  const hint = ckr === 'CKR_PIN_INCORRECT' ? ' (check the configured PIN)' : '';
  return new HsmOperationError(`login to PKCS#11 token "${tokenLabel}" refused: ${ckr}${hint}`, { ckr, cause });
}

export function tokenAlreadyOpen(tokenLabel: string): HsmOperationError {
  // PKCS#11 login state is per process: a second login would be CKR_USER_ALREADY_LOGGED_IN without
  // checking its PIN, and the first close() would log the second one out. So one opener per token.
  return new HsmOperationError(
    `PKCS#11 token "${tokenLabel}" is already open in this process; share the one HSM instance`,
  );
}

export function keyExists(label: string): HsmKeyExistsError {
  return new HsmKeyExistsError(`a key labelled "${label}" already exists on the token`);
}

export function keyNotFound(label: string): HsmKeyNotFoundError {
  return new HsmKeyNotFoundError(`no private key labelled "${label}" on the token`);
}

export function hsmClosed(): HsmOperationError {
  return new HsmOperationError('the HSM session has been closed');
}
