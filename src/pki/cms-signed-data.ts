import { createHash } from 'node:crypto';
import type { Signer } from './signer.js';
import { digestFor, type KeyAlgorithm } from './key-algorithm.js';
import { signatureAlgorithmFor } from './algorithm-identifier.js';
import { readCertificateDetails } from './certificate-details.js';
import { contextConstructed, octetString, oid, sequence, setOf, smallInteger, time } from './der/der-writer.js';
import { OID } from './oids.js';
import { InvalidInputError } from '../common/domain-error.js';

/**
 * CMS SignedData (RFC 5652 §5) with the project's DER writer: one signer, identified by
 * issuerAndSerialNumber, signed attributes always present. Used for signed objects between
 * central and stations (quota grants; audit batches).
 */

export type CmsDigest = 'sha256' | 'sha384' | 'sha512';

export const DIGEST_OIDS: Record<CmsDigest, string> = { sha256: OID.sha256, sha384: OID.sha384, sha512: OID.sha512 };

export function digestNameForOid(digestOid: string): CmsDigest | null {
  const entry = Object.entries(DIGEST_OIDS).find(([, o]) => o === digestOid);
  return entry ? (entry[0] as CmsDigest) : null;
}

/**
 * The digestAlgorithm that goes with a signer's key: the hash its signature algorithm uses
 * (RFC 5753 §2.1.1, RFC 5754 §3; verifiers such as OpenSSL hash the signed attributes with
 * digestAlgorithm), and SHA-512 for Ed25519 (RFC 8419 §3.1).
 */
export const cmsDigestFor = (alg: KeyAlgorithm): CmsDigest => digestFor(alg) ?? 'sha512';

/** RFC 5754 §2: SHA-2 AlgorithmIdentifiers are encoded with absent parameters. */
export const digestAlgorithmIdentifier = (digest: CmsDigest): Buffer => sequence(oid(DIGEST_OIDS[digest]));

/** Attribute ::= SEQUENCE { attrType OBJECT IDENTIFIER, attrValues SET OF AttributeValue } */
const attribute = (type: string, value: Buffer): Buffer => sequence(oid(type), setOf(value));

/** Same content, other tag: SET OF <-> [0] IMPLICIT (RFC 5652 §5.4). */
function retag(tlvBytes: Buffer, tag: number): Buffer {
  const out = Buffer.from(tlvBytes);
  out[0] = tag;
  return out;
}

export interface SignedDataInput {
  eContentType: string;
  eContent: Uint8Array;
  signer: Signer;
  /** DER certificate of `signer`'s key */
  signerCertificate: Uint8Array;
  /** intermediates (never needed for a signer issued by the root itself) */
  extraCertificates?: Uint8Array[];
  signingTime?: Date;
}

/** DER ContentInfo { id-signedData, [0] SignedData } (RFC 5652 §3, §5.1). */
export function encodeSignedData(input: SignedDataInput): Buffer {
  const { signer, eContentType } = input;
  const cert = readCertificateDetails(input.signerCertificate);
  // A mismatch would produce a grant nobody can verify: say so at the source instead.
  if (!cert.spki.equals(Buffer.from(signer.spki))) {
    throw new InvalidInputError('the signer certificate does not certify the signing key');
  }
  const digest = cmsDigestFor(signer.algorithm);
  const digestAlg = digestAlgorithmIdentifier(digest);

  // RFC 5652 §5.3: signed attributes MUST be present when the content type is not id-data, and
  // MUST then include contentType (§11.1) and messageDigest (§11.2); signingTime (§11.3) uses
  // UTCTime through 2049 like RFC 5280, which der-writer's time() already does.
  const signedAttrs = setOf(
    attribute(OID.contentTypeAttr, oid(eContentType)),
    attribute(OID.signingTimeAttr, time(input.signingTime ?? new Date())),
    attribute(OID.messageDigestAttr, octetString(createHash(digest).update(input.eContent).digest())),
  );
  // §5.4: the signature is over the DER of the attributes with the EXPLICIT SET OF tag (0x31),
  // not the [0] IMPLICIT tag they are carried under. The HSM hashes and signs.
  const signature = signer.sign(signedAttrs);

  const signerInfo = sequence(
    smallInteger(1), // §5.3: version 1 for issuerAndSerialNumber
    sequence(cert.issuer, cert.serialTlv),
    digestAlg,
    retag(signedAttrs, 0xa0),
    signatureAlgorithmFor(signer.algorithm),
    octetString(signature),
  );

  const certificates = [Buffer.from(input.signerCertificate), ...(input.extraCertificates ?? []).map((c) => Buffer.from(c))];
  const signedData = sequence(
    // §5.1: version 3 when eContentType is not id-data; 1 otherwise (no v2+ certificates here).
    smallInteger(eContentType === OID.data ? 1 : 3),
    setOf(digestAlg),
    sequence(oid(eContentType), contextConstructed(0, octetString(input.eContent))),
    retag(setOf(...certificates), 0xa0), // certificates [0] IMPLICIT CertificateSet (DER-sorted)
    setOf(signerInfo),
  );
  return sequence(oid(OID.signedData), contextConstructed(0, signedData));
}
