import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { ensureSoftHsmToken } from '../../../src/hsm/softhsm-token.js';
import { validateConfig } from '../../../src/config/validate-config.js';
import { CentralConfig } from '../../../src/config/central-config.js';
import { createHttpApp } from '../../../src/common/http-app.js';
import { CentralModule } from '../../../src/central/central.module.js';
import { buildSignedCsr } from '../../../src/pki/csr.js';
import { encodeName } from '../../../src/pki/name.js';
import { fromPem } from '../../../src/pki/pem.js';
import { verifyChain } from '../../../src/pki/chain.js';
import { inspectCertificate } from '../../../src/pki/certificate-inspector.js';
import { softwareSigner } from '../../support/software-signer.js';

const ADMIN = 'admin-token';
const STATION = 'station-token';
const order = {
  orderId: 'PO-7',
  stationId: 'line-1',
  productModel: 'thermo-1',
  quota: 10,
  serialFirst: 'SN0001',
  serialLast: 'SN0099',
  notBefore: '2026-01-01T00:00:00Z',
  notAfter: '2099-01-01T00:00:00Z',
};

describe('central orders API (real SoftHSM2 + SQLite, HTTP on 127.0.0.1)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'central-'));
  let app: INestApplication;
  let url: string;
  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? (typeof body === 'string' ? body : JSON.stringify(body)) : undefined,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & Array<Record<string, unknown>> };
  };

  before(async () => {
    const token = await ensureSoftHsmToken({ dir: join(dir, 'hsm'), tokenLabel: 'central', pin: '1234', soPin: '5678' });
    const config = validateConfig(CentralConfig, {
      databasePath: join(dir, 'central.db'),
      http: { port: 0 },
      hsm: { modulePath: token.modulePath, tokenLabel: 'central', pin: '1234' },
      brand: { organization: 'Acme', rootCommonName: 'Acme Root' },
      adminToken: ADMIN,
      stations: [{ stationId: 'line-1', apiToken: STATION }, { stationId: 'line-2', apiToken: 'other-station' }],
    });
    app = await createHttpApp(CentralModule.forConfig(config));
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  after(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ok the brand owner creates an order; the station signs its Order CA with pathLen 0 and the order terms', async () => {
    assert.equal((await call('POST', '/api/orders', ADMIN, order)).status, 201);
    const orderKey = softwareSigner('ec-p256');
    const csr = buildSignedCsr(orderKey, encodeName({ commonName: 'ignored' })).toString('base64');
    const res = await call('POST', '/api/orders/PO-7/order-ca', STATION, { csr });
    assert.equal(res.status, 201);
    const cert = Buffer.from(res.body.certificate as string, 'base64');
    const root = fromPem(((await call('GET', '/api/pki/root')).body.pem as string));
    verifyChain([cert], root);
    const c = inspectCertificate(cert);
    assert.deepEqual(c.basicConstraints, { ca: true, pathLen: 0 });
    assert.equal(c.subject.CN, 'Order CA PO-7');
    // the same key again: the same certificate (idempotent); another key: refused
    const again = await call('POST', '/api/orders/PO-7/order-ca', STATION, { csr });
    assert.equal(again.body.certificate, res.body.certificate);
    const other = buildSignedCsr(softwareSigner('ec-p256'), encodeName({ commonName: 'x' })).toString('base64');
    assert.equal((await call('POST', '/api/orders/PO-7/order-ca', STATION, { csr: other })).status, 409);
  });

  it('fail roles are enforced by the server: no token 401, station creating orders 403, other station sees no order', async () => {
    assert.equal((await call('POST', '/api/orders', undefined, { ...order, orderId: 'PO-8' })).status, 401);
    assert.equal((await call('POST', '/api/orders', STATION, { ...order, orderId: 'PO-8' })).status, 403);
    assert.equal((await call('GET', '/api/orders/PO-7', 'other-station')).status, 404);
    assert.equal((await call('GET', '/api/orders/PO-7', 'wrong')).status, 401);
  });

  it('fail bad bodies get a clear 400 and store nothing', async () => {
    const bad: unknown[] = [
      { ...order, orderId: 'PO-9', quota: 0 },
      { ...order, orderId: 'PO-9', serialFirst: 'SN0100', serialLast: 'SN0001' },
      { ...order, orderId: 'PO-9', notAfter: '2020-01-01T00:00:00Z' },
      { ...order, orderId: 'PO 9' },
      { ...order, orderId: 'PO-9', extra: true },
      '{"orderId": ',
    ];
    for (const body of bad) {
      const res = await call('POST', '/api/orders', ADMIN, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.ok(res.body.message, 'a clear message');
    }
    const csrBad = await call('POST', '/api/orders/PO-7/order-ca', STATION, { csr: Buffer.from('junk').toString('base64') });
    assert.equal(csrBad.status, 422);
    assert.match(String(csrBad.body.message), /malformed CSR/);
    const list = (await call("GET", "/api/orders", ADMIN)).body as unknown as Array<{ orderId: string }>;
    assert.deepEqual(list.map((o) => o.orderId), ['PO-7']);
  });
});
