import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLine, type RunningLine, type SlotView } from '../../src/demo/line.js';
import { httpJson, waitUntil } from '../../src/demo/processes.js';

/**
 * system.md §4: "under any concurrency (64 jigs at once) the number of birth certificates signed
 * for an order never exceeds N, not by one". 64 jigs, each holding one device per round; every
 * round opens a new order of 50 and all 64 jigs race on it at once. Ten rounds.
 */
const JIGS = 64;
const ROUNDS = 10;
const QUOTA = 50;
const serialOf = (round: number, jig: number) => `R${String(round).padStart(2, '0')}-${String(jig).padStart(3, '0')}`;

describe('e2e: 64 jigs race on an order of 50, ten rounds', () => {
  let line: RunningLine;
  const dir = mkdtempSync(join(tmpdir(), 'e2e-race-'));

  before(async () => {
    // device i sits on jig (i % 64) + 1, slot floor(i / 64): slot r holds round r's devices
    const overrides: Record<number, string> = {};
    for (let r = 0; r < ROUNDS; r++) for (let j = 0; j < JIGS; j++) overrides[r * JIGS + j + 1] = serialOf(r, j + 1);
    line = await startLine({ stateDir: dir, devices: JIGS * ROUNDS, jigs: JIGS, quota: 1, serialOverrides: overrides });
  });
  after(async () => {
    await line?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (let round = 0; round < ROUNDS; round++) {
    it(`ok round ${round + 1}: exactly ${QUOTA} certificates, every other device a clear quota refusal`, async () => {
      const orderId = `RACE-${round}`;
      await httpJson('POST', `${line.centralUrl}/api/orders`, {
        orderId,
        stationId: 'line-1',
        productModel: 'thermo-1',
        quota: QUOTA,
        serialFirst: serialOf(round, 0),
        serialLast: serialOf(round, 999),
        notBefore: new Date(Date.now() - 60_000).toISOString(),
        notAfter: new Date(Date.now() + 3600_000).toISOString(),
      }, line.adminToken);
      await httpJson('POST', `${line.stationUrl}/api/orders/${orderId}/open`, undefined, line.supervisorToken);

      await Promise.all(Array.from({ length: JIGS }, (_, j) => httpJson('POST', `${line.stationUrl}/api/jigs/jig-${j + 1}/scan?slot=${round}`, undefined, line.operatorToken)));
      const slots = await waitUntil(
        `round ${round} to finish`,
        async () => {
          const all = await httpJson<SlotView[]>('GET', `${line.stationUrl}/api/jigs`, undefined, line.operatorToken);
          const mine = all.filter((s) => s.slot === round);
          return mine.length === JIGS && mine.every((s) => ['done', 'failed', 'refused'].includes(s.phase)) ? mine : undefined;
        },
        60_000,
        100,
      );

      const done = slots.filter((s) => s.phase === 'done');
      const refused = slots.filter((s) => s.phase === 'refused');
      assert.equal(done.length, QUOTA);
      assert.equal(refused.length, JIGS - QUOTA);
      assert.ok(refused.every((s) => s.code === 'QUOTA_EXHAUSTED' && /exhausted|no quota left/.test(s.message ?? '')), JSON.stringify(refused.find((s) => s.code !== 'QUOTA_EXHAUSTED')));

      // certificates that exist: on devices, plus spoiled ones at the station — exactly the quota
      const onDevices = Array.from({ length: JIGS }, (_, j) => serialOf(round, j + 1)).filter((s) => existsSync(join(dir, 'devices', s, 'birth.pem')));
      const orders = await httpJson<Array<{ orderId: string; issued: number; status: string; closedReason: string; byStatus: Record<string, number> }>>('GET', `${line.stationUrl}/api/orders`, undefined, line.operatorToken);
      const order = orders.find((o) => o.orderId === orderId)!;
      assert.equal(onDevices.length + (order.byStatus.spoiled ?? 0), QUOTA);
      assert.equal(order.issued, QUOTA);
      assert.deepEqual([order.status, order.closedReason], ['closed', 'exhausted']);
    });
  }
});
