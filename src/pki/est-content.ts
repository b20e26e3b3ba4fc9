import { contextConstructed, oid, sequence, setOf, smallInteger } from './der/der-writer.js';
import { OID } from './oids.js';
import type { KeyAlgorithm } from './key-algorithm.js';

/**
 * A "certs-only" CMS SignedData (RFC 5652 §5.1 degenerate case; RFC 7030 §4.1.3, §4.2.3):
 * no signers, no content, just the certificates. Version 1, empty digestAlgorithms and
 * signerInfos, eContentType id-data without eContent.
 */
export function certsOnly(certificates: Uint8Array[]): Buffer {
  const signedData = sequence(
    smallInteger(1),
    setOf(),
    sequence(oid(OID.data)),
    contextConstructed(0, ...certificates),
    setOf(),
  );
  return sequence(oid(OID.signedData), contextConstructed(0, signedData));
}

/**
 * CSR attributes (RFC 7030 §4.5.2; RFC 9908): the signature algorithm the CA wants and the key
 * type as an Attribute { id-ecPublicKey, { curve } } or { rsaEncryption } — what the product's
 * key policy accepts, so a device knows before it generates a CSR.
 */
export function csrAttributes(algorithm: KeyAlgorithm): Buffer {
  switch (algorithm) {
    case 'ec-p256':
      return sequence(oid(OID.ecdsaWithSha256), sequence(oid(OID.ecPublicKey), setOf(oid(OID.prime256v1))));
    case 'ec-p384':
      return sequence(oid(OID.ecdsaWithSha384), sequence(oid(OID.ecPublicKey), setOf(oid(OID.secp384r1))));
    case 'ed25519':
      return sequence(oid('1.3.101.112'));
    default:
      return sequence(oid('1.2.840.113549.1.1.11'), oid('1.2.840.113549.1.1.1'));
  }
}
