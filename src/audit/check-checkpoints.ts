import type { AuditRecord } from './audit-record.js';
import { verifyCheckpoint, CheckpointInvalidError, type AuditCheckpoint } from './checkpoint.js';

export type CheckpointVerdict = { ok: true; summary: string } | { ok: false; reason: string };

/**
 * Hold signed checkpoints against the records: each must match the record at its seq (else the
 * chain was rewritten), none may lie beyond the last record (else records were cut off), and —
 * with the brand root as anchor — each signature must be the station's audit key's.
 */
export function checkCheckpoints(records: AuditRecord[], checkpoints: AuditCheckpoint[], anchor: Uint8Array | null): CheckpointVerdict {
  const bySeq = new Map(records.map((r) => [r.seq, r]));
  const last = records[records.length - 1]?.seq ?? 0;
  for (const cp of checkpoints) {
    if (anchor) {
      try {
        verifyCheckpoint(cp, anchor);
      } catch (err) {
        if (err instanceof CheckpointInvalidError) return { ok: false, reason: err.message };
        throw err;
      }
    }
    if (cp.seq > last) {
      return { ok: false, reason: `a checkpoint signed at record ${cp.seq}, but the records end at ${last}: records were cut off` };
    }
    const r = bySeq.get(cp.seq);
    if (r && r.hash !== cp.hash) {
      return { ok: false, reason: `record ${cp.seq} differs from what checkpoint ${cp.time} signed: the chain was rewritten up to it` };
    }
  }
  if (checkpoints.length === 0) return { ok: true, summary: 'no signed checkpoint in these records: their end is not vouched for' };
  const covered = Math.max(...checkpoints.map((c) => c.seq));
  return {
    ok: true,
    summary:
      `${checkpoints.length} checkpoint(s) ${anchor ? 'verified against the brand root' : 'matched (signatures not checked: give --anchor)'}, ` +
      `last at record ${covered}${covered < last ? `; records ${covered + 1}..${last} are not yet covered by a signed checkpoint` : ''}`,
  };
}
