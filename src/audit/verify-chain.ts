import { GENESIS_HASH, recordHash, type AuditRecord } from './audit-record.js';

export interface ChainVerdict {
  ok: boolean;
  /** records checked (up to and excluding the first bad one) */
  checked: number;
  firstSeq: number | null;
  lastSeq: number | null;
  /** the last good record's hash: what the next record must name as its prevHash */
  headHash: string | null;
  firstBad?: { seq: number | null; index: number; reason: string };
}

/**
 * Check a run of audit records using nothing but the records: sequence numbers consecutive,
 * each record naming its predecessor's hash, each hash recomputed from the record's own
 * fields. Editing, deleting, inserting or reordering any record breaks one of these at that
 * record, which is named. A run may start anywhere (an exported batch); pass the hash the
 * record before it had, when known, or it is taken on trust (GENESIS for seq 1).
 */
export function verifyAuditChain(records: AuditRecord[], opts: { prevHash?: string } = {}): ChainVerdict {
  const verdict: ChainVerdict = { ok: true, checked: 0, firstSeq: records[0]?.seq ?? null, lastSeq: null, headHash: null };
  const fail = (index: number, reason: string): ChainVerdict => ({
    ...verdict,
    ok: false,
    firstBad: { seq: records[index]?.seq ?? null, index, reason },
  });
  let expectedPrev = opts.prevHash ?? (records[0]?.seq === 1 ? GENESIS_HASH : records[0]?.prevHash);
  let expectedSeq = records[0]?.seq;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (!Number.isInteger(r.seq) || r.seq !== expectedSeq) {
      return fail(i, `sequence ${r.seq} where ${expectedSeq} was due: a record was deleted, inserted or moved before it`);
    }
    if (r.prevHash !== expectedPrev) {
      return fail(i, `record ${r.seq} names previous hash ${String(r.prevHash).slice(0, 16)}…, but the record before it hashes to ${String(expectedPrev).slice(0, 16)}…`);
    }
    if (recordHash(r) !== r.hash) {
      return fail(i, `record ${r.seq} was altered: its content no longer matches its hash`);
    }
    verdict.checked++;
    verdict.lastSeq = r.seq;
    verdict.headHash = r.hash;
    expectedPrev = r.hash;
    expectedSeq = r.seq + 1;
  }
  return verdict;
}
