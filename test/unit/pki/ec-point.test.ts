import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { isOnCurve } from '../../../src/pki/ec-point.js';
import { ecdsaDerToRaw } from '../../../src/pki/ecdsa-signature.js';
import { inspectSpki } from '../../../src/pki/spki.js';
import { DerError } from '../../../src/pki/der/der-reader.js';

const coordinates = (curve: 'P-256' | 'P-384') => {
  const jwk = generateKeyPairSync('ec', { namedCurve: curve }).publicKey.export({ format: 'jwk' });
  return { x: Buffer.from(jwk.x!, 'base64url'), y: Buffer.from(jwk.y!, 'base64url') };
};

describe('pki: EC points and ECDSA signatures without an OpenSSL key import', () => {
  for (const curve of ['P-256', 'P-384'] as const) {
    it(`ok ${curve}: generated public keys are on the curve; a changed coordinate is not`, () => {
      for (let i = 0; i < 20; i++) {
        const { x, y } = coordinates(curve);
        assert.equal(isOnCurve(curve, x, y), true);
        const bent = Buffer.from(y);
        bent[bent.length - 1] ^= 0x01;
        assert.equal(isOnCurve(curve, x, bent), false);
      }
    });
  }

  it('fail coordinates not reduced modulo p are refused', () => {
    const { x, y } = coordinates('P-256');
    assert.equal(isOnCurve('P-256', Buffer.alloc(32, 0xff), y), false);
    assert.equal(isOnCurve('P-256', x, Buffer.alloc(32, 0xff)), false);
  });

  it('fail an SPKI whose point is off the curve is refused when inspected, before any import', () => {
    const der = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'der', type: 'spki' });
    der[der.length - 1] ^= 0x01;
    assert.throws(() => inspectSpki(der), (e: unknown) => e instanceof DerError && /not on P-256/.test(e.message));
  });

  it('ok an inspected EC key imports on first use and verifies what its private half signed', () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const info = inspectSpki(pair.publicKey.export({ format: 'der', type: 'spki' }));
    assert.equal(info.ecPoint?.length, 97);
    const data = Buffer.from('certificationRequestInfo');
    assert.equal(verify('sha384', data, info.key, sign('sha384', data, pair.privateKey)), true);
    assert.equal(info.key, info.key, 'imported once');
  });

  it('ok DER ECDSA-Sig-Value to fixed-width r||s, as the signer made it', () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (let i = 0; i < 50; i++) {
      const data = Buffer.from(`message ${i}`);
      const der = sign('sha256', data, { key: pair.privateKey, dsaEncoding: 'der' });
      const raw = ecdsaDerToRaw(der, 32);
      assert.equal(raw.length, 64);
      assert.equal(verify('sha256', data, { key: pair.publicKey, dsaEncoding: 'ieee-p1363' }, raw), true);
    }
  });

  it('fail malformed ECDSA-Sig-Values are refused with DerError', () => {
    const int = (bytes: number[]) => [0x02, bytes.length, ...bytes];
    const seq = (...parts: number[][]) => Buffer.from([0x30, parts.flat().length, ...parts.flat()]);
    assert.throws(() => ecdsaDerToRaw(seq(int([1])), 32), DerError); // one integer
    assert.throws(() => ecdsaDerToRaw(seq(int([0x80]), int([1])), 32), DerError); // negative r
    assert.throws(() => ecdsaDerToRaw(seq(int(Array(33).fill(1)), int([1])), 32), DerError); // too wide
    assert.throws(() => ecdsaDerToRaw(Buffer.concat([seq(int([1]), int([1])), Buffer.from([0])]), 32), DerError); // trailing byte
  });
});
