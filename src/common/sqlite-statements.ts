import type { DataSource } from 'typeorm';
import type sqlite3 from 'sqlite3';

/** The one connection of TypeORM's `sqlite3` driver. */
export function sqliteConnection(ds: DataSource): sqlite3.Database {
  return (ds.driver as unknown as { databaseConnection: sqlite3.Database }).databaseConnection;
}

/**
 * Statements prepared once on the DataSource's node-sqlite3 connection and kept for its life.
 *
 * A statement is handed out only once SQLite has prepared it. node-sqlite3 reports a statement it
 * could not prepare (a missing table, say) as an 'error' event when no callback waits for it, an
 * uncaught exception, and never answers the calls queued on it; here that failure rejects the
 * caller instead, and the statement is not kept, so the next call prepares it again.
 */
export class SqliteStatements {
  private readonly statements = new Map<string, Promise<sqlite3.Statement>>();

  constructor(private readonly ds: DataSource) {}

  get(sql: string): Promise<sqlite3.Statement> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = new Promise<sqlite3.Statement>((resolve, reject) => {
        const prepared = sqliteConnection(this.ds).prepare(sql, (err: Error | null) => (err ? reject(err) : resolve(prepared)));
      });
      this.statements.set(sql, statement);
      const mine = statement;
      mine.catch(() => {
        if (this.statements.get(sql) === mine) this.statements.delete(sql);
      });
    }
    return statement;
  }

  /** Before the connection closes: SQLite will not close one with statements left open. */
  async finalizeAll(): Promise<void> {
    const open = [...this.statements.values()];
    this.statements.clear();
    await Promise.all(open.map((p) => p.then((s) => new Promise<void>((resolve) => s.finalize(() => resolve())), () => undefined)));
  }
}
