import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { startLine, type RunningLine, type SlotView } from '../../src/demo/line.js';
import { httpJson, waitUntil } from '../../src/demo/processes.js';
import { FAILPOINTS } from '../../src/common/failpoint.js';
import { Pkcs11Hsm } from '../../src/hsm/pkcs11-hsm.adapter.js';
import { fromPem } from '../../src/pki/pem.js';

/**
 * system.md §4.1: "after kill -9 or power loss at any point of the issuance path, the count is
 * exact on restart". The station is SIGKILLed at every named fail point (issuance path and audit
 * upload), three times each: each
 * kill on a fresh device (one slot scanned per cycle), the HSM counter written with every
 * reservation (block 1) so the counts must match exactly. Then the whole line is scanned again.
 * At the end: records = counter in the database = counter in the HSM, no alarm, and no device
 * holds a certificate the station has no record of.
 */
const DEVICES = 24;
const JIGS = 4;
const ROUNDS = 3; // every fail point, three times: 24 kills

describe('e2e: kill -9 at every fail point of the issuance path', () => {
  let line: RunningLine;
  const dir = mkdtempSync(join(tmpdir(), 'e2e-crash-'));
  let kills = 0;

  const scanAll = () => Promise.all(Array.from({ length: JIGS }, (_, j) => httpJson('POST', `${line.stationUrl}/api/jigs/jig-${j + 1}/scan`, undefined, line.operatorToken)));

  before(async () => {
    line = await startLine({ stateDir: dir, devices: DEVICES, jigs: JIGS, quota: 200, stationSettings: { hsmCounterBlock: 1 } });
  });
  after(async () => {
    await line?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`ok the station survives ${FAILPOINTS.length * ROUNDS} kills and every device ends provisioned`, async () => {
    for (let i = 0; i < FAILPOINTS.length * ROUNDS; i++) {
      const point = FAILPOINTS[i % FAILPOINTS.length];
      // device i (fresh): jig (i % 4) + 1, slot floor(i / 4)
      const station = await line.restartStation({ STATION_FAILPOINT: point });
      const died = new Promise<void>((resolve) => station.child.once('exit', () => resolve()));
      await httpJson('POST', `${line.stationUrl}/api/jigs/jig-${(i % JIGS) + 1}/scan?slot=${Math.floor(i / JIGS)}`, undefined, line.operatorToken);
      const outcome = await Promise.race([died.then(() => 'killed'), new Promise((r) => setTimeout(() => r('survived'), 15_000))]);
      assert.equal(outcome, 'killed', `kill ${i + 1} at ${point}`);
      kills++;
    }
    assert.ok(kills >= 20, `only ${kills} kills happened`);

    await line.restartStation();
    await scanAll();
    const slots = await waitUntil(
      'every device to finish after the last restart',
      async () => {
        const all = await httpJson<SlotView[]>('GET', `${line.stationUrl}/api/jigs`, undefined, line.operatorToken);
        return all.length === DEVICES && all.every((s) => ['done', 'failed', 'refused'].includes(s.phase)) ? all : undefined;
      },
      60_000,
      200,
    );
    assert.deepEqual(slots.filter((s) => s.phase !== 'done').map((s) => `${s.deviceSerial} ${s.phase} ${s.message}`), []);
    const alarms = await httpJson<{ locked: boolean; alarms: unknown[] }>('GET', `${line.stationUrl}/api/alarms`, undefined, line.operatorToken);
    assert.deepEqual(alarms, { locked: false, alarms: [] }, 'crashes within a counter block are not tampering');
  });

  it('ok after the kills: records = database counter = HSM counter, and every certificate on a device is on record', async () => {
    await line.station.stop(); // clean shutdown: the exact count goes to the HSM
    const db = new Database(join(dir, 'station', 'station.db'), { readonly: true });
    try {
      const [order] = db.prepare(`SELECT order_id AS orderId, issued FROM station_order`).all() as Array<{ orderId: string; issued: number }>;
      const records = (db.prepare(`SELECT COUNT(*) AS n FROM issuance`).get() as { n: number }).n;
      const live = db.prepare(`SELECT device_serial AS serial, fingerprint, status FROM issuance WHERE certificate IS NOT NULL`).all() as Array<{
        serial: string;
        fingerprint: string;
        status: string;
      }>;
      process.env.SOFTHSM2_CONF = line.hsm.confPath;
      const hsm = Pkcs11Hsm.open({ modulePath: line.hsm.modulePath, tokenLabel: 'station', pin: line.hsm.pin });
      const hsmCount = hsm.readCounter(`quota-hwm:${order.orderId}`);
      hsm.close();

      assert.equal(records, order.issued, 'every reservation counted once');
      assert.equal(Number(hsmCount), order.issued, 'the HSM counter equals the database counter');
      assert.ok(order.issued >= DEVICES);
      const onRecord = new Set(live.map((r) => r.fingerprint));
      for (let i = 1; i <= DEVICES; i++) {
        const serial = `SN${String(i).padStart(6, '0')}`;
        const pem = join(dir, 'devices', serial, 'birth.pem');
        assert.ok(existsSync(pem), `${serial} holds a certificate`);
        const fp = createHash('sha256').update(fromPem(readFileSync(pem, 'utf8'))).digest('hex');
        assert.ok(onRecord.has(fp), `${serial}'s certificate is on record`);
      }
      // one live certificate per device; the rest are void reservations from the kills
      assert.equal(new Set(live.map((r) => r.serial)).size, live.length);
      assert.equal(live.filter((r) => r.status === 'locked').length, DEVICES);
      assert.deepEqual(db.pragma('integrity_check'), [{ integrity_check: 'ok' }]);
    } finally {
      db.close();
    }
  });
});
