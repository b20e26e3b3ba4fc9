import { createHash } from 'node:crypto';
import { DerError, children, encodingOf, expectTag, readTopLevel } from '../der/der-reader.js';
import { TAG } from '../der/der-writer.js';
import { OID } from '../oids.js';
import { algorithmOid } from './cmp-signature.js';

const DIGEST_BY_OID: Record<string, string> = { [OID.sha256]: 'sha256', [OID.sha384]: 'sha384', [OID.sha512]: 'sha512' };

const DIGEST_OF_SIGNATURE: Record<string, string> = {
  [OID.ecdsaWithSha256]: 'sha256',
  [OID.ecdsaWithSha384]: 'sha384',
  [OID.ecdsaWithSha512]: 'sha512',
  [OID.sha256WithRsa]: 'sha256',
  [OID.sha384WithRsa]: 'sha384',
  [OID.sha512WithRsa]: 'sha512',
  // RFC 9481 §2 / RFC 8419: Ed25519 certificates are confirmed with SHA-512
  [OID.ed25519]: 'sha512',
};

/**
 * The certHash a certConf must carry for `certificate` (RFC 4210 §5.3.18): the hash of the
 * certificate's own signature algorithm, or `hashAlgOid` when the client named one (RFC 9480
 * §2.10). Returns null for a hash this server does not know.
 */
export function expectedCertHash(certificate: Uint8Array, hashAlgOid?: string): Buffer | null {
  let digest: string | undefined;
  if (hashAlgOid) digest = DIGEST_BY_OID[hashAlgOid];
  else {
    const top = expectTag(certificate, readTopLevel(certificate, 'Certificate'), TAG.SEQUENCE, 'Certificate');
    const [, sigAlg] = children(certificate, top);
    if (!sigAlg) throw new DerError('Certificate: missing signatureAlgorithm');
    digest = DIGEST_OF_SIGNATURE[algorithmOid(encodingOf(certificate, sigAlg))];
  }
  return digest ? createHash(digest).update(certificate).digest() : null;
}
