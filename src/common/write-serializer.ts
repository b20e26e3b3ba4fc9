import { Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Write units at once on PostgreSQL: well under the pool (postgres-database.ts) so reads always find a connection. */
export const POSTGRES_CONCURRENT_WRITES = 8;

/**
 * Runs write units one after another on SQLite. TypeORM's sqlite3 driver has a single
 * connection, and two transactions interleaving on it fail ("cannot start a transaction within a
 * transaction"), while a plain statement issued during someone else's transaction would silently
 * join it. So every write of a service on such a connection goes through one serializer.
 *
 * On PostgreSQL each transaction has a pooled connection of its own and the database arbitrates
 * (row locks, primary keys, advisory locks), so units run side by side, but at most
 * POSTGRES_CONCURRENT_WRITES at once: a transaction that also reads through the DataSource (a CA
 * certificate, say) needs a second connection, and an exhausted pool would wait on itself.
 */
@Injectable()
export class WriteSerializer {
  private readonly limit: number;
  private active = 0;
  private readonly queue: Array<() => void> = [];

  constructor(@Optional() ds?: DataSource) {
    this.limit = ds?.options.type === 'postgres' ? POSTGRES_CONCURRENT_WRITES : 1;
  }

  async run<T>(unit: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.active++;
    try {
      return await unit();
    } finally {
      // hand the slot straight to the next waiter (FIFO), or give it back
      const next = this.queue.shift();
      if (next) next();
      else this.active--;
    }
  }
}
