import { DomainError } from '../../common/domain-error.js';
import type { PkiFailureInfo } from './pki-status.js';
import type { PkiHeader } from './pki-header.js';

/**
 * A CMP message that cannot be decoded. `header` is set when the PKIHeader itself was readable,
 * so the answer can still echo transactionID and nonces (RFC 4210 §5.1.1); without it the
 * answer has nothing to refer to.
 */
export class CmpMalformedError extends DomainError {
  readonly code = 'CMP_MALFORMED';
  readonly status = 400;
  readonly retryable = false;
  constructor(
    message: string,
    readonly header: PkiHeader | null = null,
  ) {
    super(message);
  }
}

/**
 * A CMP request refused by a protocol check (protection, proof of possession, template,
 * transaction state), with the PKIFailureInfo bits the answer carries (RFC 4210 §5.2.3).
 */
export class CmpRejectedError extends DomainError {
  readonly code = 'CMP_REJECTED';
  readonly status = 400;
  readonly retryable = false;
  constructor(
    readonly failInfo: PkiFailureInfo[],
    message: string,
  ) {
    super(message);
  }
}
