import { DomainError } from '../common/domain-error.js';

export type QuotaGrantRejection =
  | 'GRANT_MALFORMED'
  | 'GRANT_FORGED'
  | 'GRANT_TAMPERED'
  | 'GRANT_NOT_YET_VALID'
  | 'GRANT_EXPIRED'
  | 'GRANT_WRONG_STATION';

/**
 * A quota grant the station refuses to import (system.md §4, layer 1). Never retryable: the
 * same bytes will be refused again; central has to issue a new grant.
 */
export class QuotaGrantRejectedError extends DomainError {
  readonly code: QuotaGrantRejection;
  readonly status = 422;
  readonly retryable = false;
  constructor(code: QuotaGrantRejection, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
  }
}
