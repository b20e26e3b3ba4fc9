import { readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { InvalidInputError } from '../common/domain-error.js';
import { auditRecordFromRow, type AuditRecord } from './audit-record.js';
import type { AuditCheckpoint } from './checkpoint.js';

export interface AuditExport {
  records: AuditRecord[];
  checkpoints: AuditCheckpoint[];
}

const FIELDS: Array<keyof AuditRecord> = ['seq', 'prevHash', 'hash', 'time', 'kind', 'actor', 'orderId', 'deviceSerial', 'fingerprint', 'outcome', 'detail'];

/** Read the audit records and checkpoints of a station database (read-only: a verifier never writes). */
export function readAuditFromDatabase(path: string, fromSeq = 1, toSeq = Number.MAX_SAFE_INTEGER): AuditExport {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const hasCheckpoints = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_checkpoint'`).get();
    const checkpoints = hasCheckpoints
      ? (db.prepare(`SELECT * FROM audit_checkpoint WHERE seq BETWEEN ? AND ? ORDER BY seq`).all(fromSeq, toSeq) as Array<Record<string, unknown>>).map(
          (c): AuditCheckpoint => ({
            stationId: String(c.station_id),
            seq: Number(c.seq),
            hash: String(c.hash),
            time: String(c.time),
            signature: String(c.signature),
            certificates: JSON.parse(String(c.certificates)) as string[],
          }),
        )
      : [];
    const rows = db.prepare(`SELECT * FROM audit_record WHERE seq BETWEEN ? AND ? ORDER BY rowid`).all(fromSeq, toSeq) as Array<Record<string, unknown>>;
    const records = rows.map(auditRecordFromRow);
    return { records, checkpoints };
  } finally {
    db.close();
  }
}

/**
 * An exported audit file: one JSON object per line, in chain order — records, and after the
 * record a checkpoint signed, that checkpoint as {"checkpoint": {…}} (docs/audit.md).
 */
export function writeAuditFile(path: string, data: AuditExport): void {
  writeFileSync(path, formatAuditFile(data));
}

/** The text of an exported audit file (see writeAuditFile). */
export function formatAuditFile(data: AuditExport): string {
  const bySeq = new Map(data.checkpoints.map((c) => [c.seq, c]));
  const lines: string[] = [];
  for (const r of data.records) {
    lines.push(JSON.stringify(r, FIELDS));
    const cp = bySeq.get(r.seq);
    if (cp) lines.push(JSON.stringify({ checkpoint: cp }));
  }
  return lines.join('\n') + '\n';
}

export function readAuditFile(path: string): AuditExport {
  const out: AuditExport = { records: [], checkpoints: [] };
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      let r: Record<string, unknown>;
      try {
        r = JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new InvalidInputError(`${path} line ${i + 1}: not a JSON record`);
      }
      if (r.checkpoint) {
        out.checkpoints.push(r.checkpoint as AuditCheckpoint);
        return;
      }
      for (const f of FIELDS) if (!(f in r)) throw new InvalidInputError(`${path} line ${i + 1}: field ${f} is missing`);
      out.records.push(r as unknown as AuditRecord);
    });
  return out;
}
