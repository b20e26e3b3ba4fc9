import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isUniqueViolation, sql, toCount } from '../../../src/common/database-dialect.js';
import { parsePostgresUrl } from '../../../src/common/postgres-database.js';
import { advisoryKey } from '../../../src/common/database-locks.js';
import { ConfigError } from '../../../src/common/domain-error.js';

describe('database dialect: SQL written once, in the SQLite spelling', () => {
  it('ok leaves SQLite text as it is', () => {
    const text = 'INSERT OR IGNORE INTO t (a, b) VALUES (?, ?)';
    assert.equal(sql(text, 'sqlite'), text);
  });

  it('ok numbers placeholders across a multi-row INSERT and ends it with ON CONFLICT DO NOTHING', () => {
    assert.equal(
      sql('INSERT OR IGNORE INTO t (a, b) VALUES (?, ?), (?, ?)', 'postgres'),
      'INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4) ON CONFLICT DO NOTHING',
    );
  });

  it('ok translates BLOB and AUTOINCREMENT keys in DDL', () => {
    assert.equal(
      sql('CREATE TABLE x (id INTEGER PRIMARY KEY AUTOINCREMENT, der BLOB NOT NULL)', 'postgres'),
      'CREATE TABLE x (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, der BYTEA NOT NULL)',
    );
  });

  it('ok recognises a unique violation from either driver, and nothing else', () => {
    assert.ok(isUniqueViolation({ driverError: { code: '23505', message: 'duplicate key value violates unique constraint' } }));
    assert.ok(isUniqueViolation({ code: 'SQLITE_CONSTRAINT', message: 'SQLITE_CONSTRAINT: UNIQUE constraint failed: t.a' }));
    assert.ok(!isUniqueViolation({ code: 'SQLITE_CONSTRAINT', message: 'SQLITE_CONSTRAINT: CHECK constraint failed' }));
    assert.ok(!isUniqueViolation({ driverError: { code: '23503' } }));
    assert.ok(!isUniqueViolation(null));
  });

  it('ok counts arrive as numbers whatever the driver gave', () => {
    assert.equal(toCount('42'), 42);
    assert.equal(toCount(7), 7);
    assert.equal(toCount(3n), 3);
    assert.throws(() => toCount('many'));
  });

  it('ok advisory keys are stable signed 64-bit integers, one per name', () => {
    const k = BigInt(advisoryKey('schema-migrations'));
    assert.equal(advisoryKey('schema-migrations'), k.toString());
    assert.ok(k >= -(2n ** 63n) && k < 2n ** 63n);
    assert.notEqual(advisoryKey('audit-ingest:line-1'), advisoryKey('audit-ingest:line-2'));
  });
});

describe('DATABASE_URL check', () => {
  it('ok accepts postgres:// and postgresql:// URLs and describes them without the password', () => {
    assert.equal(parsePostgresUrl('postgres://central:s3cret@db.internal:6432/central?sslmode=require').display, 'postgres://central@db.internal:6432/central');
    assert.equal(parsePostgresUrl('postgresql://central:s3cret@10.0.0.5/brand').display, 'postgres://central@10.0.0.5:5432/brand');
  });

  for (const [label, url] of [
    ['not a URL', 'central-db'],
    ['another scheme', 'mysql://central:s3cret@db/central'],
    ['no database', 'postgres://central:s3cret@db:5432/'],
    ['no user', 'postgres://db:5432/central'],
    ['a bad port', 'postgres://central:s3cret@db:70000/central'],
  ]) {
    it(`fail ${label}: a ConfigError naming DATABASE_URL, never the password`, () => {
      assert.throws(() => parsePostgresUrl(url), (e: unknown) => e instanceof ConfigError && e.message.startsWith('DATABASE_URL must look like') && !e.message.includes('s3cret'));
    });
  }
});
