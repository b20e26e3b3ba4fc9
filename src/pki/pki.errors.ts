import { DomainError } from '../common/domain-error.js';

/** A CSR that cannot be used: malformed, bad proof of possession, or against the key policy. */
export class CsrRejectedError extends DomainError {
  readonly code: string;
  readonly status = 422;
  readonly retryable = false;
  constructor(code: 'CSR_MALFORMED' | 'CSR_BAD_SIGNATURE' | 'CSR_KEY_POLICY' | 'CSR_SUBJECT_MISMATCH', message: string) {
    super(message);
    this.code = code;
  }
}

export class CertificateMalformedError extends DomainError {
  readonly code = 'CERTIFICATE_MALFORMED';
  readonly status = 400;
  readonly retryable = false;
}
