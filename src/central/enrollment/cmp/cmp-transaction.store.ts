import { createHash } from 'node:crypto';
import { pooledRandomBytes } from '../../../common/random-pool.js';
import type { CertRequestBodyType } from '../../../pki/cmp/pki-body.js';
import type { EnrollmentOperation } from '../enrollment-authority.port.js';

/**
 * Where CMP keeps a transaction between its messages (ir → certConf, ir → pollReq … → certConf).
 * Central runs several enrollment nodes behind a load balancer, so the next message of a
 * transaction may reach another process: the state lives in the shared database, and every
 * change is a compare-and-set on `version` so two nodes never both act on one transaction.
 */
export const CMP_TRANSACTION_STORE = Symbol('CMP_TRANSACTION_STORE');

/**
 * - `pending`: the authority answered "pending"; the client polls (pollReq).
 * - `awaiting-confirm`: a certificate was issued; the client must send certConf.
 * - `closed`: claimed by a node that is finishing it (certConf handled, or expiry); removed next.
 */
export type CmpTransactionState = 'pending' | 'awaiting-confirm' | 'closed';

/** The enrollment request as it will be replayed to the authority on polling (base64 DER). */
export interface StoredEnrollmentRequest {
  operation: EnrollmentOperation;
  spki: string;
  subject?: string;
  requesterCertificate: string;
  requesterChain: string[];
}

export interface CmpTransaction {
  /** transactionID, lowercase hex */
  transactionId: string;
  /** changes with every update; the compare-and-set token */
  version: string;
  state: CmpTransactionState;
  /** SHA-256 of the protection certificate: later messages must come from the same requester */
  requesterFingerprint: string;
  bodyType: CertRequestBodyType;
  certReqId: number;
  implicitConfirmRequested: boolean;
  request: StoredEnrollmentRequest;
  /** set once issued (base64 DER) */
  issued?: { certificate: string; serialHex: string };
  /** ISO time after which the transaction is abandoned */
  expiresAt: string;
}

export interface CmpTransactionStore {
  find(transactionId: string): Promise<CmpTransaction | null>;
  /** false when a transaction with that id exists already (transactionIdInUse) */
  insert(tx: CmpTransaction): Promise<boolean>;
  /** Replace the stored transaction if its version is still `expectedVersion`; true when this call won. */
  update(tx: CmpTransaction, expectedVersion: string): Promise<boolean>;
  remove(transactionId: string): Promise<void>;
  /** Transactions whose expiresAt is before `now`, oldest first. */
  expired(now: Date, limit: number): Promise<CmpTransaction[]>;
  /** Certificates issued through CMP, by issuer and serial: an rr names its target only so. */
  rememberCertificate(issuer: Buffer, serialHex: string, certificate: Buffer): Promise<void>;
  findCertificate(issuer: Buffer, serialHex: string): Promise<Buffer | null>;
}

export const newVersion = (): string => pooledRandomBytes(12).toString('hex');

/** Key of an issued certificate by issuer and serial (the issuer Name hashed to keep keys short). */
export const issuedCertificateKey = (issuer: Buffer, serialHex: string): string =>
  `${createHash('sha256').update(issuer).digest('hex')}:${serialHex}`;
