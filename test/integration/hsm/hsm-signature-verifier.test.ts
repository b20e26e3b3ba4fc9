import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pkcs11Hsm } from '../../../src/hsm/pkcs11-hsm.adapter.js';
import { ensureSoftHsmToken } from '../../../src/hsm/softhsm-token.js';
import { HsmSignatureVerifier } from '../../../src/hsm/hsm-signature-verifier.js';
import { buildSignedCsr, verifyCsr } from '../../../src/pki/csr.js';
import { encodeName } from '../../../src/pki/name.js';
import { softwareSigner } from '../../support/software-signer.js';
import { CsrRejectedError } from '../../../src/pki/pki.errors.js';
import { KEY_ALGORITHMS, type KeyAlgorithm } from '../../../src/pki/key-algorithm.js';

const GEN: Record<KeyAlgorithm, string[]> = {
  'ec-p256': ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  'ec-p384': ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  ed25519: ['-algorithm', 'ED25519'],
  'rsa-2048': ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
  'rsa-3072': ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072'],
};

/**
 * A CSR's proof of possession checked in SoftHSM2 (EC keys) or node:crypto (the others), as the
 * station's provisioning path does: same verdicts as the software check, for openssl's CSRs.
 * The same cases again through the path central takes when its OpenSSL engine serves key methods.
 */
for (const where of ['in the HSM', 'in OpenSSL from the SPKI (once the engine serves key methods)'] as const) describe(`integration: CSR proof of possession checked ${where} (SoftHSM2)`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'pop-hsm-'));
  let hsm: Pkcs11Hsm;
  let pop: HsmSignatureVerifier;
  const csrs = new Map<KeyAlgorithm, Buffer>();
  before(async () => {
    const { modulePath } = await ensureSoftHsmToken({ dir: join(dir, 'hsm'), tokenLabel: 'pop', pin: '24681357', soPin: '13572468' });
    hsm = Pkcs11Hsm.open({ modulePath, tokenLabel: 'pop', pin: '24681357' });
    pop = new HsmSignatureVerifier(hsm, () => where !== 'in the HSM');
    for (const alg of KEY_ALGORITHMS) {
      const key = join(dir, `${alg}.pem`);
      execFileSync('openssl', ['genpkey', ...GEN[alg], '-out', key]);
      csrs.set(alg, execFileSync('openssl', ['req', '-new', '-key', key, '-subj', '/serialNumber=SN0001/CN=dev', '-outform', 'DER']));
    }
  });
  after(() => {
    hsm?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const alg of KEY_ALGORITHMS) {
    it(`ok an openssl ${alg} CSR verifies`, () => {
      const v = verifyCsr(csrs.get(alg)!, KEY_ALGORITHMS, pop);
      assert.equal(v.algorithm, alg);
      assert.equal(v.subjectSerial, 'SN0001');
    });

    it(`fail an openssl ${alg} CSR with a flipped bit in the signed part is refused as no proof of possession`, () => {
      const csr = Buffer.from(csrs.get(alg)!);
      csr[csr.indexOf(Buffer.from('SN0001'))] ^= 0x01;
      assert.throws(() => verifyCsr(csr, KEY_ALGORITHMS, pop), (e: unknown) => e instanceof CsrRejectedError && e.code === 'CSR_BAD_SIGNATURE');
    });
  }

  it('fail a P-256 CSR whose signature is not an ECDSA-Sig-Value, or too wide for the curve, is refused, not thrown', () => {
    const signer = softwareSigner('ec-p256');
    for (const garbage of [Buffer.from('not DER at all'), Buffer.from([0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x80]), Buffer.concat([Buffer.from([0x30, 0x46, 0x02, 0x21]), Buffer.alloc(33, 0x11), Buffer.from([0x02, 0x21]), Buffer.alloc(33, 0x11)])]) {
      const csr = buildSignedCsr({ ...signer, sign: () => garbage }, encodeName({ serialNumber: 'SN0001' }));
      assert.throws(() => verifyCsr(csr, KEY_ALGORITHMS, pop), (e: unknown) => e instanceof CsrRejectedError && e.code === 'CSR_BAD_SIGNATURE', garbage.toString('hex'));
    }
  });

  it('ok the checks leave nothing on the token', () => {
    assert.deepEqual(hsm.listKeyLabels(), []);
  });
});
