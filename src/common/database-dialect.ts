/**
 * Central runs on SQLite by default and on PostgreSQL when DATABASE_URL names one (system.md §7).
 * The entities and migrations are shared; the few spellings that differ are translated here, so
 * SQL in the code base is written once, in the SQLite spelling with `?` placeholders, and passed
 * through `sql()`.
 *
 * The dialect is read from the environment when this module loads, because entity decorators
 * (BINARY_COLUMN) are evaluated at import time: set DATABASE_URL before central's modules load.
 */
export type Dialect = 'sqlite' | 'postgres';

export const DIALECT: Dialect = process.env.DATABASE_URL ? 'postgres' : 'sqlite';

/** Column type for DER and other bytes. */
export const BINARY_COLUMN = DIALECT === 'postgres' ? 'bytea' : 'blob';

/**
 * Translate SQLite-spelled SQL for PostgreSQL: BLOB → BYTEA, AUTOINCREMENT keys → identity,
 * `INSERT OR IGNORE` → `ON CONFLICT DO NOTHING` (also for multi-row VALUES: the clause ends the
 * statement), and `?` placeholders → `$1, $2, …` (none of our statements carries a literal '?').
 */
export function sql(text: string, dialect: Dialect = DIALECT): string {
  if (dialect === 'sqlite') return text;
  let n = 0;
  let out = text
    .replace(/\bBLOB\b/g, 'BYTEA')
    .replace(/\bINTEGER PRIMARY KEY AUTOINCREMENT\b/g, 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY')
    .replace(/\?/g, () => `$${++n}`);
  if (/^\s*INSERT OR IGNORE\b/i.test(out)) out = out.replace(/INSERT OR IGNORE/i, 'INSERT').replace(/\s*;?\s*$/, '') + ' ON CONFLICT DO NOTHING';
  return out;
}

/**
 * Whether a failed statement hit a primary key or unique constraint: SQLite's
 * SQLITE_CONSTRAINT (primary key / unique), PostgreSQL's SQLSTATE 23505 unique_violation.
 */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown; driverError?: { code?: unknown; message?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  const message = String(e?.driverError?.message ?? e?.message ?? '');
  if (code === '23505') return true;
  return typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT') && /UNIQUE|PRIMARY KEY/i.test(message);
}

/** A COUNT(*) or other integer aggregate as a number (PostgreSQL's BIGINT may arrive as a string). */
export function toCount(value: unknown): number {
  const n = typeof value === 'bigint' ? Number(value) : Number(value ?? 0);
  if (!Number.isSafeInteger(n)) throw new Error(`not a count: ${String(value)}`);
  return n;
}
