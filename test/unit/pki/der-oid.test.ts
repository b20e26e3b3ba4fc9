import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DerError, decodeOid } from '../../../src/pki/der/der-reader.js';
import { oid as encodeOid } from '../../../src/pki/der/der-writer.js';

/** The content octets of an OID as the writer encodes it (tag and length stripped). */
const contentOf = (dotted: string): Uint8Array => encodeOid(dotted).subarray(2);

describe('decodeOid', () => {
  it('ok decodes OIDs with large arcs and the 2.x form, the same on every call (cached or not)', () => {
    for (const dotted of ['1.2.840.10045.4.3.2', '2.5.29.17', '1.3.6.1.4.1.311.60.2.1.3', '2.999.18446744073709551615', '1.2.840.113549.1.1.11']) {
      assert.equal(decodeOid(contentOf(dotted)), dotted);
      assert.equal(decodeOid(contentOf(dotted)), dotted, 'second decode');
    }
  });

  it('ok an OID longer than the cache takes is still decoded', () => {
    const long = `1.3.${Array.from({ length: 40 }, (_, i) => 100000 + i).join('.')}`;
    const content = contentOf(long);
    assert.ok(content.length > 64);
    assert.equal(decodeOid(content), long);
  });

  it('fail a truncated or empty OID is refused every time, never remembered', () => {
    for (let i = 0; i < 2; i++) {
      assert.throws(() => decodeOid(Uint8Array.from([0x2a, 0x86])), DerError);
      assert.throws(() => decodeOid(new Uint8Array()), DerError);
    }
  });
});
