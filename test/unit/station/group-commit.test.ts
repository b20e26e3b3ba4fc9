import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { GroupCommitWriter } from '../../../src/station/database/group-commit.js';

function scratch() {
  const dir = mkdtempSync(join(tmpdir(), 'gc-'));
  const path = join(dir, 'db.sqlite');
  const db = new Database(path);
  db.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)`);
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

  it('fail writing after close is refused', async () => {
    const s = scratch();
    const w = await GroupCommitWriter.open(s.path);
    await w.close();
    await assert.rejects(w.write('INSERT INTO t (v) VALUES (?)', ['x']), /closed/);
    s.done();
  });
});
