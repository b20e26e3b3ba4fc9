import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLine, provisionAll, type RunningLine, type SlotView } from '../../src/demo/line.js';
import { fromPemAll } from '../../src/pki/pem.js';
import { inspectCertificate } from '../../src/pki/certificate-inspector.js';
import { readCertificate } from '../../src/pki/certificate-reader.js';
import { OID } from '../../src/pki/oids.js';
import { opensslVerify } from '../support/openssl.js';
import { createPrivateKey, createPublicKey } from 'node:crypto';

const DEVICES = 20;
const JIGS = 4;

describe('e2e: a line of 4 jigs provisions 20 devices through central, station, SoftHSM2, Redis and ptys', () => {
  let line: RunningLine;
  let slots: SlotView[];
  const dir = mkdtempSync(join(tmpdir(), 'e2e-line-'));

  before(async () => {
    line = await startLine({ stateDir: dir, devices: DEVICES, jigs: JIGS });
    slots = await provisionAll(line, JIGS, DEVICES, 120_000);
  });
  after(async () => {
    await line?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ok every slot ends done', () => {
    assert.equal(slots.length, DEVICES);
    assert.deepEqual(slots.filter((s) => s.phase !== 'done'), []);
  });

  it('ok every injected chain verifies with openssl -x509_strict and its profile parses back', () => {
    for (const serial of line.serials) {
      const dev = join(dir, 'devices', serial);
      const birth = fromPemAll(readFileSync(join(dev, 'birth.pem'), 'utf8'))[0];
      const chain = fromPemAll(readFileSync(join(dev, 'chain.pem'), 'utf8'));
      assert.equal(chain.length, 2, 'chain = Order CA + brand root');
      const verdict = opensslVerify(chain[1], [chain[0]], birth);
      assert.equal(verdict.ok, true, `${serial}: ${verdict.output}`);

      const c = inspectCertificate(birth);
      assert.equal(c.subject.serialNumber, serial);
      assert.equal(c.notAfterRaw, '99991231235959Z');
      assert.deepEqual(c.keyUsage, ['digitalSignature']);
      assert.equal(c.basicConstraints, null);
      assert.deepEqual(c.hardwareModuleName, { hwType: `${OID.hardwareTypeArc}.1`, hwSerial: serial });
      assert.equal(c.authorityKeyIdentifier, readCertificate(chain[0]).subjectKeyIdentifier!.toString('hex'));
      assert.ok(c.extensionOids.includes(OID.birthOrderId));
      // the certificate holds the key the device generated (key.pem never left the device folder)
      const devicePublic = createPublicKey(createPrivateKey(readFileSync(join(dev, 'key.pem')))).export({ format: 'der', type: 'spki' });
      assert.deepEqual(readCertificate(birth).spki, devicePublic);

      const orderCa = inspectCertificate(chain[0]);
      assert.deepEqual(orderCa.basicConstraints, { ca: true, pathLen: 0 });
      assert.ok(orderCa.extensionOids.includes(OID.orderTerms));
    }
  });

  it('ok the station counts exactly one issuance per device and the order quota is used up', async () => {
    const status = (await (await fetch(`${line.stationUrl}/api/status`, { headers: { authorization: `Bearer ${line.operatorToken}` } })).json()) as { orders: Array<{ issued: number; left: number }> };
    assert.equal(status.orders[0].issued, DEVICES);
    assert.equal(status.orders[0].left, 0);
    for (const serial of line.serials) {
      const d = (await (await fetch(`${line.stationUrl}/api/devices/${serial}`, { headers: { authorization: `Bearer ${line.operatorToken}` } })).json()) as { status: string };
      assert.equal(d.status, 'locked');
    }
  });

  it('ok a supervisor starts a new shift: the counters start from zero, the shift that ended is audited; an operator may not', async () => {
    const call = (method: string, path: string, token: string) =>
      fetch(`${line.stationUrl}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{}' });
    assert.equal((await call('POST', '/api/shift', line.operatorToken)).status, 403);
    const res = await call('POST', '/api/shift', line.supervisorToken);
    assert.equal(res.status, 201);
    const ended = (await res.json()) as { provisioned: number; stationMsPerDevice: { samples: number } };
    assert.equal(ended.provisioned, DEVICES);
    assert.equal(ended.stationMsPerDevice.samples, DEVICES);
    const status = (await (await call('GET', '/api/status', line.operatorToken)).json()) as { shift: { provisioned: number; stationMsPerDevice: { samples: number; p50: number | null } } };
    assert.deepEqual([status.shift.provisioned, status.shift.stationMsPerDevice.samples, status.shift.stationMsPerDevice.p50], [0, 0, null]);
    const events = (await (await call('GET', '/api/events', line.operatorToken)).json()) as Array<{ kind: string; detail: string }>;
    assert.ok(events.some((e) => e.kind === 'shift-started' && e.detail.startsWith(`shift ended: ${DEVICES} provisioned`)));
  });

  it('ok the station database passes SQLite integrity_check after the run (one SQLite library per process)', async () => {
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(join(dir, 'station', 'station.db'), { readonly: true });
    try {
      assert.deepEqual(db.pragma('integrity_check'), [{ integrity_check: 'ok' }]);
      assert.equal((db.prepare(`SELECT COUNT(*) AS n FROM issuance WHERE status = 'locked'`).get() as { n: number }).n, DEVICES);
    } finally {
      db.close();
    }
  });
});
