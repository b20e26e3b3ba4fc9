import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { OID } from '../../../src/pki/oids.js';
import { readCertificate } from '../../../src/pki/certificate-reader.js';
import { extendedKeyUsage } from '../../../src/pki/extensions.js';
import { authorityInfoAccess, crlDistributionPoints, ocspNoCheck, OCSP_SIGNING_EKU } from '../../../src/pki/validation-extensions.js';
import { children, contentOf, decodeOid, readTopLevel } from '../../../src/pki/der/der-reader.js';
import { openssl, scratch } from './ocsp-fixtures.js';

const CRL_URL = 'http://va.example.com/crl/operational-ca.crl';
const OCSP_URL = 'http://va.example.com/ocsp';
const ISSUER_URL = 'http://va.example.com/ca/operational-ca.cer';

const dir = scratch({});
after(() => rmSync(dir, { recursive: true, force: true }));

/** The same extensions as openssl encodes them from its own configuration syntax (a second, independent encoder). */
function opensslExtensions(): Map<string, { critical: boolean; value: Buffer }> {
  const r = openssl(
    [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'k.pem', '-subj', '/CN=x',
      '-addext', `crlDistributionPoints=URI:${CRL_URL}`,
      '-addext', `authorityInfoAccess=OCSP;URI:${OCSP_URL},caIssuers;URI:${ISSUER_URL}`,
      '-addext', 'extendedKeyUsage=OCSPSigning',
      '-addext', 'noCheck=ignored',
      '-outform', 'DER', '-out', 'c.der',
    ],
    dir,
  );
  assert.equal(r.status, 0, r.out);
  return readCertificate(readFileSync(join(dir, 'c.der'))).extensions;
}

/** Extension ::= SEQUENCE { extnID, critical DEFAULT FALSE, extnValue }, read with the project's DER reader. */
function ours(ext: Buffer): { oid: string; critical: boolean; value: Buffer } {
  const parts = children(ext, readTopLevel(ext, 'Extension'));
  return {
    oid: decodeOid(contentOf(ext, parts[0])),
    critical: parts.length === 3,
    value: Buffer.from(contentOf(ext, parts[parts.length - 1])),
  };
}

describe('validation extensions for issued certificates (RFC 5280 §4.2.1.13, §4.2.2.1; RFC 6960 §4.2.2.2)', () => {
  const theirs = opensslExtensions();

  it('ok crlDistributionPoints, authorityInfoAccess, OCSPSigning EKU and ocsp-nocheck encode exactly as openssl does', () => {
    const cases: Array<[string, Buffer]> = [
      [OID.cRLDistributionPoints, crlDistributionPoints(CRL_URL)],
      [OID.authorityInfoAccess, authorityInfoAccess({ ocsp: OCSP_URL, caIssuers: ISSUER_URL })],
      [OID.extKeyUsage, extendedKeyUsage([OCSP_SIGNING_EKU])],
      [OID.ocspNoCheck, ocspNoCheck()],
    ];
    for (const [extOid, der] of cases) {
      const mine = ours(der);
      assert.equal(mine.oid, extOid);
      assert.equal(mine.critical, false, extOid);
      assert.deepEqual(mine.value, theirs.get(extOid)!.value, extOid);
    }
  });

  it('ok AIA with only an OCSP URI', () => {
    assert.ok(authorityInfoAccess({ ocsp: OCSP_URL }).includes(Buffer.from(OCSP_URL)));
    assert.ok(!authorityInfoAccess({ ocsp: OCSP_URL }).includes(Buffer.from(ISSUER_URL)));
  });

  it('ok the same URLs give the same extension every time, other URLs their own', () => {
    const first = authorityInfoAccess({ ocsp: OCSP_URL, caIssuers: ISSUER_URL });
    assert.deepEqual(authorityInfoAccess({ ocsp: OCSP_URL, caIssuers: ISSUER_URL }), first);
    assert.notDeepEqual(authorityInfoAccess({ ocsp: OCSP_URL }), first);
    assert.notDeepEqual(authorityInfoAccess({ caIssuers: OCSP_URL, ocsp: ISSUER_URL }), first);
    assert.deepEqual(crlDistributionPoints(CRL_URL), crlDistributionPoints(CRL_URL));
    assert.ok(crlDistributionPoints(`${CRL_URL}?2`).includes(Buffer.from(`${CRL_URL}?2`)));
    // more distinct URLs than are remembered: each still encodes its own
    for (let i = 0; i < 100; i++) assert.ok(crlDistributionPoints(`${CRL_URL}?n=${i}`).includes(Buffer.from(`?n=${i}`)));
  });

  it('fail a refused URL is refused every time (nothing remembered for it)', () => {
    assert.throws(() => crlDistributionPoints('/crl/x.crl'), RangeError);
    assert.throws(() => crlDistributionPoints('/crl/x.crl'), RangeError);
  });

  const bad: Array<[string, () => Buffer]> = [
    ['a relative URI', () => crlDistributionPoints('/crl/x.crl')],
    ['a non-ASCII URI', () => crlDistributionPoints('http://exämple.com/x.crl')],
    ['a URI with a space', () => authorityInfoAccess({ ocsp: 'http://a b/ocsp' })],
    ['an ldap URI', () => crlDistributionPoints('ldap://dir.example.com/cn=CA')],
    ['an AIA with no location', () => authorityInfoAccess({})],
  ];
  for (const [name, make] of bad) it(`fail ${name} is refused`, () => assert.throws(make, RangeError));
});
