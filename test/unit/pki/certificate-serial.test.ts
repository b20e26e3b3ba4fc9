import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomSerial } from '../../../src/pki/certificate.js';

describe('pki: certificate serial numbers', () => {
  it('ok 16 random bytes, positive with no leading zero (RFC 5280 §4.1.2.2), unique across pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const s = randomSerial();
      assert.equal(s.length, 16);
      assert.ok(s[0] >= 0x40 && s[0] <= 0x7f, `first byte ${s[0].toString(16)}`);
      seen.add(s.toString('hex'));
    }
    assert.equal(seen.size, 2000);
  });

  it('ok each serial is its own copy: changing one changes no other', () => {
    const a = randomSerial();
    const b = randomSerial();
    const before = Buffer.from(b);
    a.fill(0);
    assert.deepEqual(b, before);
  });
});
