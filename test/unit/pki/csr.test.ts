import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { softwareSigner } from '../../support/software-signer.js';
import { buildSignedCsr, verifyCsr } from '../../../src/pki/csr.js';
import { encodeName } from '../../../src/pki/name.js';
import { CsrRejectedError } from '../../../src/pki/pki.errors.js';
import type { KeyAlgorithm } from '../../../src/pki/key-algorithm.js';

function opensslCsr(alg: KeyAlgorithm | 'rsa-1024' | 'ec-p521', subj: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'csr-'));
  try {
    const key = join(dir, 'k.pem');
    const genArgs: Record<string, string[]> = {
      'ec-p256': ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
      'ec-p384': ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
      'ec-p521': ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521'],
      ed25519: ['-algorithm', 'ED25519'],
      'rsa-2048': ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
      'rsa-3072': ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072'],
      'rsa-1024': ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'],
    };
    execFileSync('openssl', ['genpkey', ...genArgs[alg], '-out', key]);
    return execFileSync('openssl', ['req', '-new', '-key', key, '-subj', subj, '-outform', 'DER']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function expectRejected(fn: () => unknown, code: string, message: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof CsrRejectedError && err.code === code && message.test(err.message));
}

describe('CSR proof of possession and key policy', () => {
  const all: KeyAlgorithm[] = ['ec-p256', 'ec-p384', 'ed25519', 'rsa-2048', 'rsa-3072'];
  for (const alg of all) {
    it(`ok openssl ${alg} CSR verifies and names its key type and subject serial`, () => {
      const v = verifyCsr(opensslCsr(alg, '/serialNumber=SN0001/CN=dev'), all);
      assert.equal(v.algorithm, alg);
      assert.equal(v.subjectSerial, 'SN0001');
      assert.equal(v.keyIdentifier.length, 20);
    });
  }

  it('ok a CSR signed through a Signer (the HSM path) verifies', () => {
    const signer = softwareSigner('ec-p256');
    const v = verifyCsr(buildSignedCsr(signer, encodeName({ commonName: 'Order CA' })), ['ec-p256']);
    assert.deepEqual(v.spki, Buffer.from(signer.spki));
    assert.equal(v.subjectSerial, null);
  });

  it('fail key type outside the product policy', () => {
    expectRejected(() => verifyCsr(opensslCsr('ec-p384', '/CN=x'), ['ec-p256']), 'CSR_KEY_POLICY', /ec-p384 refused/);
  });

  it('fail RSA-1024 and P-521 keys are refused by name', () => {
    expectRejected(() => verifyCsr(opensslCsr('rsa-1024', '/CN=x'), all), 'CSR_KEY_POLICY', /RSA-1024/);
    expectRejected(() => verifyCsr(opensslCsr('ec-p521', '/CN=x'), all), 'CSR_KEY_POLICY', /curve/);
  });

  it('fail a CSR whose signature was made by another key (no proof of possession)', () => {
    const signer = softwareSigner('ec-p256');
    const forged = buildSignedCsr({ ...signer, sign: (d) => softwareSigner('ec-p256').sign(d) }, encodeName({ commonName: 'x' }));
    expectRejected(() => verifyCsr(forged, ['ec-p256']), 'CSR_BAD_SIGNATURE', /proof of possession/);
  });

  it('fail a flipped bit in the signed part', () => {
    const csr = Buffer.from(opensslCsr('ec-p256', '/serialNumber=SN0001'));
    csr[csr.indexOf(Buffer.from('SN0001'))] ^= 0x01;
    expectRejected(() => verifyCsr(csr, all), 'CSR_BAD_SIGNATURE', /does not verify/);
  });

  it('fail malformed, truncated, trailing-garbage and oversized input', () => {
    const csr = opensslCsr('ec-p256', '/CN=x');
    expectRejected(() => verifyCsr(csr.subarray(0, csr.length - 5), all), 'CSR_MALFORMED', /malformed/);
    expectRejected(() => verifyCsr(Buffer.concat([csr, Buffer.from([0])]), all), 'CSR_MALFORMED', /trailing/);
    expectRejected(() => verifyCsr(Buffer.from('not a csr at all'), all), 'CSR_MALFORMED', /malformed/);
    expectRejected(() => verifyCsr(Buffer.alloc(0), all), 'CSR_MALFORMED', /malformed/);
    expectRejected(() => verifyCsr(Buffer.alloc(9000, 0x30), all), 'CSR_MALFORMED', /exceeds/);
  });

  it('fail signature algorithm that does not match the key', () => {
    const csr = Buffer.from(opensslCsr('ec-p256', '/CN=x'));
    // ecdsa-with-SHA256 (…04 03 02) -> ecdsa-with-SHA512 (…04 03 04) in the outer AlgorithmIdentifier
    const marker = Buffer.from('06082a8648ce3d040302', 'hex');
    const at = csr.lastIndexOf(marker);
    csr[at + marker.length - 1] = 0x04;
    expectRejected(() => verifyCsr(csr, all), 'CSR_BAD_SIGNATURE', /does not match/);
  });
});

describe('CSR public key validation', () => {
  it('fail an EC point that is not on the curve is refused before any signature check', () => {
    const signer = softwareSigner('ec-p256');
    const spki = Buffer.from(signer.spki);
    spki[spki.length - 1] ^= 0x01; // y moved off the curve
    const csr = buildSignedCsr({ ...signer, spki }, encodeName({ commonName: 'x' }));
    expectRejected(() => verifyCsr(csr, ['ec-p256']), 'CSR_KEY_POLICY', /public key rejected/);
  });

  it('ok a compressed P-256 point is accepted through the DER path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'csr-c-'));
    try {
      execFileSync('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', join(dir, 'k.pem')]);
      execFileSync('openssl', ['ec', '-in', join(dir, 'k.pem'), '-conv_form', 'compressed', '-out', join(dir, 'kc.pem')], { stdio: 'ignore' });
      const der = execFileSync('openssl', ['req', '-new', '-key', join(dir, 'kc.pem'), '-subj', '/CN=c', '-outform', 'DER']);
      assert.equal(verifyCsr(der, ['ec-p256']).algorithm, 'ec-p256');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
