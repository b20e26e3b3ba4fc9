import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { softwareSigner } from '../../support/software-signer.js';
import { selfSignedRoot, issueSubordinate, type CaIdentity } from '../../../src/pki/ca-certificates.js';
import { issueCertificate, randomSerial } from '../../../src/pki/certificate.js';
import { basicConstraints, keyUsage } from '../../../src/pki/extensions.js';
import { encodeName } from '../../../src/pki/name.js';
import { fromPem, toPem } from '../../../src/pki/pem.js';
import { OID } from '../../../src/pki/oids.js';
import { children, readTopLevel, type Tlv } from '../../../src/pki/der/der-reader.js';
import { sequence } from '../../../src/pki/der/der-writer.js';
import { readCertificate } from '../../../src/pki/certificate-reader.js';
import { encodeSignedData } from '../../../src/pki/cms-signed-data.js';
import { parseSignedData } from '../../../src/pki/cms-signed-data-reader.js';
import type { Signer } from '../../../src/pki/signer.js';
import type { KeyAlgorithm } from '../../../src/pki/key-algorithm.js';
import { InvalidInputError } from '../../../src/common/domain-error.js';
import {
  encodeQuotaGrant,
  grantFingerprint,
  signQuotaGrant,
  verifyQuotaGrant,
  QuotaGrantRejectedError,
  type QuotaGrantRejection,
  type QuotaGrantTerms,
} from '../../../src/pki/quota-grant.js';

const DAY = 24 * 3600 * 1000;
// Whole seconds: GeneralizedTime in the grant carries no milliseconds.
const T0 = new Date(Math.floor(Date.now() / 1000) * 1000);
const at = (offsetMs: number): Date => new Date(T0.getTime() + offsetMs);
const certValidity = { notBefore: at(-DAY), notAfter: at(365 * DAY) };
const STATION = 'station-07';
const SIGNER_DN = { organization: 'Acme Devices', commonName: 'Acme Quota Signer' };

function terms(overrides: Partial<QuotaGrantTerms> = {}): QuotaGrantTerms {
  return {
    orderId: 'PO-4711',
    stationId: STATION,
    productModel: 'thermo-1',
    quota: 1000,
    serialFirst: 'SN000001',
    serialLast: 'SN001000',
    notBefore: T0,
    notAfter: at(30 * DAY),
    nonce: randomBytes(16),
    ...overrides,
  };
}

function quotaSigner(root: CaIdentity, alg: KeyAlgorithm = 'ec-p256', validity = certValidity) {
  const signer = softwareSigner(alg);
  const certificate = issueSubordinate(root, { subject: encodeName(SIGNER_DN), spki: signer.spki, validity });
  return { signer, certificate };
}

function hierarchy() {
  // docs/pki-profile.md: the brand root is P-384, the quota signer a P-256 end entity.
  const root = selfSignedRoot({ organization: 'Acme Devices', commonName: 'Acme Brand Root CA' }, softwareSigner('ec-p384'), {
    notBefore: at(-2 * DAY),
    notAfter: at(3650 * DAY),
  });
  return { root, ...quotaSigner(root) };
}

const h = hierarchy();
const opts = { trustAnchor: h.root.certificate, now: at(DAY), stationId: STATION };
const sign = (t: QuotaGrantTerms = terms()): Buffer => signQuotaGrant(t, h.signer, h.certificate);

