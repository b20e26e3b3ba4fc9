import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { openSqlite } from '../../../src/common/sqlite-database.js';
import { WriteSerializer } from '../../../src/common/write-serializer.js';
import { BatchCommitter, type SqlStatement, type ViewRow } from '../../../src/common/batch-committer.js';
import { isUniqueViolation } from '../../../src/common/database-dialect.js';
import { PreparedReads } from '../../../src/common/prepared-reads.js';

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
    // a unit written through a view, as the greenfield enrollment is (decision 0014)
    await ds.query('CREATE VIEW item_unit AS SELECT NULL AS k, NULL AS text, NULL AS bytes, NULL AS note WHERE 0');
    await ds.query(`CREATE TRIGGER item_unit_write INSTEAD OF INSERT ON item_unit BEGIN
      INSERT INTO item_log (k, note) VALUES (NEW.k, NEW.note);
      INSERT INTO item (k, text, bytes, n) VALUES (NEW.k, NEW.text, NEW.bytes, 2.5);
    END`);
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

  const row = (k: string, text: string, bytes: Buffer, note = `row ${k}`): ViewRow => ({ view: 'item_unit', columns: ['k', 'text', 'bytes', 'note'], values: [k, text, bytes, note] });

  it('ok commits rows into a view arriving together, every value read back exactly, beside script units in one batch', async () => {
    const awkward = ["it's", 'quote " and ; -- comment', 'Grüße ✓', "'); DROP TABLE item; --", '?'];
    const units = Array.from({ length: 30 }, (_, i) => `r${String(i).padStart(2, '0')}`);
    await Promise.all(units.map((k, i) => (i % 3 === 2
      ? committer.commit(unit(k, awkward[i % awkward.length], Buffer.from([i, 1])))
      : committer.commitRow(row(k, awkward[i % awkward.length], Buffer.from([i, 0, 255, 39]))))));
    const items = (await rows('item')).filter((r) => String(r.k).startsWith('r'));
    assert.equal(items.length, 30);
    items.forEach((r, i) => {
      assert.equal(r.text, awkward[i % awkward.length]);
      assert.deepEqual(Buffer.from(r.bytes as Uint8Array), i % 3 === 2 ? Buffer.from([i, 1]) : Buffer.from([i, 0, 255, 39]));
      assert.equal(r.n, i % 3 === 2 ? 1.5 : 2.5, 'script units and rows each wrote their own');
    });
    assert.equal((await rows('item_log')).filter((r) => String(r.k).startsWith('r')).length, 30);
  });

  it('a refused row fails alone and leaves none of its trigger\'s writes; the others in its batch commit', async () => {
    // the duplicate's item_log row is new, its item row is not: a half-written unit would show
    const outcomes = await Promise.allSettled([
      committer.commitRow(row('s1', 'x', Buffer.alloc(1))),
      committer.commitRow(row('r00', 'duplicate', Buffer.alloc(1), 'must not stay')),
      committer.commit(unit('s2', 'y', Buffer.alloc(1))),
      committer.commitRow(row('s3', 'z', Buffer.alloc(1))),
    ]);
    assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    assert.ok(outcomes[1].status === 'rejected' && isUniqueViolation(outcomes[1].reason), 'the caller learns it was the primary key');
    const logs = await rows('item_log');
    assert.deepEqual(['s1', 's2', 's3'].filter((k) => logs.some((r) => r.k === k)), ['s1', 's2', 's3']);
    assert.ok(!logs.some((r) => r.note === 'must not stay'), 'the refused row left nothing behind');
    assert.equal((await rows('item')).find((r) => r.k === 'r00')?.text, "it's", 'the first r00 is untouched');
  });

  it('refuses a row it cannot bind exactly, or whose names are not plain, before anything is written', async () => {
    const before = (await rows('item_log')).length;
    await assert.rejects(committer.commitRow({ ...row('t1', 'x', Buffer.alloc(1)), values: ['t1', 'x', Buffer.alloc(1), { note: 1 }] }), /cannot be bound/);
    await assert.rejects(committer.commitRow({ ...row('t2', 'x', Buffer.alloc(1)), values: ['t2', 'x', Buffer.alloc(1), Number.NaN] }), /NaN cannot be bound/);
    await assert.rejects(committer.commitRow({ ...row('t3', 'x', Buffer.alloc(1)), values: ['t3', 'x'] }), /4 columns of item_unit given 2 values/);
    await assert.rejects(committer.commitRow({ ...row('t4', 'x', Buffer.alloc(1)), view: 'item_unit; DROP TABLE item' }), /not a plain SQL name/);
    assert.equal((await rows('item_log')).length, before);
  });

  it('a view or table SQLite cannot prepare a statement for is a rejected write or read, not a crash; once it exists, it works', async () => {
    const reads = new PreparedReads(ds);
    const later: ViewRow = { view: 'later_unit', columns: ['k'], values: ['l1'] };
    await assert.rejects(committer.commitRow(later), /no such table: later_unit/);
    await assert.rejects(reads.all('SELECT k FROM later_log', []), /no such table: later_log/);
    await ds.query('CREATE TABLE later_log (k TEXT PRIMARY KEY)');
    await ds.query('CREATE VIEW later_unit AS SELECT NULL AS k WHERE 0');
    await ds.query('CREATE TRIGGER later_unit_write INSTEAD OF INSERT ON later_unit BEGIN INSERT INTO later_log (k) VALUES (NEW.k); END');
    await committer.commitRow(later);
    assert.deepEqual(await reads.all('SELECT k FROM later_log', []), [{ k: 'l1' }]);
    await reads.onModuleDestroy();
  });

  it('keeps working after a refusal: the connection is not left inside a transaction', async () => {
    await committer.commit(unit('d1', 'after', Buffer.alloc(2)));
    await ds.query('BEGIN');
    await ds.query('ROLLBACK');
    assert.equal((await rows('item')).find((r) => r.k === 'd1')?.text, 'after');
  });
});
