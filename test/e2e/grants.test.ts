import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startLine, type RunningLine } from '../../src/demo/line.js';
import { httpJson } from '../../src/demo/processes.js';
import { signQuotaGrant } from '../../src/pki/quota-grant.js';
import { selfSignedRoot, issueSubordinate } from '../../src/pki/ca-certificates.js';
import { encodeName } from '../../src/pki/name.js';
import { fromPem, toPem } from '../../src/pki/pem.js';
import { softwareSigner } from '../support/software-signer.js';

const DAY = 24 * 3600 * 1000;

describe('e2e: quota grants imported at the station (online and as files)', () => {
  let line: RunningLine;
  const dir = mkdtempSync(join(tmpdir(), 'e2e-grant-'));
  const order = (orderId: string, over: Record<string, unknown> = {}) => ({
    orderId,
    stationId: 'line-1',
    productModel: 'thermo-1',
    quota: 10,
    serialFirst: 'GX0000',
    serialLast: 'GX9999',
    notBefore: new Date(Date.now() - DAY).toISOString(),
    notAfter: new Date(Date.now() + DAY).toISOString(),
    ...over,
  });
  const createAtCentral = async (o: ReturnType<typeof order>) => {
    await httpJson('POST', `${line.centralUrl}/api/orders`, o, line.adminToken);
    return (await httpJson<{ pem: string }>('GET', `${line.centralUrl}/api/orders/${o.orderId}/grant`, undefined, line.adminToken)).pem;
  };
  const importFile = async (grant: string, token: string | null = line.supervisorToken) => {
    const res = await fetch(`${line.stationUrl}/api/grants`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ supervisor: 'Dana', grant }),
    });
    return { status: res.status, body: (await res.json()) as { code?: string; message?: string; orderId?: string; quota?: number } };
  };
  const stationOrders = async () => (await httpJson<Array<{ orderId: string }>>('GET', `${line.stationUrl}/api/orders`, undefined, line.operatorToken)).map((o) => o.orderId).sort();

  before(async () => {
    line = await startLine({ stateDir: dir, devices: 1, jigs: 1 });
  });
  after(async () => {
    await line?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ok a supervisor imports a grant file and the order opens with its terms; the same file again is a replay', async () => {
    const pem = await createAtCentral(order('PO-FILE-1'));
    const ok = await importFile(pem);
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.equal(ok.body.orderId, 'PO-FILE-1');
    assert.equal(ok.body.quota, 10);
    const again = await importFile(pem);
    assert.deepEqual([again.status, again.body.code], [409, 'GRANT_REPLAYED']);
  });

  it('fail each bad grant is refused with its reason and changes nothing', async () => {
    const before = await stationOrders();
    const expired = await createAtCentral(order('PO-OLD', { notBefore: new Date(Date.now() - 3 * DAY).toISOString(), notAfter: new Date(Date.now() - DAY).toISOString() }));
    const future = await createAtCentral(order('PO-LATER', { notBefore: new Date(Date.now() + DAY).toISOString(), notAfter: new Date(Date.now() + 3 * DAY).toISOString() }));
    const otherStation = await createAtCentral(order('PO-OTHER', { stationId: 'line-2' }));
    const genuine = fromPem(await createAtCentral(order('PO-TAMPER')), 'QUOTA GRANT');
    const tampered = Buffer.from(genuine);
    const at = tampered.indexOf(Buffer.from('PO-TAMPER'));
    tampered[at + 3] = 'X'.charCodeAt(0); // the order id inside the signed content
    // a look-alike brand: its own root and quota signer
    const now = new Date();
    const fakeRoot = selfSignedRoot({ organization: 'Acme Devices', commonName: 'Acme Devices Brand Root CA' }, softwareSigner(), { notBefore: now, notAfter: new Date(now.getTime() + DAY) });
    const fakeSigner = softwareSigner();
    const fakeSignerCert = issueSubordinate(fakeRoot, { subject: encodeName({ organization: 'Acme Devices', commonName: 'Acme Devices Quota Signer' }), spki: fakeSigner.spki, validity: { notBefore: now, notAfter: new Date(now.getTime() + DAY) } });
    const forged = signQuotaGrant({ ...order('PO-FORGED'), notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + DAY), nonce: randomBytes(16) }, fakeSigner, fakeSignerCert);

    const cases: Array<[string, string]> = [
      [expired, 'GRANT_EXPIRED'],
      [future, 'GRANT_NOT_YET_VALID'],
      [otherStation, 'GRANT_WRONG_STATION'],
      [toPem(tampered, 'QUOTA GRANT'), 'GRANT_TAMPERED'],
      [toPem(forged, 'QUOTA GRANT'), 'GRANT_FORGED'],
      ['-----BEGIN QUOTA GRANT-----\nnot base64 at all\n-----END QUOTA GRANT-----', 'GRANT_MALFORMED'],
    ];
    for (const [grant, code] of cases) {
      const r = await importFile(grant);
      assert.deepEqual([r.status, r.body.code], [422, code], `${code}: ${JSON.stringify(r.body)}`);
      assert.ok(r.body.message && r.body.message.length > 10);
    }
    assert.deepEqual(await stationOrders(), before);
  });

  it('fail only a supervisor may import: no token 401, wrong token 403', async () => {
    const pem = await createAtCentral(order('PO-AUTH'));
    assert.equal((await importFile(pem, null)).status, 401);
    assert.equal((await importFile(pem, 'operator-guess')).status, 403);
    assert.ok(!(await stationOrders()).includes('PO-AUTH'));
  });
});
