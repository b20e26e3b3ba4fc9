import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { GroupCommitWriter, WriteRefusedError } from '../../../src/station/database/group-commit.js';
import { auditRecordFromRow, GENESIS_HASH, recordHash, type AuditFields } from '../../../src/audit/audit-record.js';

function scratch() {
  const dir = mkdtempSync(join(tmpdir(), 'gc-'));
  const path = join(dir, 'db.sqlite');
  const db = new Database(path);
  db.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)`);
  db.exec(`CREATE TABLE audit_record (seq INTEGER PRIMARY KEY, prev_hash TEXT NOT NULL, hash TEXT NOT NULL, time TEXT NOT NULL, kind TEXT NOT NULL,
    actor TEXT NOT NULL, order_id TEXT, device_serial TEXT, fingerprint TEXT, outcome TEXT NOT NULL, detail TEXT NOT NULL)`);
  db.close();
  return { path, done: () => rmSync(dir, { recursive: true, force: true }) };
}

describe('GroupCommitWriter', () => {
  it('ok concurrent writes share one transaction and are all durable when they resolve', async () => {
    const s = scratch();
    const w = await GroupCommitWriter.open(s.path);
    const ids = await Promise.all(Array.from({ length: 100 }, (_, i) => w.write('INSERT INTO t (v) VALUES (?)', [`v${i}`])));
    assert.deepEqual(ids.map((r) => r.lastID).sort((a, b) => a - b), Array.from({ length: 100 }, (_, i) => i + 1));
    const reader = new Database(s.path, { readonly: true });
    assert.equal((reader.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n, 100);
    reader.close();
    await w.close();
    s.done();
  });

  it('fail a failing statement fails alone; the rest of its batch commits', async () => {
    const s = scratch();
    const w = await GroupCommitWriter.open(s.path);
    const results = await Promise.allSettled([
      w.write('INSERT INTO t (v) VALUES (?)', ['a']),
      w.write('INSERT INTO t (v) VALUES (?)', ['a']), // UNIQUE violation
      w.write('INSERT INTO t (v) VALUES (?)', ['b']),
    ]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.match(String((results[1] as PromiseRejectedResult).reason), /UNIQUE/);
    await w.close();
    const reader = new Database(s.path, { readonly: true });
    assert.deepEqual(reader.prepare('SELECT v FROM t ORDER BY v').all(), [{ v: 'a' }, { v: 'b' }]);
    reader.close();
    s.done();
  });

  it('ok synced and unsynced writes from many overlapping batches all resolve, each once, and all are on record', async () => {
    const s = scratch();
    const w = await GroupCommitWriter.open(s.path);
    const settled: number[] = [];
    const writes: Promise<unknown>[] = [];
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 10; i++) {
        const n = round * 10 + i;
        writes.push(w.write('INSERT INTO t (v) VALUES (?)', [`v${n}`], { sync: n % 3 === 0 }).then(() => settled.push(n)));
      }
      await new Promise((r) => setImmediate(r)); // let batches leave while earlier ones still sync
    }
    await Promise.all(writes);
    assert.deepEqual([...settled].sort((a, b) => a - b), Array.from({ length: 200 }, (_, i) => i));
    await w.close();
    const reader = new Database(s.path, { readonly: true });
    assert.equal((reader.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n, 200);
    assert.equal((reader.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check, 'ok');
    reader.close();
    s.done();
  });

  it('ok a write while the writer thread is idle commits at once on this thread, RETURNING row and all', async () => {
    const s = scratch();
    const w = await GroupCommitWriter.open(s.path);
    const pending = w.write('INSERT INTO t (v) VALUES (?) RETURNING id, v', ['now'], { sync: false });
    // committed before the promise is even awaited: another connection sees it at once
    const reader = new Database(s.path, { readonly: true });
    assert.deepEqual(reader.prepare('SELECT v FROM t').all(), [{ v: 'now' }]);
    assert.deepEqual((await pending).row, { id: 1, v: 'now' });
    await assert.rejects(w.write('INSERT INTO t (v) VALUES (?)', ['now']), (err: unknown) => err instanceof WriteRefusedError && /UNIQUE/.test(err.message));
    await assert.rejects(
      w.group([{ sql: 'INSERT INTO t (v) VALUES (?)', params: ['half'] }, { sql: 'INSERT INTO t (v) VALUES (?)', params: ['now'] }]),
      WriteRefusedError,
    );
    assert.deepEqual(reader.prepare('SELECT v FROM t').all(), [{ v: 'now' }], 'a refused group leaves none of its rows');
    reader.close();
    await w.close();
    s.done();
  });

  it('ok a database busy with another connection\'s transaction: the write goes to the writer thread and commits once the lock is free', async () => {
    const s = scratch();
    const w = await GroupCommitWriter.open(s.path);
    const other = new Database(s.path);
    other.exec('BEGIN IMMEDIATE');
    other.prepare('INSERT INTO t (v) VALUES (?)').run('other');
    let done = false;
    const write = w.write('INSERT INTO t (v) VALUES (?)', ['mine']).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(done, false, 'nothing committed past the other transaction, and the event loop was not blocked');
    other.exec('COMMIT');
    await write;
    assert.deepEqual(other.prepare('SELECT v FROM t ORDER BY id').all(), [{ v: 'other' }, { v: 'mine' }]);
    other.close();
    await w.close();
    s.done();
  });

  it('ok audit records appended on this thread and on the writer thread form one unbroken chain', async () => {
    const s = scratch();
    const w = await GroupCommitWriter.open(s.path);
    const fields = (n: number): AuditFields => ({ time: new Date(0).toISOString(), kind: 'test', actor: 'unit', orderId: null, deviceSerial: `D${n}`, fingerprint: null, outcome: 'ok', detail: `record ${n}` });
    let n = 0;
    try {
      for (let round = 0; round < 15; round++) {
        // a lone append (idle writer: this thread), then a burst (the writer thread, batched)
        await w.audit(fields(n++));
        await Promise.all(Array.from({ length: 1 + (round % 4) }, () => w.audit(fields(n++))));
        if (round % 3 === 0) await new Promise((r) => setTimeout(r, 3));
      }
    } finally {
      await w.close();
    }
    const reader = new Database(s.path, { readonly: true });
    const rows = (reader.prepare('SELECT * FROM audit_record ORDER BY seq').all() as Array<Record<string, unknown>>).map(auditRecordFromRow);
    reader.close();
    assert.equal(rows.length, n);
    let prev = { seq: 0, hash: GENESIS_HASH };
    for (const r of rows) {
      assert.equal(r.seq, prev.seq + 1);
      assert.equal(r.prevHash, prev.hash, `record ${r.seq} links to the one before`);
      assert.equal(recordHash(r), r.hash);
      prev = r;
    }
    assert.deepEqual(new Set(rows.map((r) => r.detail)).size, n, 'each append once');
    s.done();
  });

  it('ok the WAL stays bounded when every write commits on the event loop\'s thread (the writer thread checkpoints it)', async () => {
    const s = scratch();
    const w = await GroupCommitWriter.open(s.path);
    try {
      for (let i = 0; i < 3000; i++) {
        await w.write('INSERT INTO t (v) VALUES (?)', [`row-${i}-${'x'.repeat(200)}`], { sync: false });
        if (i % 64 === 63) await new Promise((r) => setTimeout(r, 1)); // the writer thread gets to run
      }
      // 3,000 commits of at least one 4 KiB page each would be 12 MB of WAL without checkpoints
      assert.ok(statSync(`${s.path}-wal`).size < 3 * 1024 * 1024, `WAL is ${statSync(`${s.path}-wal`).size} bytes`);
    } finally {
      await w.close();
    }
    const reader = new Database(s.path, { readonly: true });
    assert.equal((reader.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n, 3000);
    reader.close();
    s.done();
  });

  it('fail writing after close is refused', async () => {
    const s = scratch();
    const w = await GroupCommitWriter.open(s.path);
    await w.close();
    await assert.rejects(w.write('INSERT INTO t (v) VALUES (?)', ['x']), /closed/);
    s.done();
  });
});
