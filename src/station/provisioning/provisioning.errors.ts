import { DomainError } from '../../common/domain-error.js';

/** What the device stored differs from what was sent: retried (the same certificate is re-sent). */
export class ReadBackMismatchError extends DomainError {
  readonly code = 'READ_BACK_MISMATCH';
  readonly status = 502;
  readonly retryable = true;
}

export class DeviceRefusedError extends DomainError {
  readonly status = 409;
  readonly retryable = false;
  constructor(readonly code: 'DEVICE_MISMATCH' | 'DEVICE_LOCKED' | 'BAD_DEVICE_SERIAL', message: string) {
    super(message);
  }
}
