import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { startPostgres } from '../../support/postgres.js';

/*
 * Entity column types are fixed when central's modules load (database-dialect.ts), so the server
 * starts and DATABASE_URL is set before they are imported.
 */
const pg = await startPostgres();
process.env.DATABASE_URL = pg.url;
const { ensureSoftHsmToken } = await import('../../../src/hsm/softhsm-token.js');
const { validateConfig } = await import('../../../src/config/validate-config.js');
const { CentralConfig } = await import('../../../src/config/central-config.js');
const { createHttpApp } = await import('../../../src/common/http-app.js');
const { CentralModule } = await import('../../../src/central/central.module.js');
const { CentralPkiService } = await import('../../../src/central/ca/central-pki.service.js');
const { OrdersService } = await import('../../../src/central/orders/orders.service.js');
const { EnrollmentAuthorityService } = await import('../../../src/central/enrollment/enrollment-authority.service.js');
const { RevocationService } = await import('../../../src/central/enrollment/revocation.service.js');
const { ProductionOrderEntity } = await import('../../../src/central/database/entities.js');
const { openPostgres, parsePostgresUrl } = await import('../../../src/common/postgres-database.js');
const { CENTRAL_ENTITIES } = await import('../../../src/central/database/entities.js');
const { CENTRAL_MIGRATIONS } = await import('../../../src/central/database/migrations.js');
const { ConfigError } = await import('../../../src/common/domain-error.js');
const { fieldOrder } = await import('../../support/field-devices.js');
const { softwareSigner } = await import('../../support/software-signer.js');
type EnrollmentRequest = import('../../../src/central/enrollment/enrollment-authority.port.js').EnrollmentRequest;
type EnrollmentOutcome = import('../../../src/central/enrollment/enrollment-authority.port.js').EnrollmentOutcome;
type FieldDevice = import('../../support/field-devices.js').FieldDevice;

