/**
 * Binding values into SQLite SQL text as literals, for statements that are executed together as
 * one script (sqlite3_exec has no parameters). Every value is written in a form SQLite reads back
 * exactly (https://sqlite.org/lang_expr.html#literal_values_constants_):
 * - text between single quotes, quotes doubled; a NUL would end the script early in C, so text
 *   holding one is refused rather than cut;
 * - bytes as a blob literal X'…';
 * - finite numbers and bigints as numeric literals; null and undefined as NULL; booleans as 1/0.
 * Anything else is a programming error and throws.
 */
export function sqliteLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') {
    if (value.includes('\0')) throw new TypeError('a text value holding NUL cannot be bound as a SQLite literal');
    return `'${value.replaceAll("'", "''")}'`;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${value} cannot be stored as a SQLite number`);
    return String(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (value instanceof Uint8Array) return `X'${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}'`;
  if (value instanceof Date) return sqliteLiteral(value.toISOString());
  throw new TypeError(`a ${typeof value} cannot be bound as a SQLite literal`);
}

/**
 * Replace each `?` placeholder of a statement with its value as a literal. Placeholders inside
 * quoted strings or identifiers of the statement itself are left alone; the count must match.
 */
export function bindSqlite(sql: string, params: readonly unknown[]): string {
  let next = 0;
  const out = sql.replace(/'[^']*'|"[^"]*"|\?/g, (token) => {
    if (token !== '?') return token; // a quoted part of the statement itself
    if (next >= params.length) throw new TypeError(`statement has more placeholders than the ${params.length} values given: ${sql}`);
    return sqliteLiteral(params[next++]);
  });
  if (next !== params.length) throw new TypeError(`statement has ${next} placeholders for ${params.length} values: ${sql}`);
  return out;
}
