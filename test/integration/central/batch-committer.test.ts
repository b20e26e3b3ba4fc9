import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { openSqlite } from '../../../src/common/sqlite-database.js';
import { WriteSerializer } from '../../../src/common/write-serializer.js';
import { BatchCommitter, type SqlStatement } from '../../../src/common/batch-committer.js';
import { isUniqueViolation } from '../../../src/common/database-dialect.js';

describe('batch committer: group commit of write units on SQLite (node-sqlite3, real file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'batch-commit-'));
  let ds: DataSource;
  let committer: BatchCommitter;
  const rows = async (table: string) => (await ds.query(`SELECT * FROM ${table} ORDER BY k`)) as Array<Record<string, unknown>>;
  const unit = (k: string, text: string, bytes: Buffer): SqlStatement[] => [
    { sql: 'INSERT INTO item (k, text, bytes, n) VALUES (?, ?, ?, ?)', params: [k, text, bytes, 1.5] },
    { sql: 'INSERT INTO item_log (k, note) VALUES (?, ?)', params: [k, `added ${k}`] },
  ];

  before(async () => {
    ds = await openSqlite(join(dir, 'db.sqlite'), [], []);
    await ds.query('CREATE TABLE item (k TEXT PRIMARY KEY, text TEXT NOT NULL, bytes BLOB NOT NULL, n REAL NOT NULL)');
    await ds.query('CREATE TABLE item_log (k TEXT PRIMARY KEY, note TEXT NOT NULL)');
    const writes = new WriteSerializer(ds);
    committer = new BatchCommitter(ds, writes);
  });
  after(async () => {
    await committer.onModuleDestroy();
    await ds.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ok commits units arriving together, every value read back exactly', async () => {
    const awkward = ["it's", 'quote " and ; -- comment', 'Grüße ✓', "'); DROP TABLE item; --", ''];
    const units = Array.from({ length: 40 }, (_, i) => unit(`a${String(i).padStart(2, '0')}`, awkward[i % awkward.length], Buffer.from([i, 0, 255, 39])));
    await Promise.all(units.map((u) => committer.commit(u)));
    const items = await rows('item');
    assert.equal(items.length, 40);
    items.forEach((r, i) => {
      assert.equal(r.text, awkward[i % awkward.length]);
      assert.deepEqual(Buffer.from(r.bytes as Uint8Array), Buffer.from([i, 0, 255, 39]));
      assert.equal(r.n, 1.5);
    });
    assert.equal((await rows('item_log')).length, 40);
  });

  it('a refused unit fails alone and leaves none of its rows; the others in its batch commit', async () => {
    const batch = [unit('b1', 'x', Buffer.alloc(1)), unit('a00', 'duplicate key', Buffer.alloc(1)), unit('b2', 'y', Buffer.alloc(1))];
    // the duplicate's first statement fails, but make its second one new so a half-commit would show
    batch[1][1] = { sql: 'INSERT INTO item_log (k, note) VALUES (?, ?)', params: ['half', 'must not stay'] };
    batch[1].reverse();
    const outcomes = await Promise.allSettled(batch.map((u) => committer.commit(u)));
    assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.ok(outcomes[1].status === 'rejected' && isUniqueViolation(outcomes[1].reason), 'the caller learns it was the primary key');
    const logs = (await rows('item_log')).map((r) => r.k);
    assert.ok(logs.includes('b1') && logs.includes('b2'));
    assert.ok(!logs.includes('half'), 'the refused unit left nothing behind');
    assert.equal((await rows('item')).find((r) => r.k === 'a00')?.text, "it's", 'the first a00 is untouched');
  });

  it('refuses a value it cannot bind exactly before anything is written', async () => {
    await assert.rejects(committer.commit(unit('c1', 'nul\0inside', Buffer.alloc(1))), /NUL/);
    await assert.rejects(committer.commit([{ sql: 'INSERT INTO item_log (k, note) VALUES (?, ?)', params: ['c2'] }]), /placeholders/);
    const keys = (await rows('item_log')).map((r) => r.k);
    assert.ok(!keys.includes('c1') && !keys.includes('c2'));
  });

  it('keeps working after a refusal: the connection is not left inside a transaction', async () => {
    await committer.commit(unit('d1', 'after', Buffer.alloc(2)));
    await ds.query('BEGIN');
    await ds.query('ROLLBACK');
    assert.equal((await rows('item')).find((r) => r.k === 'd1')?.text, 'after');
  });
});
