import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLine, provisionAll, type RunningLine, type SlotView } from '../../src/demo/line.js';

/**
 * Every misbehaviour mode of the simulator, each beside good devices on the same jig: each
 * ends with a clear outcome on its own slot, no certificate for a bad CSR, others unaffected.
 * Device i (1-based) sits on jig ((i-1) % 2) + 1, slot floor((i-1) / 2).
 */
const MODES: Record<number, string> = {
  1: 'bad-csr-signature',
  2: 'wrong-key-type',
  3: 'garbage',
  4: 'disconnect',
  5: 'reboot-during-injection',
  6: 'slow',
  7: 'refuse-lock',
};
const DEVICES = 12; // 7 misbehaving + 4 good + 1 clone of device 9's serial
const CLONE_OF = 9;

describe('e2e: misbehaving devices end with a clear error on their own slot', () => {
  let line: RunningLine;
  let slots: SlotView[];
  const dir = mkdtempSync(join(tmpdir(), 'e2e-bad-'));
  const bySerial = (serial: string) => slots.filter((s) => s.deviceSerial === serial);
  const outcome = (i: number) => bySerial(line.serials[i - 1])[0];
  const slotOf = (i: number) => slots.find((x) => x.jigId === `jig-${((i - 1) % 2) + 1}` && x.slot === Math.floor((i - 1) / 2))!;

  before(async () => {
    line = await startLine({
      stateDir: dir,
      devices: DEVICES,
      jigs: 2,
      modes: MODES,
      attempts: 2,
      serialOverrides: { [DEVICES]: 'SN000009' },
    });
    slots = await provisionAll(line, 2, DEVICES, 150_000);
  });
  after(async () => {
    await line?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const certificateOf = async (serial: string) => (await fetch(`${line.stationUrl}/api/devices/${serial}`, { headers: { authorization: `Bearer ${line.operatorToken}` } })).status;

  it('fail bad CSR signature: refused, no certificate issued', async () => {
    assert.equal(outcome(1).phase, 'refused');
    assert.equal(outcome(1).code, 'CSR_BAD_SIGNATURE');
    assert.match(outcome(1).message!, /proof of possession/);
    assert.equal(await certificateOf(line.serials[0]), 404);
    assert.equal(existsSync(join(dir, 'devices', line.serials[0], 'birth.pem')), false);
  });

  it('fail wrong key type: refused by key policy, no certificate issued', async () => {
    assert.equal(outcome(2).phase, 'refused');
    assert.equal(outcome(2).code, 'CSR_KEY_POLICY');
    assert.match(outcome(2).message!, /ec-p384 refused/);
    assert.equal(await certificateOf(line.serials[1]), 404);
  });

  it('fail garbage on the line: failed with a timeout naming the corrupt frames', () => {
    const s = slotOf(3); // its serial never arrives: the slot has no device serial
    assert.equal(s.phase, 'failed');
    assert.equal(s.code, 'JIG_TIMEOUT');
    assert.match(s.message!, /no valid answer to HELLO after 3 tries.*the line carried only/);
  });

  it('fail disconnect mid-frame: failed with a timeout', () => {
    const s = slotOf(4);
    assert.equal(s.phase, 'failed');
    assert.equal(s.code, 'JIG_TIMEOUT');
  });

  it('ok reboot during injection: recovered by re-injecting the same certificate', () => {
    assert.equal(outcome(5).phase, 'done');
    assert.equal(existsSync(join(dir, 'devices', line.serials[4], 'birth.pem')), true);
  });

  it('ok slow device: provisioned', () => {
    assert.equal(outcome(6).phase, 'done');
  });

  it('fail device that cannot lock: failed with the device NACK', () => {
    assert.equal(outcome(7).phase, 'failed');
    assert.equal(outcome(7).code, 'JIG_NACK');
  });

  it('fail a second device with the same serial and another key is refused as a duplicate', () => {
    const both = bySerial(`SN00000${CLONE_OF}`);
    assert.equal(both.length, 2);
    assert.deepEqual(both.map((s) => s.phase).sort(), ['done', 'refused']);
    assert.equal(both.find((s) => s.phase === 'refused')!.code, 'DUPLICATE_SERIAL');
  });

  it('ok good devices on the same jigs are unaffected, and only issued devices used quota', async () => {
    for (const i of [8, 9, 10, 11]) assert.equal(outcome(i).phase, 'done', `device ${i}`);
    const status = (await (await fetch(`${line.stationUrl}/api/status`, { headers: { authorization: `Bearer ${line.operatorToken}` } })).json()) as { orders: Array<{ issued: number }> };
    // issued: reboot(5), slow(6), refuse-lock(7), 8, 9, 10, 11 — refusals cost nothing
    assert.equal(status.orders[0].issued, 7);
  });
});
