import type { KeyAlgorithm } from './key-algorithm.js';
import { OID } from './oids.js';
import { acceptedSignatureOids, digestForSignatureOid, signatureAlgorithmFor } from './algorithm-identifier.js';
import { DerError, children, contentOf, decodeOid, encodingOf, expectTag, readTopLevel } from './der/der-reader.js';
import { TAG, bitString, contextConstructed, sequence, smallInteger } from './der/der-writer.js';
import { inspectSpki } from './spki.js';
import { softwareVerifier, type SignatureVerifier } from './signature-verifier.js';
import { CsrRejectedError } from './pki.errors.js';
import type { Signer } from './signer.js';

/** What the issuance pipeline needs from a CSR once it has been checked. */
export interface VerifiedCsr {
  algorithm: KeyAlgorithm;
  /** DER SubjectPublicKeyInfo, copied verbatim into the certificate */
  spki: Buffer;
  keyIdentifier: Buffer;
  /** subject serialNumber attribute, if the CSR carries one */
  subjectSerial: string | null;
  /** DER subject Name as the CSR carries it */
  subject: Buffer;
}

export const MAX_CSR_BYTES = 8192;

function subjectSerialOf(der: Uint8Array, nameTlv: ReturnType<typeof readTopLevel>): string | null {
  for (const rdn of children(der, nameTlv)) {
    for (const atv of children(der, rdn)) {
      const [type, value] = children(der, atv);
      if (type && value && decodeOid(contentOf(der, type)) === OID.serialNumber) {
        return Buffer.from(contentOf(der, value)).toString('utf8');
      }
    }
  }
  return null;
}

/**
 * Parse a PKCS#10 CSR (RFC 2986), verify its proof of possession (the signature over
 * certificationRequestInfo with the enclosed key, §3 step 3) and the key policy. Any failure is
 * a CsrRejectedError naming what is wrong; nothing else is thrown.
 */
export function verifyCsr(der: Uint8Array, allowed: readonly KeyAlgorithm[], verifier: SignatureVerifier = softwareVerifier): VerifiedCsr {
  if (der.length > MAX_CSR_BYTES) throw new CsrRejectedError('CSR_MALFORMED', `CSR of ${der.length} bytes exceeds ${MAX_CSR_BYTES}`);
  let parsed;
  try {
    const top = expectTag(der, readTopLevel(der, 'CSR'), TAG.SEQUENCE, 'CertificationRequest');
    const [info, sigAlg, sig] = children(der, top);
    if (!info || !sigAlg || !sig) throw new DerError('CertificationRequest: missing fields');
    expectTag(der, info, TAG.SEQUENCE, 'certificationRequestInfo');
    const [version, subject, spki] = children(der, info);
    if (!version || !subject || !spki) throw new DerError('certificationRequestInfo: missing fields');
    if (contentOf(der, expectTag(der, version, TAG.INTEGER, 'version'))[0] !== 0 || version.end - version.contentStart !== 1) {
      throw new DerError('CSR version must be v1 (0)');
    }
    const [sigOidTlv] = children(der, expectTag(der, sigAlg, TAG.SEQUENCE, 'signatureAlgorithm'));
    const sigOid = decodeOid(contentOf(der, expectTag(der, sigOidTlv, TAG.OID, 'signature OID')));
    const sigBits = contentOf(der, expectTag(der, sig, TAG.BIT_STRING, 'signature'));
    if (sigBits.length < 2 || sigBits[0] !== 0) throw new DerError('signature: bad BIT STRING');
    parsed = {
      info: encodingOf(der, info),
      spki: Buffer.from(encodingOf(der, expectTag(der, spki, TAG.SEQUENCE, 'subjectPKInfo'))),
      subjectSerial: subjectSerialOf(der, expectTag(der, subject, TAG.SEQUENCE, 'subject')),
      subject: Buffer.from(encodingOf(der, subject)),
      sigOid,
      signature: sigBits.subarray(1),
    };
  } catch (err) {
    if (err instanceof DerError) throw new CsrRejectedError('CSR_MALFORMED', `malformed CSR: ${err.message}`);
    throw err;
  }

  let key;
  try {
    key = inspectSpki(parsed.spki);
  } catch (err) {
    throw new CsrRejectedError('CSR_KEY_POLICY', `CSR public key refused: ${(err as Error).message}`);
  }
  if (key.rsaBits !== undefined && key.rsaBits !== 2048 && key.rsaBits !== 3072) {
    throw new CsrRejectedError('CSR_KEY_POLICY', `RSA-${key.rsaBits} key refused: allowed ${allowed.join(', ')}`);
  }
  if (!allowed.includes(key.algorithm)) {
    throw new CsrRejectedError('CSR_KEY_POLICY', `key type ${key.algorithm} refused: product allows ${allowed.join(', ')}`);
  }
  if (!acceptedSignatureOids(key.algorithm).includes(parsed.sigOid)) {
    throw new CsrRejectedError('CSR_BAD_SIGNATURE', `signature algorithm ${parsed.sigOid} does not match a ${key.algorithm} key`);
  }
  // false for a wrong or unparsable signature; a verifier that fails (HSM gone) throws instead,
  // so an outage is retried, never mistaken for a device without its key
  const ok = verifier.verify(key, parsed.spki, digestForSignatureOid(parsed.sigOid), parsed.info, parsed.signature);
  if (!ok) throw new CsrRejectedError('CSR_BAD_SIGNATURE', 'CSR signature does not verify: no proof of possession of the key');
  return { algorithm: key.algorithm, spki: parsed.spki, keyIdentifier: key.keyIdentifier, subjectSerial: parsed.subjectSerial, subject: parsed.subject };
}

/** A CSR signed through a Signer (an HSM key): how the station asks central for an Order CA. */
export function buildSignedCsr(signer: Signer, subject: Uint8Array): Buffer {
  const info = sequence(smallInteger(0), subject, signer.spki, contextConstructed(0));
  return sequence(info, signatureAlgorithmFor(signer.algorithm), bitString(signer.sign(info)));
}
