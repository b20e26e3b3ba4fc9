import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chainRecord, GENESIS_HASH, recordHash, type AuditRecord } from '../../../src/audit/audit-record.js';
import { verifyAuditChain } from '../../../src/audit/verify-chain.js';

function chain(n: number): AuditRecord[] {
  const out: AuditRecord[] = [];
  let head = { seq: 0, hash: GENESIS_HASH };
  for (let i = 0; i < n; i++) {
    const r = chainRecord(head, {
      time: `2026-11-23T08:00:${String(i).padStart(2, '0')}.000Z`,
      kind: 'certificate-signed',
      actor: 'jig 1 slot 0',
      orderId: 'PO-1',
      deviceSerial: `SN${i}`,
      fingerprint: 'ab'.repeat(32),
      outcome: 'ok',
      detail: `record ${i}`,
    });
    out.push(r);
    head = r;
  }
  return out;
}

describe('audit chain verification', () => {
  it('ok an untouched chain verifies and reports its head', () => {
    const c = chain(10);
    const v = verifyAuditChain(c);
    assert.equal(v.ok, true);
    assert.deepEqual([v.checked, v.firstSeq, v.lastSeq, v.headHash], [10, 1, 10, c[9].hash]);
  });

  it('ok a batch from the middle verifies given the hash before it, and fails given another', () => {
    const c = chain(10);
    assert.equal(verifyAuditChain(c.slice(4), { prevHash: c[3].hash }).ok, true);
    assert.equal(verifyAuditChain(c.slice(4), { prevHash: c[2].hash }).firstBad?.seq, 5);
  });

  it('fail an edited field is named at its record', () => {
    const c = chain(10);
    c[6] = { ...c[6], deviceSerial: 'SN-FORGED' };
    const v = verifyAuditChain(c);
    assert.deepEqual([v.ok, v.firstBad?.seq, v.checked], [false, 7, 6]);
    assert.match(v.firstBad!.reason, /altered/);
  });

  it('fail an edited field with its hash recomputed breaks the next record', () => {
    const c = chain(10);
    const forged = { ...c[6], outcome: 'refused' as const };
    c[6] = { ...forged, hash: recordHash(forged) };
    assert.equal(verifyAuditChain(c).firstBad?.seq, 8);
  });

  it('fail a deleted record is named where the gap is', () => {
    const c = chain(10);
    c.splice(3, 1);
    const v = verifyAuditChain(c);
    assert.equal(v.firstBad?.seq, 5);
    assert.match(v.firstBad!.reason, /sequence 5 where 4 was due/);
  });

  it('fail an inserted record is named', () => {
    const c = chain(10);
    c.splice(5, 0, { ...c[4] });
    assert.equal(verifyAuditChain(c).firstBad?.index, 5);
  });

  it('fail two records swapped is named at the first of them', () => {
    const c = chain(10);
    [c[2], c[3]] = [c[3], c[2]];
    assert.equal(verifyAuditChain(c).firstBad?.index, 2);
  });

  it('fail a chain that does not start at genesis', () => {
    const c = chain(3);
    c[0] = { ...c[0], prevHash: 'f'.repeat(64) };
    assert.equal(verifyAuditChain(c).firstBad?.seq, 1);
  });
});
