import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * Locks that hold across every process sharing one database. On PostgreSQL they are advisory
 * locks (docs §13.3.5): named by a 64-bit key, taken by one session at a time, released with the
 * session or transaction. On SQLite there is one writer by construction (one process, its
 * WriteSerializer, the database file's own lock), so they are no-ops there.
 */

/** A stable signed 64-bit key for a lock name, as PostgreSQL's advisory lock functions take it. */
export function advisoryKey(name: string): string {
  return createHash('sha256').update(`central-lock:${name}`).digest().readBigInt64BE(0).toString();
}

const isPostgres = (ds: DataSource): boolean => ds.options.type === 'postgres';

/** Run `fn` while holding the named lock (a session lock on a connection of its own). */
export async function withClusterLock<T>(ds: DataSource, name: string, fn: () => Promise<T>): Promise<T> {
  if (!isPostgres(ds)) return fn();
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [advisoryKey(name)]);
    try {
      return await fn();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [advisoryKey(name)]).catch(() => undefined);
    }
  } finally {
    await runner.release();
  }
}

/** Take the named lock for the rest of the transaction `m` runs (released at commit or rollback). */
export async function lockForTransaction(m: EntityManager, name: string): Promise<void> {
  if (!isPostgres(m.connection)) return;
  await m.query('SELECT pg_advisory_xact_lock($1)', [advisoryKey(name)]);
}
