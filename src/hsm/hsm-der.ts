/**
 * The little DER the HSM adapter needs: SubjectPublicKeyInfo from raw token attributes, and the
 * ECDSA-Sig-Value that X.509 carries instead of PKCS#11's raw r||s. Kept here (not in src/pki)
 * so the adapter has no dependency beyond node:crypto and pkcs11js.
 */

/** Full DER encodings (tag, length, content) of the OIDs involved. */
export const OID = {
  ecPublicKey: Buffer.from('06072a8648ce3d0201', 'hex'), // 1.2.840.10045.2.1
  p256: Buffer.from('06082a8648ce3d030107', 'hex'), // 1.2.840.10045.3.1.7 (prime256v1)
  p384: Buffer.from('06052b81040022', 'hex'), // 1.3.132.0.34 (secp384r1)
  rsaEncryption: Buffer.from('06092a864886f70d010101', 'hex'), // 1.2.840.113549.1.1.1
  ed25519: Buffer.from('06032b6570', 'hex'), // 1.3.101.112
} as const;

const NULL = Buffer.from([0x05, 0x00]);

function encodeLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, ...content: Uint8Array[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), encodeLength(body.length), body]);
}

const sequence = (...parts: Uint8Array[]): Buffer => tlv(0x30, ...parts);
const bitString = (content: Uint8Array): Buffer => tlv(0x03, Buffer.from([0]), content);

/** INTEGER from an unsigned big-endian magnitude: minimal length, 0x00 prefix if the top bit is set. */
export function unsignedInteger(magnitude: Uint8Array): Buffer {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const trimmed = magnitude.subarray(i);
  const pad = trimmed.length === 0 || (trimmed[0] as number) & 0x80 ? Buffer.from([0]) : Buffer.alloc(0);
  return tlv(0x02, pad, trimmed);
}

/**
 * Content of a DER OCTET STRING that spans the whole buffer, or null. Strict (minimal length
 * form), so a raw EC point that merely starts with 0x04 is not mistaken for a wrapped one.
 */
export function octetStringContent(der: Uint8Array): Buffer | null {
  if (der.length < 2 || der[0] !== 0x04) return null;
  const first = der[1] as number;
  let len: number;
  let header: number;
  if (first < 0x80) {
    len = first;
    header = 2;
  } else {
    const n = first & 0x7f;
    if (n === 0 || n > 2 || der.length < 2 + n || der[2] === 0) return null;
    len = 0;
    for (let k = 0; k < n; k++) len = len * 256 + (der[2 + k] as number);
    if (len < 0x80) return null; // non-minimal: not DER
    header = 2 + n;
  }
  if (header + len !== der.length) return null;
  return Buffer.from(der.buffer, der.byteOffset + header, len);
}

/**
 * The public point from CKA_EC_POINT. PKCS#11 says it is a DER OCTET STRING, but some tokens
 * return the raw point; the expected raw length tells the two apart without guessing.
 */
export function ecPointFromAttribute(value: Uint8Array, rawLength: number): Buffer {
  if (value.length === rawLength) return Buffer.from(value);
  const inner = octetStringContent(value);
  if (inner && inner.length === rawLength) return Buffer.from(inner);
  throw new Error(`CKA_EC_POINT of unexpected form (${value.length} bytes, expected a ${rawLength}-byte point)`);
}

export function ecSpki(curveOid: Uint8Array, uncompressedPoint: Uint8Array): Buffer {
  return sequence(sequence(OID.ecPublicKey, curveOid), bitString(uncompressedPoint));
}

export function ed25519Spki(point: Uint8Array): Buffer {
  return sequence(sequence(OID.ed25519), bitString(point));
}

export function rsaSpki(modulus: Uint8Array, publicExponent: Uint8Array): Buffer {
  const rsaPublicKey = sequence(unsignedInteger(modulus), unsignedInteger(publicExponent));
  return sequence(sequence(OID.rsaEncryption, NULL), bitString(rsaPublicKey));
}

/** PKCS#11 CKM_ECDSA output (r||s, each half the field size) to DER ECDSA-Sig-Value. */
export function ecdsaRawToDer(raw: Uint8Array): Buffer {
  if (raw.length === 0 || raw.length % 2 !== 0) {
    throw new Error(`ECDSA signature of odd length ${raw.length}`);
  }
  const half = raw.length / 2;
  return sequence(unsignedInteger(raw.subarray(0, half)), unsignedInteger(raw.subarray(half)));
}
