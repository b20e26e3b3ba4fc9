import 'reflect-metadata';
import { createServer, connect, type Server } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createHttpApp } from '../../../../src/common/http-app.js';
import { openSqlite } from '../../../../src/common/sqlite-database.js';
import { WriteSerializer } from '../../../../src/common/write-serializer.js';
import { PreparedReads } from '../../../../src/common/prepared-reads.js';
import { ENROLLMENT_AUTHORITY, type EnrollmentAuthority } from '../../../../src/central/enrollment/enrollment-authority.port.js';
import { CMP_CONTROLLERS, cmpProviders } from '../../../../src/central/enrollment/cmp/cmp.providers.js';
import { CentralCmpTransactions1763900000031 } from '../../../../src/central/enrollment/cmp/cmp-transaction.migration.js';
import type { CmpOptions } from '../../../../src/central/enrollment/cmp/cmp.options.js';

/**
 * One enrollment node: the CMP controller and service over `authority`, its transaction store
 * in the SQLite file at `databasePath` (two nodes on one file model central's scale-out).
 */
export async function startCmpNode(authority: EnrollmentAuthority, databasePath: string, options: Partial<CmpOptions> = {}) {
  const ds = await openSqlite(databasePath, [], [CentralCmpTransactions1763900000031]);
  class CmpTestModule {}
  const app: INestApplication = await createHttpApp({
    module: CmpTestModule,
    controllers: CMP_CONTROLLERS,
    providers: [
      ...cmpProviders('sql', { sweepIntervalSeconds: 0, ...options }),
      { provide: ENROLLMENT_AUTHORITY, useValue: authority },
      { provide: DataSource, useValue: ds },
      WriteSerializer,
      PreparedReads,
    ],
  });
  app.useLogger(false);
  await app.listen(0, '127.0.0.1');
  const port = Number(new URL(await app.getUrl()).port);
  return {
    app,
    port,
    async close() {
      await app.close();
      await ds.destroy();
    },
  };
}

/**
 * A TCP load balancer on 127.0.0.1 that sends each new connection to the next backend in turn:
 * `openssl cmp` opens one connection per message, so consecutive messages of one transaction
 * land on different nodes.
 */
export async function startRoundRobin(ports: number[]): Promise<{ port: number; connections: number[]; close(): Promise<void> }> {
  const connections = ports.map(() => 0);
  let next = 0;
  const server: Server = createServer((client) => {
    const i = next++ % ports.length;
    connections[i]++;
    const upstream = connect(ports[i], '127.0.0.1');
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
