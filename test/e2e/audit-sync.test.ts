import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLine, type RunningLine, type SlotView } from '../../src/demo/line.js';
import { httpJson, waitUntil } from '../../src/demo/processes.js';

interface AuditState {
  head: { seq: number; hash: string };
  sync: { headSeq: number; ackedSeq: number; unsynced: number };
}

/**
 * system.md §6: the station syncs its audit chain to central in signed batches; central down
 * during production → provisioning continues, the backlog grows, and it syncs completely when
 * central returns. Counts compared exactly.
 */
describe('e2e: audit sync to central survives central being down', () => {
  let line: RunningLine;
  const dir = mkdtempSync(join(tmpdir(), 'e2e-sync-'));
  const state = () => httpJson<AuditState>('GET', `${line.stationUrl}/api/audit`, undefined, line.operatorToken);
  const central = () => httpJson<{ lastSeq: number; lastHash: string; devices: number }>('GET', `${line.centralUrl}/api/audit/stations/line-1`, undefined, line.adminToken);
  const scan = (slot: number) => Promise.all([1, 2].map((j) => httpJson('POST', `${line.stationUrl}/api/jigs/jig-${j}/scan?slot=${slot}`, undefined, line.operatorToken)));
  const doneCount = async () => (await httpJson<SlotView[]>('GET', `${line.stationUrl}/api/jigs`, undefined, line.operatorToken)).filter((s) => s.phase === 'done').length;
  const synced = (timeoutMs = 20_000) =>
    waitUntil('the audit backlog to drain', async () => {
      const s = await state();
      return s.sync.unsynced === 0 && s.sync.ackedSeq > 0 ? s : undefined;
    }, timeoutMs, 200);

  before(async () => {
    line = await startLine({ stateDir: dir, devices: 8, jigs: 2, stationSettings: { auditSyncIntervalMs: 300 } });
  });
  after(async () => {
    await line?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ok records reach central and central holds exactly the station chain', async () => {
    await scan(0);
    await waitUntil('2 devices', async () => ((await doneCount()) === 2 ? true : undefined), 30_000);
    const s = await synced();
    const c = await central();
    assert.equal(c.lastSeq, s.sync.ackedSeq);
    assert.equal(c.devices, 2, 'the device registry holds every certificate signed');
  });

  it('ok with central down provisioning goes on and the backlog grows; when it returns everything syncs, nothing twice', async () => {
    await line.central.stop();
    for (const slot of [1, 2, 3]) await scan(slot);
    await waitUntil('8 devices', async () => ((await doneCount()) === 8 ? true : undefined), 60_000);
    const during = await state();
    assert.ok(during.sync.unsynced > 10, `backlog while central is down: ${during.sync.unsynced}`);

    await line.restartCentral();
    const after = await synced(30_000);
    const c = await central();
    assert.equal(c.lastSeq, after.sync.ackedSeq);
    assert.equal(c.devices, 8);
    // central's head is the station's head, hash for hash
    const head = await state();
    if (head.head.seq === c.lastSeq) assert.equal(c.lastHash, head.head.hash);
  });

  it('ok the station killed mid-upload (central stored the batch, no receipt recorded) resumes: nothing lost, nothing twice', async () => {
    const station = await line.restartStation({ STATION_FAILPOINT: 'audit:after-send' }); // its start is a new record to send
    const died = await Promise.race([
      new Promise<boolean>((resolve) => station.child.once('exit', () => resolve(true))),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 15_000)),
    ]);
    assert.equal(died, true, 'killed right after central stored a batch');
    const heldByCentral = (await central()).lastSeq;
    await line.restartStation();
    const s = await synced();
    const c = await central();
    assert.ok(heldByCentral > 0);
    assert.equal(c.lastSeq, s.sync.ackedSeq, 'the resent batch was taken as a replay plus the new records');
    assert.equal(c.lastSeq, s.head.seq);
    assert.equal(c.lastHash, s.head.hash);
  });
});