describe('central on PostgreSQL: schema, URL check, and the greenfield policy under concurrency (real PostgreSQL + SoftHSM2)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pg-enroll-'));
  let app: INestApplication;
  let ds: DataSource;
  let authority: InstanceType<typeof EnrollmentAuthorityService>;

  const request = (dev: { birth: Buffer }, spki: Uint8Array): EnrollmentRequest => ({
    protocol: 'est', operation: 'enroll', requester: { certificate: dev.birth, extraCertificates: [] }, spki: Buffer.from(spki),
  });
  const count = async (table: string, where: string, params: unknown[] = []): Promise<number> => {
    const [{ n }] = await ds.query(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, params);
    assert.equal(typeof n, 'number', 'COUNT(*) arrives as a number');
    return n;
  };
  const enrolledOf = async (orderId: string) => (await ds.getRepository(ProductionOrderEntity).findOneByOrFail({ orderId })).enrolled;
  const newOrder = (orderId: string, quota: number) =>
    fieldOrder(ds, app.get(CentralPkiService), app.get(OrdersService), { orderId, quota, serialFirst: 'SN0001', serialLast: 'SN0999' });

  before(async () => {
    const token = await ensureSoftHsmToken({ dir: join(dir, 'hsm'), tokenLabel: 'central', pin: '1234', soPin: '5678' });
    const config = validateConfig(CentralConfig, {
      databasePath: join(dir, 'unused.db'),
      http: { port: 0 },
      hsm: { modulePath: token.modulePath, tokenLabel: 'central', pin: '1234' },
      brand: { organization: 'Acme', rootCommonName: 'Acme Root' },
      adminToken: 'admin',
      enrollment: { publicUrl: 'http://127.0.0.1:9999', validityDays: 30, auditGraceSeconds: 600 },
    });
    app = await createHttpApp(CentralModule.forConfig(config));
    await app.init();
    ds = app.get(DataSource);
    authority = app.get(EnrollmentAuthorityService);
  });
  after(async () => {
    await app?.close();
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs on the postgres driver with the schema made by the shared migrations (bytea for DER)', async () => {
    assert.equal(ds.options.type, 'postgres');
    const ran: Array<{ name: string }> = await ds.query('SELECT name FROM migrations ORDER BY id');
    assert.deepEqual(ran.map((r) => r.name), CENTRAL_MIGRATIONS.map((m) => m.name));
    const [col] = await ds.query(`SELECT data_type FROM information_schema.columns WHERE table_name = 'ca_certificate' AND column_name = 'certificate'`);
    assert.equal(col.data_type, 'bytea');
    assert.ok(!existsSync(join(dir, 'unused.db')), 'no SQLite file is made when DATABASE_URL is set');
  });

  it('nodes booting together migrate once: the second waits on the advisory lock and finds nothing to run', async () => {
    const url = await pg.createDatabase('fresh');
    const nodes = await Promise.all([1, 2, 3].map(() => openPostgres(parsePostgresUrl(url), CENTRAL_ENTITIES, CENTRAL_MIGRATIONS, { poolSize: 2 })));
    try {
      const ran: Array<{ name: string }> = await nodes[0].query('SELECT name FROM migrations ORDER BY id');
      assert.deepEqual(ran.map((r) => r.name), CENTRAL_MIGRATIONS.map((m) => m.name), 'each migration recorded exactly once');
    } finally {
      for (const n of nodes) await n.destroy();
    }
  });

  it('refuses a bad DATABASE_URL with a clear error that never shows the password', async () => {
    const bad = ['mysql://u:secretpw@h/db', 'not a url', 'postgres://u:secretpw@h', 'postgres://u:secretpw@h:99999/db', 'postgres://h/db'];
    for (const url of bad) {
      assert.throws(() => parsePostgresUrl(url), (e: unknown) => e instanceof ConfigError && /DATABASE_URL/.test(e.message) && !e.message.includes('secretpw'), url);
    }
    const unreachable = pg.url.replace(/:(\d+)\//, ':1/');
    await assert.rejects(
      openPostgres(parsePostgresUrl(unreachable), CENTRAL_ENTITIES, CENTRAL_MIGRATIONS),
      (e: unknown) => e instanceof ConfigError && /cannot open PostgreSQL at postgres:\/\/central@127\.0\.0\.1:1\/central/.test(e.message) && !e.message.includes(new URL(pg.url).password),
    );
  });

  it('enrolls a device once; the very same request again gets the same certificate; another key is a clone', async () => {
    const order = await newOrder('PO-SEQ', 3);
    const dev = await order.device('SN0001');
    const key = softwareSigner();
    const first = await authority.enroll(request(dev, key.spki));
    assert.equal(first.status, 'issued');
    const again = await authority.enroll(request(dev, key.spki));
    assert.ok(first.status === 'issued' && again.status === 'issued' && again.certificate.equals(first.certificate));
    const clone = await authority.enroll(request(dev, softwareSigner().spki));
    assert.equal(clone.status === 'refused' && clone.reason, 'clone');
    assert.equal(await count('central_alarm', `kind = 'clone' AND order_id = $1`, ['PO-SEQ']), 1);
    assert.equal(await enrolledOf('PO-SEQ'), 1);
  });

  it('the same device enrolling many times at once: one enrollment, same request answered alike, others clones', async () => {
    const order = await newOrder('PO-RACE', 50);
    const devices: FieldDevice[] = [];
    for (let i = 1; i <= 12; i++) devices.push(await order.device(`SN${String(i).padStart(4, '0')}`));
    // per device: the same request twice and two different keys, all at the same moment
    const results = await Promise.all(devices.map(async (d) => {
      const key = softwareSigner();
      const outs = await Promise.all([request(d, key.spki), request(d, key.spki), request(d, softwareSigner().spki), request(d, softwareSigner().spki)].map((r) => authority.enroll(r)));
      return { d, outs };
    }));
    for (const { d, outs } of results) {
      const issued = outs.filter((o): o is Extract<EnrollmentOutcome, { status: 'issued' }> => o.status === 'issued');
      const serials = new Set(issued.map((o) => o.serialHex));
      assert.equal(serials.size, 1, `${d.serial}: one certificate, however many were asked for`);
      assert.ok(outs.every((o) => o.status === 'issued' || (o.status === 'refused' && o.reason === 'clone')), `${d.serial}: ${JSON.stringify(outs.map((o) => o.status === 'refused' ? o.reason : o.status))}`);
      assert.ok(issued.length <= 2, 'only the winning request (and its twin) is answered with the certificate');
    }
    assert.equal(await count('device_enrollment', 'order_id = $1', ['PO-RACE']), devices.length);
    assert.equal(await enrolledOf('PO-RACE'), devices.length, 'the order counts distinct devices');
    assert.equal(await count('operational_certificate', 'order_id = $1', ['PO-RACE']), devices.length, 'losers left no certificate behind');
  });

  it('the quota holds under concurrency: a quota-5 order with 9 audited devices enrolling at once gets exactly 5', async () => {
    const order = await newOrder('PO-QUOTA', 5);
    const devices: FieldDevice[] = [];
    for (let i = 1; i <= 9; i++) devices.push(await order.device(`SN${String(100 + i).padStart(4, '0')}`));
    const outs = await Promise.all(devices.map((d) => authority.enroll(request(d, softwareSigner().spki))));
    assert.equal(outs.filter((o) => o.status === 'issued').length, 5);
    assert.equal(outs.filter((o) => o.status === 'refused' && o.reason === 'over-quota').length, 4);
    assert.equal(await enrolledOf('PO-QUOTA'), 5);
    assert.equal(await count('device_enrollment', 'order_id = $1', ['PO-QUOTA']), 5);
    assert.equal(await count('operational_certificate', 'order_id = $1', ['PO-QUOTA']), 5, 'a losing certificate is never on record');
    assert.equal(await count('enrollment_event', `order_id = $1 AND reason = 'over-quota'`, ['PO-QUOTA']), 4, 'every refusal recorded');
  });

  it('a rejected certConf reaching two nodes at once frees the device once', async () => {
    const order = await newOrder('PO-CONF', 5);
    const d = await order.device('SN0007');
    const out = await authority.enroll({ ...request(d, softwareSigner().spki), protocol: 'cmp' });
    assert.equal(out.status, 'issued');
    if (out.status !== 'issued') return;
    await Promise.all([authority.confirm(out.serialHex, false, 'wrong key'), authority.confirm(out.serialHex, false, 'wrong key')]);
    assert.equal(await enrolledOf('PO-CONF'), 0, 'decremented once, not twice');
    assert.equal(await count('enrollment_event', `order_id = $1 AND outcome = 'rejected'`, ['PO-CONF']), 1);
  });

  it('revoking a device and an order bars enrollment and lists the revoked certificates', async () => {
    const order = await newOrder('PO-REV', 5);
    const a = await order.device('SN0001');
    const issued = await authority.enroll(request(a, softwareSigner().spki));
    assert.equal(issued.status, 'issued');
    const view = await app.get(RevocationService).revokeDevice('SN0001', 1, 'PO-REV');
    assert.equal(view.certificatesRevoked, 1);
    const barred = await authority.enroll(request(await order.device('SN0001'), softwareSigner().spki));
    assert.equal(barred.status === 'refused' && barred.reason, 'revoked');
    assert.ok((await authority.revoked('operational-ca')).some((e) => issued.status === 'issued' && e.serialHex === issued.serialHex && e.reason === 1));
    await app.get(RevocationService).revokeOrder('PO-REV', 0);
    const other = await authority.enroll(request(await order.device('SN0002'), softwareSigner().spki));
    assert.equal(other.status === 'refused' && other.reason, 'revoked');
  });
});

