import { readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { InvalidInputError } from '../common/domain-error.js';
import type { AuditRecord } from './audit-record.js';

const FIELDS: Array<keyof AuditRecord> = ['seq', 'prevHash', 'hash', 'time', 'kind', 'actor', 'orderId', 'deviceSerial', 'fingerprint', 'outcome', 'detail'];

/** Read the audit records of a station database (read-only: a verifier never writes). */
export function readAuditFromDatabase(path: string, fromSeq = 1, toSeq = Number.MAX_SAFE_INTEGER): AuditRecord[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare(`SELECT * FROM audit_record WHERE seq BETWEEN ? AND ? ORDER BY rowid`).all(fromSeq, toSeq) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
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
    }));
  } finally {
    db.close();
  }
}

/** An exported audit file: one JSON record per line, in chain order (docs/audit.md). */
export function writeAuditFile(path: string, records: AuditRecord[]): void {
  writeFileSync(path, records.map((r) => JSON.stringify(r, FIELDS)).join('\n') + '\n');
}

export function readAuditFile(path: string): AuditRecord[] {
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
  return lines.map((line, i) => {
    let r: Record<string, unknown>;
    try {
      r = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new InvalidInputError(`${path} line ${i + 1}: not a JSON record`);
    }
    for (const f of FIELDS) if (!(f in r)) throw new InvalidInputError(`${path} line ${i + 1}: field ${f} is missing`);
    return r as unknown as AuditRecord;
  });
}
