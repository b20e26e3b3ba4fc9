import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OID } from '../../../src/pki/oids.js';
import { readCertificate } from '../../../src/pki/certificate-reader.js';
import { toPem } from '../../../src/pki/pem.js';
import { buildCrl, type CrlEntry } from '../../../src/pki/crl.js';
import { DAY, T0, at, hierarchy, openssl, scratch } from './ocsp-fixtures.js';

const h = hierarchy();
const revokedDev = h.device('dev-revoked');
const otherRevoked = h.device('dev-superseded');
const goodDev = h.device('dev-good');
const serial = (cert: Uint8Array) => readCertificate(cert).serialHex;
const entries: CrlEntry[] = [
  { serialHex: serial(revokedDev), revokedAt: at(-DAY), reason: 1 },
  { serialHex: serial(otherRevoked), revokedAt: at(-2 * DAY), reason: 0 },
];
const crl = (crlNumber = 5n, list = entries) => buildCrl({ issuer: h.ca, thisUpdate: T0, nextUpdate: at(DAY), crlNumber, entries: list });

const dir = scratch({}, {
  'chain.pem': [h.root.certificate, h.ca.certificate],
  'revoked.pem': [revokedDev],
  'good.pem': [goodDev],
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('CRL (RFC 5280 §5)', () => {
  it('ok a v2 CRL parsed back by PKI.js: issuer, times, entries with reasonCode, AKI and cRLNumber; signature verifies', async () => {
    const der = crl();
    const parsed = new pkijs.CertificateRevocationList({ schema: asn1js.fromBER(new Uint8Array(der)).result });
    assert.equal(parsed.version, 1, 'v2');
    assert.deepEqual(Buffer.from(parsed.issuer.toSchema().toBER()), h.ca.subject);
    assert.equal(parsed.thisUpdate.value.getTime(), T0.getTime());
    assert.equal(parsed.nextUpdate!.value.getTime(), at(DAY).getTime());
    const revoked = parsed.revokedCertificates!;
    assert.deepEqual(
      revoked.map((r) => Buffer.from(r.userCertificate.valueBlock.valueHexView).toString('hex').replace(/^00/, '')).sort(),
      entries.map((e) => e.serialHex).sort(),
    );
    const entryFor = (hex: string) => revoked.find((r) => Buffer.from(r.userCertificate.valueBlock.valueHexView).toString('hex').replace(/^00/, '') === hex)!;
    const keyCompromise = entryFor(serial(revokedDev));
    assert.equal(keyCompromise.revocationDate.value.getTime(), at(-DAY).getTime());
    const reason = keyCompromise.crlEntryExtensions!.extensions.find((e) => e.extnID === OID.cRLReason)!;
    assert.equal((reason.parsedValue as asn1js.Enumerated).valueBlock.valueDec, 1);
    assert.equal(entryFor(serial(otherRevoked)).crlEntryExtensions, undefined, 'unspecified: no reasonCode (RFC 5280 §5.3.1)');
    const exts = new Map(parsed.crlExtensions!.extensions.map((e) => [e.extnID, e]));
    assert.deepEqual([...exts.keys()].sort(), [OID.authorityKeyIdentifier, OID.cRLNumber].sort());
    assert.ok([...exts.values()].every((e) => !e.critical));
    assert.equal((exts.get(OID.cRLNumber)!.parsedValue as asn1js.Integer).valueBlock.valueDec, 5);
    const aki = exts.get(OID.authorityKeyIdentifier)!.parsedValue as pkijs.AuthorityKeyIdentifier;
    assert.deepEqual(Buffer.from(aki.keyIdentifier!.valueBlock.valueHexView), h.ca.keyIdentifier);
    const issuer = new pkijs.Certificate({ schema: asn1js.fromBER(new Uint8Array(h.ca.certificate)).result });
    assert.equal(await parsed.verify({ issuerCertificate: issuer }), true);
  });

  it('ok openssl reads it: version 2, CRL number, reason codes', () => {
    const r = openssl(['crl', '-inform', 'DER', '-noout', '-text'], dir, crl(258n));
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /Version 2 \(0x1\)/);
    assert.match(r.out, /X509v3 CRL Number: \n\s+258/);
    assert.match(r.out, /X509v3 Authority Key Identifier/);
    assert.match(r.out, /Key Compromise/);
    assert.match(r.out, new RegExp(`Serial Number: ${serial(revokedDev).toUpperCase()}`));
  });

  it('ok openssl verify -crl_check: error 23 for a revoked certificate, OK for a good one', () => {
    writeFileSync(join(dir, 'ca.crl.pem'), toPem(crl(), 'X509 CRL'));
    const revoked = openssl(['verify', '-crl_check', '-CAfile', 'chain.pem', '-CRLfile', 'ca.crl.pem', 'revoked.pem'], dir);
    assert.notEqual(revoked.status, 0);
    assert.match(revoked.out, /error 23 at 0 depth lookup: certificate revoked/);
    const good = openssl(['verify', '-crl_check', '-CAfile', 'chain.pem', '-CRLfile', 'ca.crl.pem', 'good.pem'], dir);
    assert.equal(good.status, 0, good.out);
    assert.match(good.out, /good\.pem: OK/);
  });

  it('ok with nothing revoked the list is absent (RFC 5280 §5.1.2.6) and openssl still checks against it', () => {
    const der = crl(1n, []);
    const r = openssl(['crl', '-inform', 'DER', '-noout', '-text'], dir, der);
    assert.match(r.out, /No Revoked Certificates/);
    writeFileSync(join(dir, 'empty.crl.pem'), toPem(der, 'X509 CRL'));
    const good = openssl(['verify', '-crl_check', '-CAfile', 'chain.pem', '-CRLfile', 'empty.crl.pem', 'revoked.pem'], dir);
    assert.equal(good.status, 0, good.out);
  });

  it('ok the same state encodes the same entries whatever the order they come in', () => {
    const a = new pkijs.CertificateRevocationList({ schema: asn1js.fromBER(new Uint8Array(crl(2n, entries))).result });
    const b = new pkijs.CertificateRevocationList({ schema: asn1js.fromBER(new Uint8Array(crl(2n, [...entries].reverse()))).result });
    const tbs = (c: pkijs.CertificateRevocationList) => Buffer.from(c.tbsView);
    assert.deepEqual(tbs(a), tbs(b));
  });

  const bad: Array<[string, () => Buffer]> = [
    ['nextUpdate not after thisUpdate', () => buildCrl({ issuer: h.ca, thisUpdate: T0, nextUpdate: T0, crlNumber: 1n, entries: [] })],
    ['a serial that is not hex', () => crl(1n, [{ serialHex: 'xyz', revokedAt: T0, reason: 1 }])],
    ['a negative CRL number', () => crl(-1n)],
    ['removeFromCRL in a full CRL', () => crl(1n, [{ serialHex: '01', revokedAt: T0, reason: 8 }])],
  ];
  for (const [name, make] of bad) it(`fail ${name} is refused`, () => assert.throws(make, RangeError));
});
