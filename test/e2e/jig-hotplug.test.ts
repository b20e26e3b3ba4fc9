/**
 * A jig unplugged in the middle of provisioning (system.md §5, hot-plug): the whole line
 * (central, station, SoftHSM2, Redis, the simulator process) with the jig on a real pty. While
 * the slow device on slot 0 is past issuance (its certificate signed and counted) the pty is
 * pulled (socat killed: the device node disappears, as a USB-serial adapter's does) and then
 * created again under the same name. The slot shows `interrupted`, then resumes by itself; in
 * the end each device is provisioned exactly once: one issuance record, one signature, quota
 * used once, the certificate on the device the one on record.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startLine, type RunningLine, type SlotView } from '../../src/demo/line.js';
import { httpJson, waitUntil } from '../../src/demo/processes.js';
import { createPtyPair, type PtyPair } from '../../fixtures/device-simulator/pty-pair.js';
import { fromPemAll } from '../../src/pki/pem.js';

const PAST_ISSUANCE = new Set(['injecting', 'verifying', 'locking']);

describe('e2e: a jig pulled mid-provisioning resumes when it is back, and each device is provisioned once', () => {
  let line: RunningLine;
  let replugged: PtyPair | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'e2e-hotplug-'));
  const seen: string[] = [];

  const slots = () => httpJson<SlotView[]>('GET', `${line.stationUrl}/api/jigs`, undefined, line.operatorToken);
  const slot0 = async () => (await slots()).find((s) => s.jigId === 'jig-1' && s.slot === 0);

  before(async () => {
    // device 1 (slot 0) answers every request 2 s late: a window to pull the cable after issuance
    line = await startLine({ stateDir: dir, devices: 2, jigs: 1, quota: 5, modes: { 1: 'slow' } });
    await httpJson('POST', `${line.stationUrl}/api/jigs/jig-1/scan`, undefined, line.operatorToken);
    const atPull = await waitUntil('slot 0 past issuance', async () => {
      const s = await slot0();
      return s && PAST_ISSUANCE.has(s.phase) ? s : undefined;
    }, 60_000, 20);
    seen.push(atPull.phase);

    await line.ptys[0].close(); // the cable is pulled
    const interrupted = await waitUntil('slot 0 interrupted', async () => {
      const s = await slot0();
      return s?.phase === 'interrupted' ? s : undefined;
    }, 30_000, 50);
    seen.push(`${interrupted.phase}: ${interrupted.message}`);
    const ports = await httpJson<Array<{ state: string }>>('GET', `${line.stationUrl}/api/jigs/ports`, undefined, line.operatorToken);
    seen.push(`port ${ports[0].state}`);

    replugged = await createPtyPair(join(dir, 'pty'), 'jig-1'); // plugged back, same name
    await waitUntil('every slot done', async () => {
      const all = await slots();
      return all.length === 2 && all.every((s) => ['done', 'failed', 'refused'].includes(s.phase)) ? all : undefined;
    }, 90_000, 100);
  });
  after(async () => {
    await line?.stop();
    await replugged?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ok the slot was interrupted (not failed) while the jig was away, and the port showed absent', () => {
    assert.ok(PAST_ISSUANCE.has(seen[0]), seen.join(' | '));
    assert.match(seen[1], /^interrupted: Jig .*jig-1-station is disconnected: .*Provisioning resumes by itself when the jig is back\.$/);
    assert.equal(seen[2], 'port absent');
  });

  it('ok both devices end done and locked', async () => {
    const all = await slots();
    assert.deepEqual(all.map((s) => `${s.slot} ${s.phase} ${s.deviceSerial}`), [`0 done ${line.serials[0]}`, `1 done ${line.serials[1]}`]);
    for (const serial of line.serials) {
      const state = JSON.parse(readFileSync(join(dir, 'devices', serial, 'state.json'), 'utf8')) as { locked: boolean };
      assert.equal(state.locked, true, `${serial} locked`);
    }
  });

  it('ok quota used exactly once per device, one record and one signature each, the device holds the certificate on record', async () => {
    const status = await httpJson<{ orders: Array<{ issued: number; left: number }> }>('GET', `${line.stationUrl}/api/status`, undefined, line.operatorToken);
    assert.equal(status.orders[0].issued, 2);
    assert.equal(status.orders[0].left, 3);
    const db = new Database(join(dir, 'station', 'station.db'), { readonly: true });
    try {
      for (const serial of line.serials) {
        const rows = db.prepare(`SELECT status, certificate FROM issuance WHERE device_serial = ?`).all(serial) as Array<{ status: string; certificate: Buffer }>;
        assert.deepEqual(rows.map((r) => r.status), ['locked'], `${serial}: one issuance, locked`);
        const signed = db.prepare(`SELECT COUNT(*) AS n FROM audit_record WHERE kind = 'certificate-signed' AND device_serial = ?`).get(serial) as { n: number };
        assert.equal(signed.n, 1, `${serial}: signed once`);
        const onDevice = fromPemAll(readFileSync(join(dir, 'devices', serial, 'birth.pem'), 'utf8'))[0];
        assert.deepEqual(Buffer.from(onDevice), rows[0].certificate, `${serial}: the device holds the certificate on record`);
      }
      const spoiled = db.prepare(`SELECT COUNT(*) AS n FROM issuance WHERE status = 'spoiled'`).get() as { n: number };
      assert.equal(spoiled.n, 0);
    } finally {
      db.close();
    }
  });
});
