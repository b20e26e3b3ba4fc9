import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import { ecdsaRawToDer, ecPointFromAttribute, ecSpki, ed25519Spki, OID, rsaSpki, unsignedInteger } from '../../../src/hsm/hsm-der.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('HSM DER helpers', () => {
  it('ok unsignedInteger is minimal and non-negative', () => {
    assert.equal(hex(unsignedInteger(Buffer.from('0000017f', 'hex'))), '0202017f');
    assert.equal(hex(unsignedInteger(Buffer.from('80', 'hex'))), '02020080');
    assert.equal(hex(unsignedInteger(Buffer.from('0000', 'hex'))), '020100');
  });

  it('ok ecdsaRawToDer matches what node:crypto makes from the same r||s', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    // Many signatures, so r or s with a high bit set or leading zero bytes all occur.
    for (let i = 0; i < 200; i++) {
      const data = Buffer.from(`message ${i}`);
      const raw = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      const der = ecdsaRawToDer(raw);
      assert.ok(verify('sha256', data, { key: publicKey, dsaEncoding: 'der' }, der));
      assert.ok(verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw));
    }
  });

  it('fail ecdsaRawToDer refuses an odd-length input', () => {
    assert.throws(() => ecdsaRawToDer(Buffer.alloc(63)), /odd length/);
  });

  it('ok SPKI builders give what node:crypto exports', () => {
    for (const [curve, oid, len] of [['P-256', OID.p256, 65], ['P-384', OID.p384, 97]] as const) {
      const { publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
      const spki = publicKey.export({ type: 'spki', format: 'der' });
      const point = spki.subarray(spki.length - len);
      assert.deepEqual(ecSpki(oid, point), spki);
      // CKA_EC_POINT as a DER OCTET STRING (the PKCS#11 form) and raw (what some tokens return).
      const wrapped = Buffer.concat([Buffer.from([0x04, len]), point]);
      assert.deepEqual(ecSpki(oid, ecPointFromAttribute(wrapped, len)), spki);
      assert.deepEqual(ecSpki(oid, ecPointFromAttribute(point, len)), spki);
    }
    const ed = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' });
    assert.deepEqual(ed25519Spki(ed.subarray(ed.length - 32)), ed);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const jwk = rsa.export({ format: 'jwk' });
    const built = rsaSpki(Buffer.from(jwk.n ?? '', 'base64url'), Buffer.from(jwk.e ?? '', 'base64url'));
    assert.deepEqual(built, rsa.export({ type: 'spki', format: 'der' }));
    assert.equal(createPublicKey({ key: built, format: 'der', type: 'spki' }).asymmetricKeyDetails?.modulusLength, 2048);
  });

  it('fail ecPointFromAttribute refuses a point of the wrong size', () => {
    assert.throws(() => ecPointFromAttribute(Buffer.alloc(40, 4), 65), /unexpected form/);
    assert.throws(() => ecPointFromAttribute(Buffer.concat([Buffer.from([0x04, 0x20]), Buffer.alloc(32)]), 65), /unexpected form/);
  });
});
