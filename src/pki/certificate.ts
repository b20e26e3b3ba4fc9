import { pooledRandomBytes } from '../common/random-pool.js';
import type { Signer } from './signer.js';
import { signatureAlgorithmFor } from './algorithm-identifier.js';
import { bitString, contextConstructed, sequence, smallInteger, time, unsignedInteger, NO_EXPIRY } from './der/der-writer.js';

const VERSION_V3 = contextConstructed(0, smallInteger(2));

/**
 * A positive 16-byte serial with the top bit clear and a non-zero first octet, so its DER
 * INTEGER is always 16 content bytes: unpredictable (CA/B BR §7.1 style, 127 bits of entropy),
 * and within RFC 5280 §4.1.2.2's 20-octet limit.
 */
export function randomSerial(): Buffer {
  const serial = pooledRandomBytes(16);
  serial[0] = (serial[0] & 0x7f) | 0x40;
  return serial;
}

export interface CertificateFields {
  serial: Uint8Array;
  /** DER Name of the issuer (exactly the issuer certificate's subject encoding) */
  issuer: Uint8Array;
  subject: Uint8Array;
  notBefore: Date;
  /** null: 99991231235959Z (no well-defined expiration) */
  notAfter: Date | null;
  spki: Uint8Array;
  extensions: Uint8Array[];
}

/** TBSCertificate (RFC 5280 §4.1) signed with `signer`'s algorithm. */
export function encodeTbs(fields: CertificateFields, signer: Pick<Signer, 'algorithm'>): Buffer {
  return sequence(
    VERSION_V3,
    unsignedInteger(fields.serial),
    signatureAlgorithmFor(signer.algorithm),
    fields.issuer,
    sequence(time(fields.notBefore), fields.notAfter ? time(fields.notAfter) : NO_EXPIRY),
    fields.subject,
    fields.spki,
    contextConstructed(3, sequence(...fields.extensions)),
  );
}

/** Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING } */
export function signTbs(tbs: Uint8Array, signer: Signer): Buffer {
  return sequence(tbs, signatureAlgorithmFor(signer.algorithm), bitString(signer.sign(tbs)));
}

export function issueCertificate(fields: CertificateFields, signer: Signer): Buffer {
  return signTbs(encodeTbs(fields, signer), signer);
}
