/** buildCsr (src/pki/csr-builder.ts), judged by openssl and by the station's own CSR verifier. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateSoftwareKeyPair } from '../../../src/pki/software-keys.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidInputError } from '../../../src/common/domain-error.js';
import { buildCsr, keyAlgorithmOf } from '../../../src/pki/csr-builder.js';
import { verifyCsr } from '../../../src/pki/csr.js';
import { KEY_ALGORITHMS } from '../../../src/pki/key-algorithm.js';
import { csrPublicKey, csrSignatureVerifies, csrSubject } from './openssl-helpers.js';

const root = mkdtempSync(join(tmpdir(), 'csr-builder-'));
after(() => rmSync(root, { recursive: true, force: true }));


describe('buildCsr', () => {
  for (const algorithm of KEY_ALGORITHMS) {
    it(`ok ${algorithm}: openssl req -verify accepts it, subject and key as given`, async () => {
      const keys = generateSoftwareKeyPair(algorithm);
      const csr = await buildCsr({ ...keys, algorithm, subject: { serialNumber: 'SN-0042', commonName: 'Widget A' } });
      assert.equal(await csrSignatureVerifies(root, csr), true);
      assert.equal(await csrSubject(root, csr), 'subject=CN=Widget A,serialNumber=SN-0042');
      assert.ok((await csrPublicKey(root, csr)).equals(keys.publicKey));
      const verified = verifyCsr(csr, KEY_ALGORITHMS);
      assert.equal(verified.algorithm, algorithm);
      assert.equal(verified.subjectSerial, 'SN-0042');
    });
  }

  it('fail corruptSignature: openssl and the station verifier both reject the proof of possession', async () => {
    const keys = generateSoftwareKeyPair('ec-p256');
    const csr = await buildCsr({ ...keys, algorithm: 'ec-p256', subject: { serialNumber: 'SN-1' }, corruptSignature: true });
    assert.equal(await csrSignatureVerifies(root, csr), false);
    assert.throws(() => verifyCsr(csr, KEY_ALGORITHMS));
  });

  it('fail a key that is not the algorithm named, or a serial that is not PrintableString', async () => {
    const keys = generateSoftwareKeyPair('ec-p384');
    assert.equal(keyAlgorithmOf(keys.publicKey), 'ec-p384');
    await assert.rejects(buildCsr({ ...keys, algorithm: 'ec-p256', subject: { serialNumber: 'SN-1' } }), InvalidInputError);
    await assert.rejects(buildCsr({ ...keys, algorithm: 'ec-p384', subject: { serialNumber: 'SN_1*' } }), /PrintableString/);
  });

  it('keyAlgorithmOf names every supported key, public or private, and nothing else', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    for (const algorithm of KEY_ALGORITHMS) {
      const keys = generateSoftwareKeyPair(algorithm);
      assert.equal(keyAlgorithmOf(keys.publicKey), algorithm);
      assert.equal(keyAlgorithmOf(keys.privateKey), algorithm);
    }
    assert.equal(keyAlgorithmOf(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey), undefined);
    assert.equal(keyAlgorithmOf(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey), undefined);
    assert.equal(keyAlgorithmOf(generateKeyPairSync('ed448').publicKey), undefined);
  });
});
