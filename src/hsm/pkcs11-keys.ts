import pkcs11js from 'pkcs11js';
import type { KeyAlgorithm } from '../pki/key-algorithm.js';
import { ecPointFromAttribute, ecSpki, ed25519Spki, OID, rsaSpki } from './hsm-der.js';
import { CKK_EC_EDWARDS, CKM_EC_EDWARDS_KEY_PAIR_GEN, CKM_EDDSA, readUlong } from './pkcs11-support.js';

/**
 * Per-algorithm PKCS#11 knowledge: generation templates, the signing mechanism, recognising a
 * key already on the token, and turning its public attributes into a SubjectPublicKeyInfo.
 */

type Lib = pkcs11js.PKCS11;
type Handle = pkcs11js.Handle;

/** Ed25519 curve named the PKCS#11 3.0 way; SoftHSM2 2.6.1 accepts this and the OID alike. */
const EDWARDS25519_NAME = Buffer.concat([Buffer.from([0x13, 12]), Buffer.from('edwards25519', 'ascii')]);
const RSA_EXPONENT = Buffer.from([0x01, 0x00, 0x01]); // 65537

interface Spec {
  readonly keyGen: pkcs11js.Mechanism;
  readonly publicParams: pkcs11js.Template;
  readonly sign: pkcs11js.Mechanism;
}

const ec = (curve: Buffer): Spec => ({
  keyGen: { mechanism: pkcs11js.CKM_EC_KEY_PAIR_GEN },
  // The OID form is the one every token accepts; named curves only (no explicit parameters).
  publicParams: [{ type: pkcs11js.CKA_EC_PARAMS, value: curve }],
  // Raw ECDSA over a digest made in Node: SoftHSM2 2.6.1 has no CKM_ECDSA_SHA256/384.
  sign: { mechanism: pkcs11js.CKM_ECDSA },
});

const rsa = (bits: number): Spec => ({
  keyGen: { mechanism: pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN },
  publicParams: [
    { type: pkcs11js.CKA_MODULUS_BITS, value: bits },
    { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: RSA_EXPONENT },
  ],
  // Hash-and-sign in the token builds the DigestInfo itself (SoftHSM2 supports it).
  sign: { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS },
});

export const SPECS: Readonly<Record<KeyAlgorithm, Spec>> = {
  'ec-p256': ec(OID.p256),
  'ec-p384': ec(OID.p384),
  ed25519: {
    keyGen: { mechanism: CKM_EC_EDWARDS_KEY_PAIR_GEN },
    publicParams: [{ type: pkcs11js.CKA_EC_PARAMS, value: OID.ed25519 }],
    sign: { mechanism: CKM_EDDSA },
  },
  'rsa-2048': rsa(2048),
  'rsa-3072': rsa(3072),
};

/** Both halves share label and CKA_ID; the private half can sign and never leave the token. */
export function generationTemplates(
  algorithm: KeyAlgorithm,
  label: string,
  id: Buffer,
): { publicKey: pkcs11js.Template; privateKey: pkcs11js.Template } {
  return {
    publicKey: [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY },
      { type: pkcs11js.CKA_TOKEN, value: true },
      { type: pkcs11js.CKA_PRIVATE, value: false },
      { type: pkcs11js.CKA_LABEL, value: label },
      { type: pkcs11js.CKA_ID, value: id },
      { type: pkcs11js.CKA_VERIFY, value: true },
      ...SPECS[algorithm].publicParams,
    ],
    privateKey: [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
      { type: pkcs11js.CKA_TOKEN, value: true },
      { type: pkcs11js.CKA_PRIVATE, value: true },
      { type: pkcs11js.CKA_SENSITIVE, value: true },
      { type: pkcs11js.CKA_EXTRACTABLE, value: false },
      { type: pkcs11js.CKA_LABEL, value: label },
      { type: pkcs11js.CKA_ID, value: id },
      { type: pkcs11js.CKA_SIGN, value: true },
      // An identity key signs and does nothing else.
      { type: pkcs11js.CKA_DECRYPT, value: false },
      { type: pkcs11js.CKA_UNWRAP, value: false },
      { type: pkcs11js.CKA_DERIVE, value: false },
    ],
  };
}

function attr(lib: Lib, session: Handle, handle: Handle, type: number): Buffer {
  const [result] = lib.C_GetAttributeValue(session, handle, [{ type }]);
  if (!result || !Buffer.isBuffer(result.value)) throw new Error(`attribute 0x${type.toString(16)} missing`);
  return result.value;
}

/** Which product algorithm a token key is, or null if it is something the product does not use. */
export function algorithmOf(lib: Lib, session: Handle, handle: Handle): KeyAlgorithm | null {
  const keyType = readUlong(attr(lib, session, handle, pkcs11js.CKA_KEY_TYPE));
  if (keyType === pkcs11js.CKK_EC) {
    const params = attr(lib, session, handle, pkcs11js.CKA_EC_PARAMS);
    if (params.equals(OID.p256)) return 'ec-p256';
    if (params.equals(OID.p384)) return 'ec-p384';
    return null;
  }
  if (keyType === CKK_EC_EDWARDS) {
    const params = attr(lib, session, handle, pkcs11js.CKA_EC_PARAMS);
    // SoftHSM2 2.6.1 reports the private half's params as the name "edwards25519" even when the
    // pair was generated with the OID (the public half echoes the request); other tools use either.
    return params.equals(OID.ed25519) || params.equals(EDWARDS25519_NAME) ? 'ed25519' : null;
  }
  if (keyType === pkcs11js.CKK_RSA) {
    const modulus = attr(lib, session, handle, pkcs11js.CKA_MODULUS);
    let bytes = modulus.length;
    for (let i = 0; i < modulus.length && modulus[i] === 0; i++) bytes--;
    if (bytes === 256) return 'rsa-2048';
    if (bytes === 384) return 'rsa-3072';
    return null;
  }
  return null;
}

/** DER SubjectPublicKeyInfo of a public key object. */
export function spkiOf(lib: Lib, session: Handle, publicKey: Handle, algorithm: KeyAlgorithm): Buffer {
  switch (algorithm) {
    case 'ec-p256':
      return ecSpki(OID.p256, ecPointFromAttribute(attr(lib, session, publicKey, pkcs11js.CKA_EC_POINT), 65));
    case 'ec-p384':
      return ecSpki(OID.p384, ecPointFromAttribute(attr(lib, session, publicKey, pkcs11js.CKA_EC_POINT), 97));
    case 'ed25519':
      return ed25519Spki(ecPointFromAttribute(attr(lib, session, publicKey, pkcs11js.CKA_EC_POINT), 32));
    case 'rsa-2048':
    case 'rsa-3072':
      return rsaSpki(
        attr(lib, session, publicKey, pkcs11js.CKA_MODULUS),
        attr(lib, session, publicKey, pkcs11js.CKA_PUBLIC_EXPONENT),
      );
  }
}
