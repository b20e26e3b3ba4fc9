import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BullModule } from '@nestjs/bullmq';
import { freePort, startRedis, waitUntil, type RunningProcess } from '../../../src/demo/processes.js';
import { STATION_CONFIG } from '../../../src/config/station-config.js';
import { ProvisioningProcessor } from '../../../src/station/provisioning/provisioning.processor.js';
import { BullmqProvisioningQueue } from '../../../src/station/provisioning/bullmq-provisioning.queue.js';
import { PROVISIONING_QUEUE } from '../../../src/station/provisioning/provisioning.queue.js';
import { ProvisionDeviceService } from '../../../src/station/provisioning/provision-device.service.js';
import { SlotBoard } from '../../../src/station/provisioning/slot-board.js';
import { LineMetrics } from '../../../src/station/provisioning/line-metrics.js';
import { RefusalLog } from '../../../src/station/provisioning/refusal-log.js';
import { IssuanceService } from '../../../src/station/issuance/issuance.service.js';
import { CsrRejectedError } from '../../../src/pki/pki.errors.js';
import { JigDisconnectedError, JigTimeoutError } from '../../../src/station/jigs/jig.errors.js';
import { InterruptedSlots, type InterruptedRun } from '../../../src/station/provisioning/interrupted-slots.js';

/** A provisioner whose behaviour per slot is scripted, counting calls. */
class ScriptedProvisioner {
  calls = new Map<number, number>();
  constructor(private readonly board: SlotBoard) {}
  async provision(jigId: string, slot: number) {
    this.calls.set(slot, (this.calls.get(slot) ?? 0) + 1);
    this.board.set(jigId, slot, { phase: 'hello', deviceSerial: `SN${slot}` });
    if (slot === 1) throw new CsrRejectedError('CSR_BAD_SIGNATURE', 'CSR signature does not verify');
    if (slot === 2) throw new JigTimeoutError({ jig: jigId, slot, requestType: 'HELLO' }, 3, 10, { badCrc: 0, truncated: 0, tooLarge: 0, unsupportedVersion: 0, noiseBytes: 0 });
    if (slot === 4) throw new JigDisconnectedError('/dev/serial/by-path/x', 'the line went away');
    if (slot === 3 && this.calls.get(3)! < 2) throw new JigTimeoutError({ jig: jigId, slot, requestType: 'INJECT' }, 3, 10, { badCrc: 1, truncated: 0, tooLarge: 0, unsupportedVersion: 0, noiseBytes: 0 });
    this.board.set(jigId, slot, { phase: 'done' });
    return { deviceSerial: `SN${slot}`, fingerprint: 'f', reused: false, stationMs: 0.1 };
  }
}

describe('provisioning jobs on a real Redis (BullMQ)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bull-'));
  let redis: RunningProcess;
  let ctx: INestApplicationContext;
  const refusals: Array<{ slot: number; code: string }> = [];
  const spoiled: string[] = [];
  const parked: InterruptedRun[] = [];
  let provisioner: ScriptedProvisioner;

  before(async () => {
    const port = await freePort();
    redis = await startRedis(join(dir, 'redis'), port, join(dir, 'redis.log'));
    const board = new SlotBoard();
    provisioner = new ScriptedProvisioner(board);
    @Module({
      imports: [
        BullModule.forRoot({ connection: { host: '127.0.0.1', port, maxRetriesPerRequest: null }, prefix: `t-${randomBytes(4).toString('hex')}` }),
        BullModule.registerQueue({ name: PROVISIONING_QUEUE }),
      ],
      providers: [
        { provide: STATION_CONFIG, useValue: { provisioningAttempts: 3 } },
        { provide: SlotBoard, useValue: board },
        { provide: ProvisionDeviceService, useValue: provisioner },
        { provide: RefusalLog, useValue: { record: async (r: { slot: number; code: string }) => void refusals.push(r) } },
        { provide: IssuanceService, useValue: { spoilUnconfirmed: async (s: string) => void spoiled.push(s) } },
        { provide: InterruptedSlots, useValue: { park: async (run: InterruptedRun) => (parked.push(run), true), settled: () => undefined } },
        LineMetrics,
        ProvisioningProcessor,
        BullmqProvisioningQueue,
      ],
    })
    class TestModule {}
    ctx = await NestFactory.createApplicationContext(TestModule, { logger: false });
    await ctx.init();
  });
  after(async () => {
    await ctx?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ok policy refusals run once; wire failures are retried, then fail and spoil; a recovering slot succeeds; an unplugged jig parks its run', async () => {
    const queue = ctx.get(BullmqProvisioningQueue);
    for (const slot of [0, 1, 2, 3, 4]) assert.equal(await queue.enqueue({ jigId: 'jig-1', slot }, 'run1'), true);
    // the same run again is not queued twice (deterministic job ids)
    await queue.enqueue({ jigId: 'jig-1', slot: 0 }, 'run1');
    const board = ctx.get(SlotBoard);
    await waitUntil('all slots to finish', async () => (board.all().length === 5 && board.all().every((s) => ['done', 'failed', 'refused', 'interrupted'].includes(s.phase)) ? true : undefined), 20_000, 50);

    assert.deepEqual(board.all().map((s) => [s.slot, s.phase, s.code ?? null]), [
      [0, 'done', null],
      [1, 'refused', 'CSR_BAD_SIGNATURE'],
      [2, 'failed', 'JIG_TIMEOUT'],
      [3, 'done', null],
      [4, 'interrupted', 'JIG_DISCONNECTED'],
    ]);
    assert.equal(provisioner.calls.get(4), 1, 'an unplugged jig uses no retry: the run waits for the jig');
    assert.deepEqual(parked, [{ jigId: 'jig-1', slot: 4, deviceSerial: 'SN4' }]);
    assert.equal(provisioner.calls.get(0), 1, 'a run queued twice ran once');
    assert.equal(provisioner.calls.get(1), 1, 'a policy refusal is never retried');
    assert.equal(provisioner.calls.get(2), 3, 'a wire failure is tried provisioningAttempts times');
    assert.equal(provisioner.calls.get(3), 2);
    assert.deepEqual(refusals.map((r) => [r.slot, r.code]), [[1, 'CSR_BAD_SIGNATURE'], [2, 'JIG_TIMEOUT']]);
    assert.deepEqual(spoiled, ['SN2'], 'only the finally failed device has its unconfirmed certificate spoiled');
    assert.equal(ctx.get(LineMetrics).snapshot().provisioned, 2);
  });
});
