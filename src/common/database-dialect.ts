/**
 * Central runs on SQLite by default and on PostgreSQL when DATABASE_URL names one (system.md §7).
 * The entities and migrations are shared; the few spellings that differ are translated here, so
 * SQL in the code base is written once, in the SQLite spelling with `?` placeholders.
 */
export type Dialect = 'sqlite' | 'postgres';

export const DIALECT: Dialect = process.env.DATABASE_URL ? 'postgres' : 'sqlite';

/** Column type for DER and other bytes. */
export const BINARY_COLUMN = DIALECT === 'postgres' ? 'bytea' : 'blob';

/**
 * Translate SQLite-spelled SQL for PostgreSQL: BLOB → BYTEA, AUTOINCREMENT keys → identity,
 * `INSERT OR IGNORE` → `ON CONFLICT DO NOTHING`, and `?` placeholders → `$1, $2, …`
 * (none of our statements carries a literal '?').
 */
export function sql(text: string, dialect: Dialect = DIALECT): string {
  if (dialect === 'sqlite') return text;
  let n = 0;
  let out = text
    .replace(/\bBLOB\b/g, 'BYTEA')
    .replace(/\bINTEGER PRIMARY KEY AUTOINCREMENT\b/g, 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY')
    .replace(/\?/g, () => `$${++n}`);
  if (/^\s*INSERT OR IGNORE\b/i.test(out)) out = out.replace(/INSERT OR IGNORE/i, 'INSERT') + ' ON CONFLICT DO NOTHING';
  return out;
}
