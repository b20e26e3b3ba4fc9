import { DomainError } from '../../common/domain-error.js';

/** A CRL or CA certificate asked for a CA the validation authority does not serve. */
export class VaUnknownCaError extends DomainError {
  readonly code = 'VA_UNKNOWN_CA';
  readonly status = 404;
  readonly retryable = false;
}
