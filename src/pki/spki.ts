import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import type { KeyAlgorithm } from './key-algorithm.js';
import { OID } from './oids.js';
import { DerError, children, contentOf, decodeOid, expectTag, readTlv, readTopLevel } from './der/der-reader.js';
import { TAG } from './der/der-writer.js';
import { isOnCurve, type NamedCurve } from './ec-point.js';

export interface PublicKeyInfo {
  algorithm: KeyAlgorithm;
  /** RSA modulus size, curve size, or 256 for Ed25519 */
  bits: number;
  /**
   * node:crypto key. The key is validated when inspected (an EC point off the curve fails
   * there); an EC key is imported into OpenSSL on first read of this property.
   */
  key: KeyObject;
  /** SHA-1 of the subjectPublicKey BIT STRING content: RFC 5280 §4.2.1.2 method (1) */
  keyIdentifier: Buffer;
  /** EC keys: the public point as the key carries it (SEC 1 §2.3.3; 0x04 ‖ X ‖ Y uncompressed) */
  ecPoint?: Buffer;
}

/**
 * Identify and validate a DER SubjectPublicKeyInfo. Throws DerError for anything that is not
 * a well-formed key of a supported algorithm; an RSA key whose size is not exactly 2048 or
 * 3072 bits is reported with its real size so policy can refuse it by name.
 */
export function inspectSpki(spki: Uint8Array): PublicKeyInfo & { rsaBits?: number } {
  const top = readTopLevel(spki, 'SubjectPublicKeyInfo');
  expectTag(spki, top, TAG.SEQUENCE, 'SubjectPublicKeyInfo');
  const [algId, keyBits] = children(spki, top);
  if (!algId || !keyBits) throw new DerError('SubjectPublicKeyInfo: missing fields');
  expectTag(spki, keyBits, TAG.BIT_STRING, 'subjectPublicKey');
  const [algOidTlv, params] = children(spki, expectTag(spki, algId, TAG.SEQUENCE, 'AlgorithmIdentifier'));
  const algOid = decodeOid(contentOf(spki, expectTag(spki, algOidTlv, TAG.OID, 'algorithm')));
  const bitsContent = contentOf(spki, keyBits);
  if (bitsContent.length < 2 || bitsContent[0] !== 0) throw new DerError('subjectPublicKey: bad BIT STRING');
  const keyBitsOnly = bitsContent.subarray(1);

  if (algOid === OID.ecPublicKey) {
    if (!params || params.tag !== TAG.OID) throw new DerError('EC key without a named curve');
    const curve = decodeOid(contentOf(spki, params));
    const ecPoint = Buffer.from(keyBitsOnly);
    if (curve === OID.prime256v1) return withLazyKey({ algorithm: 'ec-p256', bits: 256, ecPoint }, ecPoint, ecKey(spki, keyBitsOnly, 'P-256', 32));
    if (curve === OID.secp384r1) return withLazyKey({ algorithm: 'ec-p384', bits: 384, ecPoint }, ecPoint, ecKey(spki, keyBitsOnly, 'P-384', 48));
    throw new DerError(`unsupported EC curve ${curve}`);
  }
  const key = derKey(spki);
  const keyIdentifier = sha1(keyBitsOnly);
  if (algOid === OID.ed25519) return { algorithm: 'ed25519', bits: 256, key, keyIdentifier };
  if (algOid === OID.rsaEncryption) {
    const rsaBits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    const algorithm: KeyAlgorithm = rsaBits === 3072 ? 'rsa-3072' : 'rsa-2048';
    return { algorithm, bits: rsaBits, key, keyIdentifier, rsaBits };
  }
  throw new DerError(`unsupported public key algorithm ${algOid}`);
}

function derKey(spki: Uint8Array): KeyObject {
  try {
    return createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch (err) {
    throw new DerError(`public key rejected: ${(err as Error).message}`);
  }
}

/**
 * EC keys with an uncompressed point are vetted in JavaScript (on the curve: ec-point.ts) and
 * imported into OpenSSL only when `key` is first read, from their coordinates (~60% of the cost
 * of its DER decoder). A verifier that needs no KeyObject (the HSM checking a CSR's proof of
 * possession) then never pays for the import. Compressed points take the DER path at once.
 */
function ecKey(spki: Uint8Array, point: Uint8Array, crv: NamedCurve, size: number): () => KeyObject {
  if (point.length !== 1 + 2 * size || point[0] !== 0x04) {
    const key = derKey(spki);
    return () => key;
  }
  const b = Buffer.from(point.buffer, point.byteOffset, point.length);
  const x = b.subarray(1, 1 + size);
  const y = b.subarray(1 + size);
  if (!isOnCurve(crv, x, y)) throw new DerError(`public key rejected: the point is not on ${crv}`);
  return () => {
    try {
      return createPublicKey({ key: { kty: 'EC', crv, x: x.toString('base64url'), y: y.toString('base64url') }, format: 'jwk' });
    } catch (err) {
      throw new DerError(`public key rejected: ${(err as Error).message}`);
    }
  };
}

const sha1 = (data: Uint8Array): Buffer => createHash('sha1').update(data).digest();

/**
 * The info with `key` imported and `keyIdentifier` hashed on first read, once: a signature check
 * needs neither (it imports the DER itself), a certificate being issued needs the identifier.
 */
function withLazyKey(info: Omit<PublicKeyInfo, 'key' | 'keyIdentifier'>, keyBits: Buffer, load: () => KeyObject): PublicKeyInfo {
  let key: KeyObject | undefined;
  let keyIdentifier: Buffer | undefined;
  return Object.defineProperties(info, {
    key: { get: () => (key ??= load()), enumerable: true },
    keyIdentifier: { get: () => (keyIdentifier ??= sha1(keyBits)), enumerable: true },
  }) as PublicKeyInfo;
}

/** Key identifier alone (for issuers whose SPKI is trusted already). */
export function keyIdentifierOf(spki: Uint8Array): Buffer {
  const top = readTlv(spki, 0);
  const [, keyBits] = children(spki, top);
  return sha1(contentOf(spki, keyBits).subarray(1));
}
