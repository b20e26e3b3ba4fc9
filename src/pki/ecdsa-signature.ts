import { DerError, children, contentOf, expectTag, readTopLevel } from './der/der-reader.js';
import { TAG } from './der/der-writer.js';

/**
 * A DER ECDSA-Sig-Value (RFC 5480 §2.2.3: SEQUENCE { r INTEGER, s INTEGER }) as the fixed-width
 * r||s a PKCS#11 token verifies (CKM_ECDSA), each half `size` bytes. Throws DerError for what
 * is not such a value or holds integers that do not fit the curve.
 */
export function ecdsaDerToRaw(der: Uint8Array, size: number): Buffer {
  const top = expectTag(der, readTopLevel(der, 'ECDSA-Sig-Value'), TAG.SEQUENCE, 'ECDSA-Sig-Value');
  const parts = children(der, top);
  if (parts.length !== 2) throw new DerError('ECDSA-Sig-Value: expected r and s');
  const out = Buffer.alloc(2 * size);
  parts.forEach((tlv, i) => {
    const bytes = contentOf(der, expectTag(der, tlv, TAG.INTEGER, i === 0 ? 'r' : 's'));
    if (bytes.length === 0 || bytes[0] & 0x80) throw new DerError('ECDSA-Sig-Value: r and s must be positive');
    let from = 0;
    while (from < bytes.length - 1 && bytes[from] === 0) from++;
    const magnitude = bytes.subarray(from);
    if (magnitude.length > size) throw new DerError(`ECDSA-Sig-Value: integer of ${magnitude.length} bytes for a ${size}-byte curve`);
    out.set(magnitude, (i + 1) * size - magnitude.length);
  });
  return out;
}
