import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { verifyCsr } from '../../../src/pki/csr.js';
import { encodeName } from '../../../src/pki/name.js';
import { buildSignedCsr } from '../../../src/pki/csr.js';
import { inspectCertificate } from '../../../src/pki/certificate-inspector.js';
import { DuplicateSerialError, NoOrderForProductError, QuotaExhaustedError, SerialOutOfRangeError, OrderNotOpenError } from '../../../src/station/issuance/issuance.errors.js';
import { issuanceStack, softSigner } from '../../support/issuance-stack.js';

const deviceCsr = (serial: string) => verifyCsr(buildSignedCsr(softSigner(), encodeName({ serialNumber: serial })), ['ec-p256']);
const count = async (stack: Awaited<ReturnType<typeof issuanceStack>>) => {
  const [row] = await stack.ds.query(`SELECT issued, (SELECT COUNT(*) FROM issuance) AS records FROM station_order`);
  return row as { issued: number; records: number };
};

describe('issuance ledger on SQLite + SoftHSM2', () => {
  let stack: Awaited<ReturnType<typeof issuanceStack>>;
  let issuedSerial = '';
  before(async () => {
    stack = await issuanceStack(50, { serialFirst: 'SN0000000', serialLast: 'SN0009999' });
  });
  after(() => stack.close());

  it('ok 64 concurrent requests on an order of 50: exactly 50 certificates, 14 quota refusals', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 64 }, (_, i) => stack.issuance.issue({ deviceSerial: `SN${String(i).padStart(7, '0')}`, productModel: 'thermo-1', csr: deviceCsr('x') })),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    issuedSerial = inspectCertificate((ok[0] as PromiseFulfilledResult<{ certificate: Buffer }>).value.certificate).subject.serialNumber;
    const refused = results.filter((r) => r.status === 'rejected');
    assert.equal(ok.length, 50);
    assert.equal(refused.length, 14);
    assert.ok(refused.every((r) => (r as PromiseRejectedResult).reason instanceof QuotaExhaustedError));
    assert.deepEqual(await count(stack), { issued: 50, records: 50 });
    const [{ n }] = await stack.ds.query(`SELECT COUNT(*) AS n FROM issuance WHERE status = 'issued' AND certificate IS NOT NULL`);
    assert.equal(n, 50);
  });

  it('fail a serial already issued, presented with another key, is refused as a duplicate at no cost', async () => {
    const first = await stack.issuance.issue({ deviceSerial: issuedSerial, productModel: 'thermo-1', csr: deviceCsr(issuedSerial) }).catch((e) => e);
    assert.ok(first instanceof DuplicateSerialError);
    assert.match(first.message, /another key/);
    assert.deepEqual(await count(stack), { issued: 50, records: 50 });
  });

  it('ok on a full order, the same device and key still gets its certificate again at no cost', async () => {
    const [row] = await stack.ds.query(`SELECT device_serial AS serial, certificate FROM issuance LIMIT 1`);
    // rebuild the request the device made: the stored certificate holds its public key
    const { readCertificate } = await import('../../../src/pki/certificate-reader.js');
    const { inspectSpki } = await import('../../../src/pki/spki.js');
    const spki = readCertificate(row.certificate).spki;
    const again = await stack.issuance.issue({
      deviceSerial: row.serial,
      productModel: 'thermo-1',
      csr: { algorithm: 'ec-p256', spki, keyIdentifier: inspectSpki(spki).keyIdentifier, subjectSerial: row.serial, subject: Buffer.from([0x30, 0]) },
    });
    assert.equal(again.reused, true);
    assert.deepEqual(again.certificate, row.certificate);
    assert.deepEqual(await count(stack), { issued: 50, records: 50 });
  });

  it('ok the exhausted order is closed and its Order CA key destroyed in the HSM, both recorded', async () => {
    const [row] = await stack.ds.query(`SELECT status, closed_reason AS reason FROM station_order WHERE order_id = 'BENCH'`);
    assert.deepEqual(row, { status: 'closed', reason: 'exhausted' });
    assert.equal(stack.hsm.findKey('order-ca:BENCH'), null);
    const kinds = (await stack.events.list()).map((e) => e.kind);
    assert.ok(kinds.includes('order-closed') && kinds.includes('key-destroyed'));
    // a device of the closed order's range is told the order is exhausted; another product has no order
    await assert.rejects(stack.issuance.issue({ deviceSerial: 'SN0009998', productModel: 'thermo-1', csr: deviceCsr('x') }), QuotaExhaustedError);
    await assert.rejects(stack.issuance.issue({ deviceSerial: 'SN0009998', productModel: 'other', csr: deviceCsr('x') }), NoOrderForProductError);
    assert.deepEqual(await count(stack), { issued: 50, records: 50 });
  });
});

describe('issuance ledger: re-injection and order window', () => {
  it('ok re-issuing for the same serial and key returns the stored certificate, quota unchanged', async () => {
    const stack = await issuanceStack(5);
    try {
      const csr = deviceCsr('SN0000007');
      const a = await stack.issuance.issue({ deviceSerial: 'SN0000007', productModel: 'thermo-1', csr });
      const b = await stack.issuance.issue({ deviceSerial: 'SN0000007', productModel: 'thermo-1', csr });
      assert.equal(a.reused, false);
      assert.equal(b.reused, true);
      assert.deepEqual(b.certificate, a.certificate);
      assert.deepEqual(await count(stack), { issued: 1, records: 1 });
      assert.equal(inspectCertificate(a.certificate).subject.serialNumber, 'SN0000007');
    } finally {
      await stack.close();
    }
  });

  it('fail a serial outside the order range costs nothing', async () => {
    const stack = await issuanceStack(5, { serialFirst: 'SN0000000', serialLast: 'SN0000099' });
    try {
      await assert.rejects(stack.issuance.issue({ deviceSerial: 'SN0000100', productModel: 'thermo-1', csr: deviceCsr('x') }), SerialOutOfRangeError);
      await assert.rejects(stack.issuance.issue({ deviceSerial: 'XX0000001', productModel: 'thermo-1', csr: deviceCsr('x') }), SerialOutOfRangeError);
      assert.deepEqual(await count(stack), { issued: 0, records: 0 });
    } finally {
      await stack.close();
    }
  });

  it('fail a signature that fails after the reservation: counted, never signed, recorded as spoiled; nothing goes to the device', async () => {
    const stack = await issuanceStack(5);
    try {
      // the Order CA key is gone from the token: the build succeeds, the signature cannot
      stack.hsm.destroyKey('order-ca:BENCH');
      await assert.rejects(stack.issuance.issue({ deviceSerial: 'SN0000003', productModel: 'thermo-1', csr: deviceCsr('SN0000003') }));
      assert.deepEqual(await count(stack), { issued: 1, records: 1 });
      const [row] = await stack.ds.query(`SELECT status, certificate FROM issuance WHERE device_serial = 'SN0000003'`);
      assert.deepEqual(row, { status: 'spoiled', certificate: null });
      assert.ok((await stack.events.list()).some((e) => e.kind === 'certificate-spoiled' && e.deviceSerial === 'SN0000003'));
    } finally {
      await stack.close();
    }
  });

  it('fail an expired order issues nothing', async () => {
    const stack = await issuanceStack(5, { notAfter: new Date(Date.now() - 1000) });
    try {
      await assert.rejects(stack.issuance.issue({ deviceSerial: 'SN0000001', productModel: 'thermo-1', csr: deviceCsr('x') }), OrderNotOpenError);
      assert.deepEqual(await count(stack), { issued: 0, records: 0 });
    } finally {
      await stack.close();
    }
  });
});
