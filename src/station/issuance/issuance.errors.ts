import { DomainError } from '../../common/domain-error.js';

/** A policy refusal: the device (or order) may not get a certificate. Never retried. */
abstract class RefusalError extends DomainError {
  readonly status = 409;
  readonly retryable = false;
}

export class QuotaExhaustedError extends RefusalError {
  readonly code = 'QUOTA_EXHAUSTED';
}
export class SerialOutOfRangeError extends RefusalError {
  readonly code = 'SERIAL_OUT_OF_RANGE';
}
export class DuplicateSerialError extends RefusalError {
  readonly code = 'DUPLICATE_SERIAL';
}
export class OrderNotOpenError extends RefusalError {
  readonly code = 'ORDER_NOT_OPEN';
}
export class NoOrderForProductError extends RefusalError {
  readonly code = 'NO_OPEN_ORDER';
}
export class DeviceMismatchError extends RefusalError {
  readonly code = 'DEVICE_MISMATCH';
}
