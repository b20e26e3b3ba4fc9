import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { readCertificate } from '../../../src/pki/certificate-reader.js';
import { readCertificateDetails } from '../../../src/pki/certificate-details.js';
import { inspectSpki } from '../../../src/pki/spki.js';
import { fromPem } from '../../../src/pki/pem.js';

/**
 * Fingerprints and key identifiers are computed when first read: they must still be what
 * OpenSSL says they are, however the parts are read or copied.
 */
describe('certificate fingerprint and key identifier (checked against OpenSSL)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cert-reader-'));
  const certs = new Map<string, { der: Buffer; x509: X509Certificate }>();
  /** a self-signed certificate made by the openssl CLI, whose SKI OpenSSL computes (RFC 5280 §4.2.1.2 method 1) */
  const make = (name: string, keyArgs: string[]) => {
    const key = join(dir, `${name}.key`);
    const pem = join(dir, `${name}.pem`);
    execFileSync('openssl', ['req', '-x509', '-newkey', ...keyArgs, '-nodes', '-keyout', key, '-out', pem, '-subj', `/CN=${name}`, '-days', '2', '-addext', 'subjectKeyIdentifier=hash'], { stdio: 'pipe' });
    const text = readFileSync(pem, 'utf8');
    certs.set(name, { der: fromPem(text), x509: new X509Certificate(text) });
  };

  before(() => {
    make('p256', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256']);
    make('p384', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-384']);
    make('ed25519', ['ed25519']);
    make('rsa', ['rsa:2048']);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const hexOf = (colons: string) => colons.replaceAll(':', '').toLowerCase();

  it('ok the fingerprint is OpenSSL\'s SHA-256 fingerprint, read directly, through the details, or from a copy', () => {
    for (const [name, c] of certs) {
      const expected = hexOf(c.x509.fingerprint256);
      assert.equal(readCertificate(c.der).fingerprint, expected, name);
      assert.equal(readCertificateDetails(c.der).fingerprint, expected, name);
      assert.equal({ ...readCertificate(c.der) }.fingerprint, expected, `${name}: a spread copy`);
      assert.equal({ ...readCertificateDetails(c.der) }.fingerprint, expected, `${name}: a spread copy of the details`);
    }
  });

  it('ok the fingerprint is of the bytes given, even when the caller reuses its buffer afterwards', () => {
    const c = certs.get('p256')!;
    const scratch = Buffer.from(c.der);
    const parts = readCertificate(scratch);
    scratch.fill(0);
    assert.equal(parts.fingerprint, hexOf(c.x509.fingerprint256));
  });

  it('ok the key identifier of every key type is the one OpenSSL put in the certificate', () => {
    for (const [name, c] of certs) {
      const parts = readCertificate(c.der);
      const info = inspectSpki(parts.spki);
      assert.ok(parts.subjectKeyIdentifier, `${name}: OpenSSL wrote an SKI`);
      assert.equal(info.keyIdentifier.toString('hex'), parts.subjectKeyIdentifier!.toString('hex'), name);
      assert.equal({ ...info }.keyIdentifier.toString('hex'), parts.subjectKeyIdentifier!.toString('hex'), `${name}: a spread copy`);
    }
  });

  it('ok an EC key\'s identifier does not change when the caller reuses its buffer afterwards', () => {
    const c = certs.get('p384')!;
    const spki = Buffer.from(readCertificate(c.der).spki);
    const info = inspectSpki(spki);
    spki.fill(0xff);
    assert.equal(info.keyIdentifier.toString('hex'), readCertificate(c.der).subjectKeyIdentifier!.toString('hex'));
  });
});
