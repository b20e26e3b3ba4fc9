import { Injectable } from '@nestjs/common';

/**
 * Runs write units one after another. TypeORM's sqlite3 driver has a single connection, and two
 * transactions interleaving on it fail ("cannot start a transaction within a transaction"), while
 * a plain statement issued during someone else's transaction would silently join it. So every
 * write of a service on such a connection goes through one serializer.
 */
@Injectable()
export class WriteSerializer {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(unit: () => Promise<T>): Promise<T> {
    const result = this.tail.then(unit, unit);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
