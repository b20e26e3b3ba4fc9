import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ensureSoftHsmToken } from '../../../src/hsm/softhsm-token.js';
import { validateConfig } from '../../../src/config/validate-config.js';
import { CentralConfig } from '../../../src/config/central-config.js';
import { createHttpApp } from '../../../src/common/http-app.js';
import { CentralModule } from '../../../src/central/central.module.js';
import { CentralPkiService } from '../../../src/central/ca/central-pki.service.js';
import { OrdersService } from '../../../src/central/orders/orders.service.js';
import { EnrollmentAuthorityService } from '../../../src/central/enrollment/enrollment-authority.service.js';
import { RevocationService } from '../../../src/central/enrollment/revocation.service.js';
import type { EnrollmentRequest } from '../../../src/central/enrollment/enrollment-authority.port.js';
import { readDeviceIdentity } from '../../../src/pki/device-identity.js';
import { ENROLLS_AUDITED_UNREVOKED, isEnrollmentRuleRefusal } from '../../../src/central/enrollment/known-device.migration.js';
import { encodeName } from '../../../src/pki/name.js';
import { selfSignedRoot, issueSubordinate } from '../../../src/pki/ca-certificates.js';
import { ProductionOrderEntity } from '../../../src/central/database/entities.js';
import { softwareSigner } from '../../support/software-signer.js';
import { fieldOrder, type FieldDevice, type FieldOrder } from '../../support/field-devices.js';

