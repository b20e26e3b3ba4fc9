import 'reflect-metadata';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { openSqlite } from '../../../../src/common/sqlite-database.js';
import { WriteSerializer } from '../../../../src/common/write-serializer.js';
import { PreparedReads } from '../../../../src/common/prepared-reads.js';
import { newVersion, type CmpTransaction, type CmpTransactionStore } from '../../../../src/central/enrollment/cmp/cmp-transaction.store.js';
import { InMemoryCmpTransactionStore } from '../../../../src/central/enrollment/cmp/in-memory-cmp-transaction.store.js';
import { SqlCmpTransactionStore } from '../../../../src/central/enrollment/cmp/sql-cmp-transaction.store.js';
import { CentralCmpTransactions1763900000031 } from '../../../../src/central/enrollment/cmp/cmp-transaction.migration.js';

const tx = (id: string, expiresAt: string): CmpTransaction => ({
  transactionId: id,
  version: newVersion(),
  state: 'pending',
  requesterFingerprint: 'ab'.repeat(32),
  bodyType: 'ir',
  certReqId: 0,
  implicitConfirmRequested: false,
  request: { operation: 'enroll', spki: 'AAAA', requesterCertificate: 'BBBB', requesterChain: [] },
  expiresAt,
});

/** The one contract both transaction stores keep (conventions.md §3). */
function contract(name: string, open: () => Promise<CmpTransactionStore>) {
  describe(`CmpTransactionStore contract: ${name}`, () => {
    it('ok insert once, find, compare-and-set update, remove', async () => {
      const store = await open();
      const t = tx('01', '2030-01-01T00:00:00.000Z');
      assert.equal(await store.insert(t), true);
      assert.equal(await store.insert(tx('01', '2031-01-01T00:00:00.000Z')), false, 'the id is in use');
      assert.deepEqual(await store.find('01'), t);
      const next = { ...t, version: newVersion(), state: 'awaiting-confirm' as const, issued: { certificate: 'CCCC', serialHex: '42' } };
      assert.equal(await store.update(next, t.version), true);
      assert.equal(await store.update({ ...t, version: newVersion() }, t.version), false, 'a stale version loses');
      assert.deepEqual(await store.find('01'), next);
      await store.remove('01');
      assert.equal(await store.find('01'), null);
    });

    it('ok expired lists only transactions past their time, oldest first', async () => {
      const store = await open();
      await store.insert(tx('a', '2020-01-02T00:00:00.000Z'));
      await store.insert(tx('b', '2020-01-01T00:00:00.000Z'));
      await store.insert(tx('c', '2040-01-01T00:00:00.000Z'));
      assert.deepEqual((await store.expired(new Date('2025-01-01T00:00:00Z'), 10)).map((t) => t.transactionId), ['b', 'a']);
      assert.deepEqual((await store.expired(new Date('2025-01-01T00:00:00Z'), 1)).map((t) => t.transactionId), ['b']);
    });

    it('ok issued certificates are found by issuer and serial', async () => {
      const store = await open();
      const issuer = Buffer.from('3000', 'hex');
      await store.rememberCertificate(issuer, '0a1b', Buffer.from('cert'));
      await store.rememberCertificate(issuer, '0a1b', Buffer.from('cert'));
      assert.deepEqual(await store.findCertificate(issuer, '0a1b'), Buffer.from('cert'));
      assert.equal(await store.findCertificate(issuer, '0a1c'), null);
      assert.equal(await store.findCertificate(Buffer.from('3001', 'hex'), '0a1b'), null);
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'cmp-store-'));
const sources: DataSource[] = [];
const statements: PreparedReads[] = [];
let n = 0;
contract('in memory', async () => new InMemoryCmpTransactionStore());
contract('SQLite', async () => {
  const ds = await openSqlite(join(dir, `s${n++}.db`), [], [CentralCmpTransactions1763900000031]);
  sources.push(ds);
  const reads = new PreparedReads(ds);
  statements.push(reads);
  return new SqlCmpTransactionStore(ds, new WriteSerializer(), reads);
});
after(async () => {
  for (const reads of statements) await reads.onModuleDestroy();
  for (const ds of sources) await ds.destroy();
  rmSync(dir, { recursive: true, force: true });
});
