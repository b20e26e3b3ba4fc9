import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bindSqlite, sqliteLiteral } from '../../../src/common/sqlite-literal.js';

describe('SQLite literals: values bound into a script', () => {
  it('ok writes text with its quotes doubled, bytes as a blob, numbers, NULL and booleans', () => {
    assert.equal(sqliteLiteral("O'Brien'); DROP TABLE t; --"), "'O''Brien''); DROP TABLE t; --'");
    assert.equal(sqliteLiteral(Buffer.from([0, 1, 0xab])), "X'0001ab'");
    assert.equal(sqliteLiteral(new Uint8Array([9, 8]).subarray(1)), "X'08'");
    assert.equal(sqliteLiteral(-12.5), '-12.5');
    assert.equal(sqliteLiteral(12n), '12');
    assert.equal(sqliteLiteral(null), 'NULL');
    assert.equal(sqliteLiteral(undefined), 'NULL');
    assert.equal(sqliteLiteral(true), '1');
    assert.equal(sqliteLiteral(new Date('2026-01-02T03:04:05.000Z')), "'2026-01-02T03:04:05.000Z'");
  });

  it('refuses what it cannot write exactly: NUL in text, NaN, infinities, objects', () => {
    assert.throws(() => sqliteLiteral('a\0b'), /NUL/);
    assert.throws(() => sqliteLiteral(Number.NaN), TypeError);
    assert.throws(() => sqliteLiteral(Infinity), TypeError);
    assert.throws(() => sqliteLiteral({ a: 1 }), TypeError);
  });

  it('ok binds placeholders in order and leaves a ? inside the statement\'s own quotes alone', () => {
    assert.equal(bindSqlite(`SELECT '?' AS q, ? AS a, "?" AS b, ?`, ['x', 2]), `SELECT '?' AS q, 'x' AS a, "?" AS b, 2`);
  });

  it('refuses a placeholder count that does not match the values', () => {
    assert.throws(() => bindSqlite('VALUES (?, ?)', [1]), /more placeholders/);
    assert.throws(() => bindSqlite('VALUES (?)', [1, 2]), /1 placeholders for 2 values/);
  });
});
