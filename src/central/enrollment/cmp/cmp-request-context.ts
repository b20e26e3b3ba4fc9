import type { PkiMessage } from '../../../pki/cmp/pki-message.js';
import type { RequesterCredentials } from '../enrollment-authority.port.js';

/** A request whose protection verified: who sent it and in which transaction. */
export interface AuthenticatedCmpRequest {
  message: PkiMessage;
  requester: RequesterCredentials;
  /** SHA-256 of the protection certificate, lowercase hex */
  fingerprint: string;
  /** transactionID, lowercase hex */
  transactionId: string;
}
