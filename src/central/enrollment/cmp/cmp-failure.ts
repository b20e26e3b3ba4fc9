import type { PkiFailureInfo } from '../../../pki/cmp/pki-status.js';
import type { RefusalReason } from '../enrollment-authority.port.js';

/**
 * The authority's refusal reasons as PKIFailureInfo bits (RFC 4210 §5.2.3). A device that is
 * not (yet) entitled is `notAuthorized`; a credential that does not chain is `signerNotTrusted`
 * with `badMessageCheck` (the protection cannot be trusted); revocation adds `certRevoked`.
 */
const FAILURE_FOR_REFUSAL: Record<RefusalReason, PkiFailureInfo[]> = {
  'bad-request': ['badRequest', 'badCertTemplate'],
  'bad-chain': ['signerNotTrusted', 'badMessageCheck'],
  'unknown-device': ['notAuthorized'],
  'out-of-range': ['notAuthorized'],
  'over-quota': ['notAuthorized'],
  revoked: ['notAuthorized', 'certRevoked'],
  clone: ['notAuthorized', 'duplicateCertReq'],
  'not-allowed': ['notAuthorized'],
};

export const failureInfoFor = (reason: RefusalReason): PkiFailureInfo[] => FAILURE_FOR_REFUSAL[reason];
