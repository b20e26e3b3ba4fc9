import { DomainError } from '../common/domain-error.js';

/**
 * An OCSP request that cannot be read (not DER, wrong structure, too large, a bad nonce). The
 * responder answers it with the OCSP `malformedRequest` status (RFC 6960 §2.3), never an
 * exception on the wire.
 */
export class OcspMalformedRequestError extends DomainError {
  readonly code = 'OCSP_MALFORMED_REQUEST';
  readonly status = 400;
  readonly retryable = false;
}
