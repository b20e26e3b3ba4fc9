/**
 * Builds a PKCS#10 CertificationRequest (RFC 2986) for a device key. Used by the device simulator
 * (a device makes its CSR) and by tests; the station itself never makes device CSRs.
 *
 * pkijs lays out the ASN.1; node:crypto signs the CertificationRequestInfo DER directly, which
 * covers P-256, P-384, Ed25519 and RSA alike without importing keys into WebCrypto.
 */
import { createPublicKey, sign, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { InvalidInputError } from '../common/domain-error.js';
import { digestFor, type KeyAlgorithm } from './key-algorithm.js';
import { OID } from './oids.js';
import { inspectSpki } from './spki.js';

export interface CsrSubject {
  /** Device serial, in subject serialNumber (X520SerialNumber is a PrintableString, RFC 5280 App. A). */
  serialNumber: string;
  commonName?: string;
}

export interface BuildCsrInput {
  privateKey: KeyObject;
  publicKey: KeyObject;
  algorithm: KeyAlgorithm;
  subject: CsrSubject;
  /** Test hook for the simulator's bad-csr-signature mode: flips one bit of the signature. */
  corruptSignature?: boolean;
}

/**
 * The KeyAlgorithm a node KeyObject is, or undefined for anything the product does not support.
 *
 * Read from the key's SPKI encoding, not from `asymmetricKeyDetails`: on Node 20, reading the
 * details of a key that generateKeyPairSync made locks the key and allocates under the lock, and
 * a garbage collection at that moment may finalize the generating job, whose destructor takes
 * the same lock — the process then hangs for good (seen once in about twenty thousand keys).
 */
export function keyAlgorithmOf(key: KeyObject): KeyAlgorithm | undefined {
  if (key.type !== 'public') return keyAlgorithmOf(createPublicKey(key));
  let info;
  try {
    info = inspectSpki(key.export({ format: 'der', type: 'spki' }));
  } catch {
    return undefined;
  }
  if (info.rsaBits !== undefined && info.rsaBits !== 2048 && info.rsaBits !== 3072) return undefined;
  return info.algorithm;
}

/** pkijs keeps encodeTBS protected; this subclass exposes the bytes we sign. */
class SignableCertificationRequest extends pkijs.CertificationRequest {
  tbsDer(): Uint8Array {
    return new Uint8Array(this.encodeTBS().toBER());
  }
}

/** Returns the DER of a CSR signed by `privateKey` (proof of possession). */
export async function buildCsr(input: BuildCsrInput): Promise<Uint8Array> {
  const { privateKey, publicKey, algorithm, subject } = input;
  if (keyAlgorithmOf(publicKey) !== algorithm) {
    throw new InvalidInputError(`CSR key is ${keyAlgorithmOf(publicKey) ?? 'unsupported'}, expected ${algorithm}`);
  }
  if (!/^[A-Za-z0-9 '()+,\-./:=?]{1,64}$/.test(subject.serialNumber)) {
    throw new InvalidInputError(`device serial "${subject.serialNumber}" is not 1..64 PrintableString characters`);
  }

  const csr = new SignableCertificationRequest();
  csr.version = 0;
  csr.subject = subjectName(subject);
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  csr.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(spki);
  // RFC 2986 §4.1: attributes is not OPTIONAL; an empty [0] set is what OpenSSL emits too.
  csr.attributes = [];

  const tbs = csr.tbsDer();
  const signature = new Uint8Array(sign(digestFor(algorithm), tbs, privateKey));
  if (input.corruptSignature) signature[signature.length - 1] ^= 0x01;

  csr.tbsView = tbs;
  csr.signatureAlgorithm = signatureAlgorithmFor(algorithm);
  csr.signatureValue = new asn1js.BitString({ valueHex: signature });
  return new Uint8Array(csr.toSchema().toBER());
}

/**
 * One attribute per RDN, as every CA and OpenSSL expect. (pkijs would put all typesAndValues into
 * a single multi-valued RDN, printed "serialNumber=X + CN=Y", so the DER is built here.)
 */
function subjectName(subject: CsrSubject): pkijs.RelativeDistinguishedNames {
  const attributes = [
    new pkijs.AttributeTypeAndValue({ type: OID.serialNumber, value: new asn1js.PrintableString({ value: subject.serialNumber }) }),
  ];
  if (subject.commonName) {
    attributes.push(new pkijs.AttributeTypeAndValue({ type: OID.commonName, value: new asn1js.Utf8String({ value: subject.commonName }) }));
  }
  const name = new asn1js.Sequence({ value: attributes.map((attribute) => new asn1js.Set({ value: [attribute.toSchema()] })) });
  return pkijs.RelativeDistinguishedNames.fromBER(name.toBER());
}

function signatureAlgorithmFor(algorithm: KeyAlgorithm): pkijs.AlgorithmIdentifier {
  switch (algorithm) {
    case 'ec-p256':
      return new pkijs.AlgorithmIdentifier({ algorithmId: OID.ecdsaWithSha256 });
    case 'ec-p384':
      return new pkijs.AlgorithmIdentifier({ algorithmId: OID.ecdsaWithSha384 });
    case 'ed25519':
      // RFC 8410 §3: parameters MUST be absent.
      return new pkijs.AlgorithmIdentifier({ algorithmId: OID.ed25519 });
    default:
      // RFC 4055 §5: sha*WithRSAEncryption carries NULL parameters.
      return new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256WithRsa, algorithmParams: new asn1js.Null() });
  }
}
