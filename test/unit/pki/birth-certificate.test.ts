import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { softwareSigner } from '../../support/software-signer.js';
import { opensslText, opensslVerify } from '../../support/openssl.js';
import { selfSignedRoot, issueSubordinate } from '../../../src/pki/ca-certificates.js';
import { encodeName } from '../../../src/pki/name.js';
import { BirthCertificateTemplate } from '../../../src/pki/birth-certificate.js';
import { inspectCertificate } from '../../../src/pki/certificate-inspector.js';
import { readCertificate } from '../../../src/pki/certificate-reader.js';
import { inspectSpki } from '../../../src/pki/spki.js';
import { OID } from '../../../src/pki/oids.js';
import { KEY_ALGORITHMS } from '../../../src/pki/key-algorithm.js';

const YEAR = 365 * 24 * 3600 * 1000;
const validity = { notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + YEAR) };

function hierarchy() {
  const root = selfSignedRoot({ organization: 'Acme Devices', commonName: 'Acme Brand Root CA' }, softwareSigner('ec-p256'), validity);
  const orderSigner = softwareSigner('ec-p256');
  const orderCert = issueSubordinate(root, {
    subject: encodeName({ organization: 'Acme Devices', commonName: 'Acme Order CA PO-1' }),
    spki: orderSigner.spki,
    validity,
    pathLen: 0,
    terms: { orderId: 'PO-1', productModel: 'thermo-1', quota: 50, serialFirst: 'SN000001', serialLast: 'SN000100' },
  });
  const parts = readCertificate(orderCert);
  const template = new BirthCertificateTemplate(
    { subject: parts.subject, keyIdentifier: parts.subjectKeyIdentifier!, signer: orderSigner },
    'PO-1',
    { hardwareTypeOid: `${OID.hardwareTypeArc}.1`, organization: 'Acme Devices' },
  );
  return { root, orderCert, template };
}

describe('birth certificate profile (IEEE 802.1AR IDevID)', () => {
  const { root, orderCert, template } = hierarchy();

  for (const alg of KEY_ALGORITHMS) {
    it(`ok ${alg} device key: chain verifies with openssl -x509_strict and every profile field parses back`, () => {
      const device = softwareSigner(alg);
      const key = inspectSpki(device.spki);
      const issued = template.issue({ serial: 'SN000042', algorithm: alg, spki: device.spki, keyIdentifier: key.keyIdentifier }, new Date());
      const verdict = opensslVerify(root.certificate, [orderCert], issued.der);
      assert.equal(verdict.ok, true, verdict.output);

      const c = inspectCertificate(issued.der);
      assert.equal(c.subject.serialNumber, 'SN000042');
      assert.equal(c.subject.CN, 'SN000042');
      assert.equal(c.subject.O, 'Acme Devices');
      assert.equal(c.issuer.CN, 'Acme Order CA PO-1');
      assert.equal(c.notAfterRaw, '99991231235959Z');
      assert.equal(c.notAfterType, 'GeneralizedTime');
      assert.deepEqual(c.keyUsage, ['digitalSignature']);
      assert.equal(c.keyUsageCritical, true);
      assert.equal(c.basicConstraints, null, 'an IDevID carries no basicConstraints CA');
      assert.deepEqual(c.hardwareModuleName, { hwType: `${OID.hardwareTypeArc}.1`, hwSerial: 'SN000042' });
      assert.equal(c.subjectKeyIdentifier, key.keyIdentifier.toString('hex'));
      assert.equal(c.authorityKeyIdentifier, readCertificate(orderCert).subjectKeyIdentifier!.toString('hex'));
      assert.ok(c.extensionOids.includes(OID.birthOrderId));
      assert.equal(c.serialHex, issued.serialHex);
      assert.equal(issued.fingerprint, createHash('sha256').update(issued.der).digest('hex'));
    });
  }

  it('ok Order CA is a CA with pathLen 0 and carries the order terms', () => {
    const c = inspectCertificate(orderCert);
    assert.deepEqual(c.basicConstraints, { ca: true, pathLen: 0 });
    assert.deepEqual(c.keyUsage, ['keyCertSign', 'cRLSign']);
    assert.ok(c.extensionOids.includes(OID.orderTerms));
    assert.match(opensslText(orderCert), /CA:TRUE, pathlen:0/);
  });

  it('ok keyAgreement is added for EC keys when the product asks for it', () => {
    const signer = softwareSigner('ec-p256');
    const t = new BirthCertificateTemplate({ subject: root.subject, keyIdentifier: root.keyIdentifier, signer }, 'PO-2', {
      hardwareTypeOid: `${OID.hardwareTypeArc}.1`,
      keyAgreement: true,
    });
    const device = softwareSigner('ec-p256');
    const issued = t.issue({ serial: 'X1', algorithm: 'ec-p256', spki: device.spki, keyIdentifier: inspectSpki(device.spki).keyIdentifier }, new Date());
    assert.deepEqual(inspectCertificate(issued.der).keyUsage, ['digitalSignature', 'keyAgreement']);
  });

  it('ok golden vector: fixed issuer, key, serial and date give the exact same TBS bytes', () => {
    // Fixed 32-byte Ed25519 SPKI and issuer: the TBS encoding must never drift silently.
    const spki = Buffer.from('302a300506032b6570032100' + '11'.repeat(32), 'hex');
    const issuerName = encodeName({ commonName: 'Golden Order CA' });
    const t = new BirthCertificateTemplate(
      { subject: issuerName, keyIdentifier: Buffer.alloc(20, 0xaa), signer: { algorithm: 'ec-p256', spki, sign: () => Buffer.alloc(0) } },
      'PO-GOLD',
      { hardwareTypeOid: '1.3.6.1.4.1.99999.1', organization: 'Golden' },
    );
    const tbs = t.tbsFor(
      { serial: 'G-1', algorithm: 'ed25519', spki, keyIdentifier: Buffer.alloc(20, 0xbb) },
      Buffer.from('4000000000000000000000000000000a', 'hex'),
      new Date('2026-01-02T03:04:05Z'),
    );
    assert.equal(
      createHash('sha256').update(tbs).digest('hex'),
      GOLDEN_TBS_SHA256,
      `TBS changed: ${tbs.toString('hex')}`,
    );
  });
});

const GOLDEN_TBS_SHA256 = '84059ddb516b000f3b75815cbae478900fedbd7f9b60ae039ba39dd16d826811';