function assertRejected(fn: () => unknown, code: QuotaGrantRejection, message?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof QuotaGrantRejectedError, `expected QuotaGrantRejectedError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.equal(err.status, 422);
    assert.equal(err.retryable, false);
    if (message) assert.match(err.message, message);
    return true;
  });
}

/** Where, in `grant`, the QuotaGrant's field number `index` is. */
function contentFieldOffset(grant: Buffer, t: QuotaGrantTerms, index: number): Tlv {
  const content = encodeQuotaGrant(t);
  const base = grant.indexOf(content);
  assert.ok(base > 0, 'QuotaGrant content not found in the grant');
  const field = children(content, readTopLevel(content, 'QuotaGrant'))[index];
  return { ...field, start: base + field.start, contentStart: base + field.contentStart, end: base + field.end };
}

function flip(der: Buffer, offset: number): Buffer {
  const copy = Buffer.from(der);
  copy[offset] ^= 0x01;
  return copy;
}

function openssl(args: string[], cwd: string): { status: number | null; out: string } {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('quota grant (CMS SignedData, system.md §4 layer 1)', () => {
  it('ok round trip: the verified terms are the signed terms, also through the PEM file form', () => {
    const t = terms();
    const der = sign(t);
    assert.deepEqual(verifyQuotaGrant(der, opts), t);
    const pem = toPem(der, 'QUOTA GRANT');
    assert.match(pem, /^-----BEGIN QUOTA GRANT-----\n/);
    assert.deepEqual(verifyQuotaGrant(fromPem(pem, 'QUOTA GRANT'), { ...opts, signerCommonName: 'Acme Quota Signer' }), t);
    assert.equal(grantFingerprint(der), createHash('sha256').update(der).digest('hex'));
    assert.notEqual(grantFingerprint(sign(terms())), grantFingerprint(der), 'fresh nonce, fresh fingerprint');
  });

  it('ok the window is inclusive at both ends (as X.509 validity, RFC 5280 §4.1.2.5)', () => {
    const t = terms();
    const der = sign(t);
    assert.equal(verifyQuotaGrant(der, { ...opts, now: t.notBefore }).orderId, 'PO-4711');
    assert.equal(verifyQuotaGrant(der, { ...opts, now: t.notAfter }).orderId, 'PO-4711');
  });

  it('ok the CMS structure is what docs/pki-profile.md says', () => {
    const sd = parseSignedData(sign());
    assert.equal(sd.version, 3);
    assert.equal(sd.eContentType, OID.quotaGrant);
    assert.deepEqual(sd.digestOids, [OID.sha256]);
    assert.deepEqual(sd.certificates, [h.certificate]);
    const [si] = sd.signerInfos;
    assert.equal(sd.signerInfos.length, 1);
    assert.equal(si.version, 1);
    assert.equal(si.signatureOid, OID.ecdsaWithSha256);
    assert.equal(si.contentType, OID.quotaGrant);
    assert.ok(si.signingTime && Math.abs(si.signingTime.getTime() - Date.now()) < 60_000);
  });

  it('ok an intermediate CA carried in certificates links the signer to the root', () => {
    const inter = softwareSigner('ec-p256');
    const interCert = issueSubordinate(h.root, {
      subject: encodeName({ organization: 'Acme Devices', commonName: 'Acme Central Intermediate' }),
      spki: inter.spki,
      validity: certValidity,
      pathLen: 0,
    });
    const { signer, certificate } = quotaSigner({ ...h.root, ...identityOf(interCert, inter) });
    const t = terms();
    assert.deepEqual(verifyQuotaGrant(signQuotaGrant(t, signer, certificate, [interCert]), opts), t);
    assertRejected(() => verifyQuotaGrant(signQuotaGrant(t, signer, certificate), opts), 'GRANT_FORGED', /does not chain/);
  });

  it('ok openssl cms -verify accepts the grant and asn1parse shows every QuotaGrant field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'grant-'));
    try {
      const t = terms({ quota: 4242 });
      writeFileSync(join(dir, 'grant.der'), sign(t));
      writeFileSync(join(dir, 'root.pem'), toPem(h.root.certificate));
      writeFileSync(join(dir, 'other-root.pem'), toPem(hierarchy().root.certificate));
      // -purpose any: the quota signer has no S/MIME extendedKeyUsage, and needs none.
      const v = openssl(['cms', '-verify', '-inform', 'DER', '-in', 'grant.der', '-CAfile', 'root.pem', '-purpose', 'any', '-binary', '-out', 'content.der'], dir);
      assert.equal(v.status, 0, v.out);
      assert.match(v.out, /Verification successful/);
      assert.deepEqual(readFileSync(join(dir, 'content.der')), encodeQuotaGrant(t));
      const wrongRoot = openssl(['cms', '-verify', '-inform', 'DER', '-in', 'grant.der', '-CAfile', 'other-root.pem', '-purpose', 'any', '-out', 'x.der'], dir);
      assert.notEqual(wrongRoot.status, 0, 'openssl must refuse the grant under another root');

      const a = openssl(['asn1parse', '-inform', 'DER', '-in', 'content.der'], dir);
      assert.equal(a.status, 0, a.out);
      for (const field of ['PO-4711', STATION, 'thermo-1', 'SN000001', 'SN001000']) assert.match(a.out, new RegExp(`UTF8STRING\\s+:${field}`));
      assert.match(a.out, /INTEGER\s+:01\n/);
      assert.match(a.out, /INTEGER\s+:1092\n/); // 4242
      assert.match(a.out, new RegExp(`GENERALIZEDTIME\\s+:${t.notBefore.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`));
      assert.match(a.out, new RegExp(`OCTET STRING\\s+\\[HEX DUMP\\]:${t.nonce.toString('hex').toUpperCase()}`));

      const p = openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', 'grant.der'], dir);
      assert.equal(p.status, 0, p.out);
      assert.match(p.out, /contentType: pkcs7-signedData/);
      assert.match(p.out, new RegExp(`eContentType: .*\\(${OID.quotaGrant.replace(/\./g, '\\.')}\\)`));
      for (const attr of ['contentType', 'signingTime', 'messageDigest']) assert.match(p.out, new RegExp(`object: ${attr}`));
      assert.match(p.out, /signatureAlgorithm:\s+algorithm: ecdsa-with-SHA256/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const alg of ['ec-p384', 'ed25519', 'rsa-2048'] as const) {
    it(`ok ${alg} quota signer: the digestAlgorithm follows the key (RFC 5753, RFC 8419) and the grant verifies`, () => {
      const { signer, certificate } = quotaSigner(h.root, alg);
      const der = signQuotaGrant(terms(), signer, certificate);
      assert.equal(verifyQuotaGrant(der, opts).quota, 1000);
      assert.deepEqual(parseSignedData(der).digestOids, [{ 'ec-p384': OID.sha384, ed25519: OID.sha512, 'rsa-2048': OID.sha256 }[alg]]);
      // OpenSSL cannot verify Ed25519 CMS signatures at all (openssl/openssl#11915, #32248: it
      // passes a digest name to the pure-EdDSA verifier), so it cross-checks the others only.
      if (alg === 'ed25519') return;
      const dir = mkdtempSync(join(tmpdir(), 'grant-'));
      try {
        writeFileSync(join(dir, 'grant.der'), der);
        writeFileSync(join(dir, 'root.pem'), toPem(h.root.certificate));
        const v = openssl(['cms', '-verify', '-inform', 'DER', '-in', 'grant.der', '-CAfile', 'root.pem', '-purpose', 'any', '-binary', '-out', 'c.der'], dir);
        assert.equal(v.status, 0, v.out);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('fail forged: signed by another key under another root, with look-alike names', () => {
    const other = hierarchy(); // same root and signer subjects, other keys
    assertRejected(() => verifyQuotaGrant(signQuotaGrant(terms(), other.signer, other.certificate), opts), 'GRANT_FORGED', /claiming order "PO-4711".*does not chain/);
  });

  it('fail forged: a self-made certificate with the quota signer subject (self-signed, or claiming the root as issuer)', () => {
    const attacker = softwareSigner('ec-p256');
    const subject = encodeName(SIGNER_DN);
    const eeExtensions = [basicConstraints(false), keyUsage(['digitalSignature'])];
    const fields = { serial: randomSerial(), subject, ...certValidity, spki: attacker.spki, extensions: eeExtensions };
    for (const issuer of [subject, h.root.subject]) {
      const fake = issueCertificate({ ...fields, issuer }, attacker);
      assertRejected(() => verifyQuotaGrant(signQuotaGrant(terms(), attacker, fake), opts), 'GRANT_FORGED', /does not chain/);
    }
  });

  it('fail forged: the genuine certificate, but the signature made by another key', () => {
    const attacker = softwareSigner('ec-p256');
    const impostor: Signer = { algorithm: 'ec-p256', spki: h.signer.spki, sign: (d) => attacker.sign(d) };
    assertRejected(() => verifyQuotaGrant(signQuotaGrant(terms(), impostor, h.certificate), opts), 'GRANT_FORGED', /signature does not verify/);
  });

  it('fail forged: signer certificate expired or not yet valid at `now`', () => {
    for (const validity of [{ notBefore: at(-10 * DAY), notAfter: at(-DAY) }, { notBefore: at(10 * DAY), notAfter: at(20 * DAY) }]) {
      const { signer, certificate } = quotaSigner(h.root, 'ec-p256', validity);
      assertRejected(() => verifyQuotaGrant(signQuotaGrant(terms(), signer, certificate), opts), 'GRANT_FORGED', /not valid at/);
    }
  });

  it('fail forged: signer certificate is a CA, or lacks digitalSignature', () => {
    const ca = softwareSigner('ec-p256');
    const caCert = issueSubordinate(h.root, { subject: encodeName(SIGNER_DN), spki: ca.spki, validity: certValidity, pathLen: 0, usages: ['digitalSignature', 'keyCertSign'] });
    assertRejected(() => verifyQuotaGrant(signQuotaGrant(terms(), ca, caCert), opts), 'GRANT_FORGED', /is a CA certificate/);
    const ka = softwareSigner('ec-p256');
    const kaCert = issueSubordinate(h.root, { subject: encodeName(SIGNER_DN), spki: ka.spki, validity: certValidity, usages: ['keyAgreement'] });
    assertRejected(() => verifyQuotaGrant(signQuotaGrant(terms(), ka, kaCert), opts), 'GRANT_FORGED', /lacks the digitalSignature/);
    // the root itself signing a grant is a CA signing too
    assertRejected(() => verifyQuotaGrant(signQuotaGrant(terms(), h.root.signer, h.root.certificate), opts), 'GRANT_FORGED', /is a CA certificate/);
  });

  it('fail forged: signer common name differs from the one required', () => {
    assertRejected(() => verifyQuotaGrant(sign(), { ...opts, signerCommonName: 'Acme Other Signer' }), 'GRANT_FORGED', /not by "Acme Other Signer"/);
  });

  it('fail tampered: quota changed inside the encapsulated content after signing', () => {
    const t = terms();
    const der = sign(t);
    const quota = contentFieldOffset(der, t, 4);
    const tampered = flip(der, quota.end - 1); // 1000 (0x03e8) -> 1001
    assert.equal(tampered.indexOf(encodeQuotaGrant({ ...t, quota: 1001 })) > 0, true, 'the edit is the quota, syntax intact');
    assertRejected(() => verifyQuotaGrant(tampered, opts), 'GRANT_TAMPERED', /order "PO-4711".*changed after signing/);
  });

  it('fail forged: a byte flipped in the signature, or in the signed attributes', () => {
    const der = sign();
    const si = parseSignedData(der).signerInfos[0];
    const sigAt = der.indexOf(si.signature);
    assertRejected(() => verifyQuotaGrant(flip(der, sigAt + 12), opts), 'GRANT_FORGED', /signature does not verify/);
    // signingTime's last seconds digit: still a valid time, no longer what was signed
    const attrsAt = der.indexOf(si.signedAttrs.subarray(2));
    const timeDigit = der.indexOf(Buffer.from('Z', 'ascii'), attrsAt) - 1;
    assertRejected(() => verifyQuotaGrant(flip(der, timeDigit), opts), 'GRANT_FORGED', /signature does not verify/);
  });

  it('fail not yet valid, fail expired', () => {
    const der = sign();
    assertRejected(() => verifyQuotaGrant(der, { ...opts, now: at(-1000) }), 'GRANT_NOT_YET_VALID', /order "PO-4711" is not valid before/);
    assertRejected(() => verifyQuotaGrant(der, { ...opts, now: at(30 * DAY + 1000) }), 'GRANT_EXPIRED', /order "PO-4711" expired/);
  });

  it('fail wrong station', () => {
    assertRejected(() => verifyQuotaGrant(sign(), { ...opts, stationId: 'station-08' }), 'GRANT_WRONG_STATION', /order "PO-4711" is for station station-07, not station-08/);
  });

  it('fail malformed: empty, garbage, truncated, trailing bytes, oversized', () => {
    const der = sign();
    const cases: Array<[string, Uint8Array]> = [
      ['empty', new Uint8Array()],
      ['garbage', randomBytes(300)],
      ['text', Buffer.from('-----BEGIN QUOTA GRANT-----\n')],
      ['truncated', der.subarray(0, der.length - 10)],
      ['trailing bytes', Buffer.concat([der, Buffer.from([0])])],
      ['oversized garbage', Buffer.alloc(64 * 1024 + 1, 0x30)],
      // a genuinely signed grant, padded with certificates past the limit
      ['oversized grant', signQuotaGrant(terms(), h.signer, h.certificate, Array(200).fill(h.root.certificate))],
    ];
    for (const [name, bytes] of cases) {
      assert.throws(() => verifyQuotaGrant(bytes, opts), (e: unknown) => e instanceof QuotaGrantRejectedError && e.code === 'GRANT_MALFORMED', name);
    }
    assertRejected(() => verifyQuotaGrant(cases[6][1], opts), 'GRANT_MALFORMED', /over the 65536-byte limit/);
  });

  it('fail malformed: wrong eContentType, or a properly signed QuotaGrant with bad syntax', () => {
    const signed = (eContentType: string, eContent: Uint8Array): Buffer =>
      encodeSignedData({ eContentType, eContent, signer: h.signer, signerCertificate: h.certificate });
    assertRejected(() => verifyQuotaGrant(signed(OID.data, encodeQuotaGrant(terms())), opts), 'GRANT_MALFORMED', /not a quota grant/);
    assertRejected(() => verifyQuotaGrant(signed(OID.quotaGrant, Buffer.from('hello')), opts), 'GRANT_MALFORMED');
    const good = encodeQuotaGrant(terms());
    const fields = children(good, readTopLevel(good, 'QuotaGrant')).map((f) => good.subarray(f.start, f.end));
    const nineFields = sequence(...fields.slice(0, 9));
    assertRejected(() => verifyQuotaGrant(signed(OID.quotaGrant, nineFields), opts), 'GRANT_MALFORMED', /expected 10 fields/);
  });

  it('fail malformed: signed but insane terms (quota, serial range, window, nonce)', () => {
    const insane: Array<[string, Partial<QuotaGrantTerms>, RegExp]> = [
      ['quota 0', { quota: 0 }, /quota must be/],
      ['serial lengths differ', { serialLast: 'SN0010000' }, /serial range/],
      ['first > last', { serialFirst: 'SN001000', serialLast: 'SN000001' }, /serial range/],
      ['notAfter = notBefore', { notAfter: T0 }, /notAfter must be after notBefore/],
      ['nonce 15 bytes', { nonce: randomBytes(15) }, /nonce must be 16 bytes/],
    ];
    for (const [, overrides, message] of insane) {
      const der = encodeSignedData({ eContentType: OID.quotaGrant, eContent: encodeQuotaGrant(terms(overrides)), signer: h.signer, signerCertificate: h.certificate });
      assertRejected(() => verifyQuotaGrant(der, opts), 'GRANT_MALFORMED', new RegExp(`order "PO-4711" is malformed: ${message.source}`));
      // and central's side refuses to sign them in the first place
      assert.throws(() => signQuotaGrant(terms(overrides), h.signer, h.certificate), InvalidInputError);
    }
  });
});

/** A CaIdentity for an intermediate certificate and its signer. */
function identityOf(certificate: Buffer, signer: Signer): Pick<CaIdentity, 'subject' | 'keyIdentifier' | 'signer' | 'certificate'> {
  const parts = readCertificate(certificate);
  return { subject: parts.subject, keyIdentifier: parts.subjectKeyIdentifier!, signer, certificate };
}
