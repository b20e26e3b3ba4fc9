import { hash } from 'node:crypto';

/** What an audited event says (system.md §6): who did what, to which order and device. */
export interface AuditFields {
  time: string;
  kind: string;
  actor: string;
  orderId: string | null;
  deviceSerial: string | null;
  /** SHA-256 of the certificate (or grant) the event is about, hex */
  fingerprint: string | null;
  outcome: 'ok' | 'refused' | 'failed' | 'alarm';
  detail: string;
}

/** A record of the station's hash chain: every record commits to the one before it. */
export interface AuditRecord extends AuditFields {
  seq: number;
  prevHash: string;
  hash: string;
}

export const AUDIT_FORMAT_VERSION = 1;
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The exact bytes a record's hash covers: a JSON array of the format version and every field in
 * a fixed order (strings, integers and nulls only, so every JSON encoder writes it identically).
 * Documented in docs/audit.md so an auditor's tool can recompute it.
 */
export function canonicalBytes(r: Omit<AuditRecord, 'hash'>): Buffer {
  return Buffer.from(canonicalJson(r), 'utf8');
}

function canonicalJson(r: Omit<AuditRecord, 'hash'>): string {
  return JSON.stringify([AUDIT_FORMAT_VERSION, r.seq, r.prevHash, r.time, r.kind, r.actor, r.orderId, r.deviceSerial, r.fingerprint, r.outcome, r.detail]);
}

export function recordHash(r: Omit<AuditRecord, 'hash'>): string {
  // the same bytes as canonicalBytes(r): a string is hashed as its UTF-8, one shot, no Buffer copy
  return hash('sha256', canonicalJson(r), 'hex');
}

/** Chain the next record onto `head` (the previous record's seq and hash). */
export function chainRecord(head: { seq: number; hash: string }, fields: AuditFields): AuditRecord {
  const unhashed = { ...fields, seq: head.seq + 1, prevHash: head.hash };
  return { ...unhashed, hash: recordHash(unhashed) };
}

/** A record from its database row (station audit_record columns). */
export function auditRecordFromRow(r: Record<string, unknown>): AuditRecord {
  return {
    seq: Number(r.seq),
    prevHash: String(r.prev_hash),
    hash: String(r.hash),
    time: String(r.time),
    kind: String(r.kind),
    actor: String(r.actor),
    orderId: (r.order_id as string | null) ?? null,
    deviceSerial: (r.device_serial as string | null) ?? null,
    fingerprint: (r.fingerprint as string | null) ?? null,
    outcome: r.outcome as AuditRecord['outcome'],
    detail: String(r.detail),
  };
}
