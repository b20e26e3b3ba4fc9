/**
 * Base of every typed domain error. `status` is the HTTP status the API filter answers with;
 * `retryable` tells the job runner whether trying again may succeed (a refusal by policy never
 * will, a timeout on a wire may). Protocol front-ends map `code` into their own error forms.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  abstract readonly retryable: boolean;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad external input: rejected at the boundary, nothing changed. */
export class InvalidInputError extends DomainError {
  readonly code = 'INVALID_INPUT';
  readonly status = 400;
  readonly retryable = false;
}

export class ConfigError extends DomainError {
  readonly code = 'CONFIG_INVALID';
  readonly status = 500;
  readonly retryable = false;
}