describe('enrollment authority: the greenfield policy (real SoftHSM2 + SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'enroll-'));
  let app: INestApplication;
  let ds: DataSource;
  let authority: EnrollmentAuthorityService;
  let revocation: RevocationService;
  let order: FieldOrder;

  const request = (dev: { birth: Buffer }, spki: Buffer, extra: Partial<EnrollmentRequest> = {}): EnrollmentRequest => ({
    protocol: 'est', operation: 'enroll', requester: { certificate: dev.birth, extraCertificates: [] }, spki, ...extra,
  });
  const count = async (table: string, where = '1=1'): Promise<number> => Number((await ds.query(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`))[0].n);
  const enrolledOf = async (orderId: string) => (await ds.getRepository(ProductionOrderEntity).findOneByOrFail({ orderId })).enrolled;

  before(async () => {
    const token = await ensureSoftHsmToken({ dir: join(dir, 'hsm'), tokenLabel: 'central', pin: '1234', soPin: '5678' });
    const config = validateConfig(CentralConfig, {
      databasePath: join(dir, 'central.db'),
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
    revocation = app.get(RevocationService);
    order = await fieldOrder(ds, app.get(CentralPkiService), app.get(OrdersService), { orderId: 'PO-1', quota: 3, serialFirst: 'SN0001', serialLast: 'SN0099' });
  });
  after(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  let first: FieldDevice;
  let firstCert: Buffer;
  let firstKey: ReturnType<typeof softwareSigner>;

  it('enrolls an audited device once and issues the operational profile (requested key, serial, CDP/AIA, validity)', async () => {
    first = await order.device('SN0001');
    firstKey = softwareSigner();
    const out = await authority.enroll(request(first, Buffer.from(firstKey.spki), { subject: encodeName({ commonName: 'dev-0001' }) }));
    assert.equal(out.status, 'issued');
    if (out.status !== 'issued') return;
    firstCert = out.certificate;
    const x = new X509Certificate(out.certificate);
    assert.ok(x.publicKey.export({ format: 'der', type: 'spki' }).equals(Buffer.from(firstKey.spki)), 'certifies the requested key');
    assert.match(x.subject, /CN=dev-0001/);
    assert.match(x.subject, /serialNumber=SN0001/);
    assert.ok(x.verify(new X509Certificate(authority.caCertificates().issuing).publicKey), 'signed by the Operational CA');
    const days = (new Date(x.validTo).getTime() - new Date(x.validFrom).getTime()) / 86_400_000;
    assert.ok(Math.abs(days - 30) < 0.01, `validity ${days} days`);
    assert.match(x.infoAccess ?? '', /OCSP - URI:http:\/\/127\.0\.0\.1:9999\/ocsp/);
    assert.equal(readDeviceIdentity(out.certificate).hardwareModule?.hwSerial, 'SN0001');
    assert.equal(await enrolledOf('PO-1'), 1);
  });

  it('answers the very same request again with the same certificate, counting nothing (a lost answer)', async () => {
    const out = await authority.enroll(request(first, Buffer.from(firstKey.spki)));
    assert.equal(out.status, 'issued');
    assert.ok(out.status === 'issued' && out.certificate.equals(firstCert));
    assert.equal(await enrolledOf('PO-1'), 1);
  });

  it('refuses a second initial enrollment with another key as a clone, and raises an alarm', async () => {
    const alarms = await count('central_alarm', "kind = 'clone'");
    const out = await authority.enroll(request(first, Buffer.from(softwareSigner().spki)));
    assert.equal(out.status, 'refused');
    assert.equal(out.status === 'refused' && out.reason, 'clone');
    assert.equal(await count('central_alarm', "kind = 'clone'"), alarms + 1);
    assert.equal(await enrolledOf('PO-1'), 1);
  });

  it('refuses another birth certificate with the same serial (a cloned identity) as a clone', async () => {
    const twin = await order.device('SN0001');
    const out = await authority.enroll(request(twin, Buffer.from(softwareSigner().spki)));
    assert.equal(out.status === 'refused' && out.reason, 'clone');
  });

  it('refuses an unaudited old birth certificate as unknown, and answers a fresh one "pending"', async () => {
    const old = await order.device('SN0050', { audited: false, ageMs: 3 * 3600_000 });
    const refused = await authority.enroll(request(old, Buffer.from(softwareSigner().spki)));
    assert.equal(refused.status === 'refused' && refused.reason, 'unknown-device');
    assert.ok(await count('central_alarm', "kind = 'unknown-device' AND device_serial = 'SN0050'") >= 1);
    const young = await order.device('SN0051', { audited: false, ageMs: 10_000 });
    const pending = await authority.enroll(request(young, Buffer.from(softwareSigner().spki)));
    assert.equal(pending.status, 'pending');
    assert.equal(await count('device_enrollment', "device_serial IN ('SN0050','SN0051')"), 0);
  });

  it('refuses a serial outside the order range', async () => {
    const outside = await order.device('SN0100');
    const out = await authority.enroll(request(outside, Buffer.from(softwareSigner().spki)));
    assert.equal(out.status === 'refused' && out.reason, 'out-of-range');
  });

  it('refuses a birth certificate from an issuer central never made (forged hierarchy)', async () => {
    const fakeRoot = selfSignedRoot({ organization: 'Acme', commonName: 'Acme Root' }, softwareSigner(), { notBefore: new Date(Date.now() - 1000), notAfter: new Date(Date.now() + 86_400_000) });
    const fake = issueSubordinate(fakeRoot, { subject: encodeName({ commonName: 'SN0002', serialNumber: 'SN0002' }), spki: Buffer.from(softwareSigner().spki), validity: { notBefore: new Date(Date.now() - 1000), notAfter: new Date(Date.now() + 86_400_000) } });
    const out = await authority.enroll({ ...request({ birth: fake }, Buffer.from(softwareSigner().spki)) });
    assert.equal(out.status === 'refused' && out.reason, 'bad-chain');
  });

  it('counts distinct devices against the quota: the fourth device of a quota-3 order is refused', async () => {
    for (const serial of ['SN0002', 'SN0003']) {
      const d = await order.device(serial);
      assert.equal((await authority.enroll(request(d, Buffer.from(softwareSigner().spki)))).status, 'issued');
    }
    const fourth = await order.device('SN0004');
    const out = await authority.enroll(request(fourth, Buffer.from(softwareSigner().spki)));
    assert.equal(out.status === 'refused' && out.reason, 'over-quota');
    assert.equal(await enrolledOf('PO-1'), 3);
    assert.equal(await count('device_enrollment', "order_id = 'PO-1'"), 3);
  });

  it('devices racing for an order\'s last places: the database decides, each loser is refused alone and leaves nothing behind', async () => {
    const o4 = await fieldOrder(ds, app.get(CentralPkiService), app.get(OrdersService), { orderId: 'PO-4', quota: 3, serialFirst: 'SN0001', serialLast: 'SN0099' });
    const devices = await Promise.all(['SN0011', 'SN0012', 'SN0013', 'SN0014', 'SN0015', 'SN0016'].map((s) => o4.device(s)));
    // all six read "room left" before any commits: the quota trigger refuses the extra three
    const outs = await Promise.all(devices.map((d) => authority.enroll(request(d, Buffer.from(softwareSigner().spki)))));
    assert.equal(outs.filter((o) => o.status === 'issued').length, 3);
    assert.deepEqual(outs.filter((o) => o.status === 'refused').map((o) => o.status === 'refused' && o.reason), ['over-quota', 'over-quota', 'over-quota']);
    assert.equal(await enrolledOf('PO-4'), 3);
    assert.equal(await count('device_enrollment', "order_id = 'PO-4'"), 3);
    assert.equal(await count('operational_certificate', "order_id = 'PO-4'"), 3, 'a losing certificate is never on record');
    assert.equal(await count('enrollment_event', "order_id = 'PO-4' AND outcome = 'issued'"), 3);
    assert.equal(await count('enrollment_event', "order_id = 'PO-4' AND reason = 'over-quota'"), 3);
  });

  it('the database itself refuses to enroll a device without an audit of its order\'s station, or a revoked one', async () => {
    const o5 = await fieldOrder(ds, app.get(CentralPkiService), app.get(OrdersService), { orderId: 'PO-5', quota: 10, serialFirst: 'SN0001', serialLast: 'SN0099' });
    const insert = (serial: string, fingerprint: string) => ds.query(
      `INSERT INTO device_enrollment (order_id, device_serial, birth_fingerprint, key_hash, certificate_serial, protocol, enrolled_at) VALUES ('PO-5', ?, ?, 'k', ?, 'est', 'now')`,
      [serial, fingerprint, `c-${serial}`],
    );
    const fingerprintOf = (d: FieldDevice) => readDeviceIdentity(d.birth).details.fingerprint;
    const refused = (e: unknown) => isEnrollmentRuleRefusal(e) && String((e as Error).message).includes(ENROLLS_AUDITED_UNREVOKED);
    const unaudited = await o5.device('SN0031', { audited: false });
    await assert.rejects(insert('SN0031', fingerprintOf(unaudited)), refused);
    // audited by another station than the order's
    const elsewhere = await o5.device('SN0032', { audited: false });
    await ds.query(`INSERT INTO device_registry (fingerprint, device_serial, station_id, order_id, seq) VALUES (?, 'SN0032', 'line-9', 'PO-5', 900)`, [fingerprintOf(elsewhere)]);
    await assert.rejects(insert('SN0032', fingerprintOf(elsewhere)), refused);
    const audited = await o5.device('SN0033');
    await revocation.revokeDevice('SN0033', 1, 'PO-5');
    await assert.rejects(insert('SN0033', fingerprintOf(audited)), refused);
    assert.equal(await count('device_enrollment', "order_id = 'PO-5'"), 0);
    const fine = await o5.device('SN0034');
    await insert('SN0034', fingerprintOf(fine));
    assert.equal(await count('device_enrollment', "order_id = 'PO-5'"), 1);
  });

  it('records every refusal with its reason', async () => {
    const rows: Array<{ reason: string }> = await ds.query(`SELECT DISTINCT reason FROM enrollment_event WHERE outcome = 'refused'`);
    assert.deepEqual(rows.map((r) => r.reason).sort(), ['bad-chain', 'clone', 'out-of-range', 'over-quota', 'unknown-device']);
  });

  it('renews with the operational certificate (re-enroll supersedes it; a key update needs a new key)', async () => {
    const opCred = { certificate: firstCert, extraCertificates: [] };
    const same = await authority.enroll({ protocol: 'cmp', operation: 'key-update', requester: opCred, spki: Buffer.from(firstKey.spki) });
    assert.equal(same.status === 'refused' && same.reason, 'bad-request');
    const next = softwareSigner();
    const renewed = await authority.enroll({ protocol: 'est', operation: 'reenroll', requester: opCred, spki: Buffer.from(next.spki) });
    assert.equal(renewed.status, 'issued');
    const old = await authority.status('operational-ca', new X509Certificate(firstCert).serialNumber);
    assert.equal(old.state, 'revoked');
    assert.equal(old.state === 'revoked' && old.reason, 4);
    assert.equal(await enrolledOf('PO-1'), 3, 'renewal is not a new device');
    if (renewed.status === 'issued') firstCert = renewed.certificate;
  });

  it('a rejected certConf revokes the certificate and frees the device\'s enrollment', async () => {
    const o2 = await fieldOrder(ds, app.get(CentralPkiService), app.get(OrdersService), { orderId: 'PO-2', quota: 5, serialFirst: 'SN0001', serialLast: 'SN0099' });
    const d = await o2.device('SN0007');
    const out = await authority.enroll({ ...request(d, Buffer.from(softwareSigner().spki)), protocol: 'cmp' });
    assert.equal(out.status, 'issued');
    if (out.status !== 'issued') return;
    await authority.confirm(out.serialHex, false, 'wrong key');
    assert.equal((await authority.status('operational-ca', out.serialHex)).state, 'revoked');
    assert.equal(await enrolledOf('PO-2'), 0);
    const again = await authority.enroll({ ...request(d, Buffer.from(softwareSigner().spki)), protocol: 'cmp' });
    assert.equal(again.status, 'issued', 'the device may enroll again after rejecting');
  });

  it('an implicitly confirmed CMP certificate is accepted as issued; a certConf cannot reject it, only central\'s own guard withdraws it', async () => {
    const o3 = await fieldOrder(ds, app.get(CentralPkiService), app.get(OrdersService), { orderId: 'PO-3', quota: 5, serialFirst: 'SN0001', serialLast: 'SN0099' });
    const d = await o3.device('SN0008');
    const out = await authority.enroll({ ...request(d, Buffer.from(softwareSigner().spki)), protocol: 'cmp', confirmed: true });
    assert.equal(out.status, 'issued');
    if (out.status !== 'issued') return;
    const confirmation = async () =>
      ((await ds.query(`SELECT confirmation FROM operational_certificate WHERE serial_hex = ?`, [out.serialHex])) as Array<{ confirmation: string }>)[0]?.confirmation;
    assert.equal(await confirmation(), 'accepted');
    await authority.confirm(out.serialHex, false, 'late certConf');
    assert.equal(await confirmation(), 'accepted', 'nothing was awaiting confirmation');
    assert.equal((await authority.status('operational-ca', out.serialHex)).state, 'good');
    await authority.confirm(out.serialHex, false, 'issued for another key', { evenIfAccepted: true });
    assert.equal(await confirmation(), 'rejected');
    assert.equal((await authority.status('operational-ca', out.serialHex)).state, 'revoked');
    assert.equal(await enrolledOf('PO-3'), 0, 'the device may enroll again');
  });

  it('revoking a device bars it and revokes its certificates; revoking an order bars every device', async () => {
    const view = await revocation.revokeDevice('SN0002', 1, 'PO-1');
    assert.equal(view.certificatesRevoked, 1);
    const d2 = await order.device('SN0005');
    const out = await authority.enroll(request({ birth: (await order.device('SN0002')).birth }, Buffer.from(softwareSigner().spki)));
    assert.equal(out.status === 'refused' && out.reason, 'revoked');
    const listed = await authority.revoked('operational-ca');
    assert.ok(listed.some((e) => e.reason === 1));
    await revocation.revokeOrder('PO-1', 0);
    const refused = await authority.enroll(request(d2, Buffer.from(softwareSigner().spki)));
    assert.equal(refused.status === 'refused' && refused.reason, 'revoked');
    const renew = await authority.enroll({ protocol: 'est', operation: 'reenroll', requester: { certificate: firstCert, extraCertificates: [] }, spki: Buffer.from(softwareSigner().spki) });
    assert.equal(renew.status === 'refused' && renew.reason, 'revoked');
  });
});
