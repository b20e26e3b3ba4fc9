import { DerError } from './der/der-reader.js';
import { CertificateMalformedError } from './pki.errors.js';
import { DIGEST_OIDS } from './cms-signed-data.js';
import { parseSignedData, signerInfoSignatureValid, contentDigestMatches } from './cms-signed-data-reader.js';
import { readCertificateDetails, type CertificateDetails } from './certificate-details.js';
import { validateSignerPath, PathValidationError } from './certificate-path.js';

export type SignedContentFailure = 'MALFORMED' | 'FORGED' | 'TAMPERED';

export class SignedContentError extends Error {
  constructor(
    readonly failure: SignedContentFailure,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Verify a CMS SignedData (RFC 5652) with one signer against a trust anchor and return its
 * content and the signer's certificate: syntax (MALFORMED), signer path to the anchor and
 * signature (FORGED, §5.6), messageDigest over the content (TAMPERED, §5.4, §11.2).
 */
export function verifySignedContent(
  der: Uint8Array,
  opts: { eContentType: string; anchor: Uint8Array; now: Date; maxSize: number; what: string },
): { content: Buffer; signer: CertificateDetails } {
  if (der.length === 0 || der.length > opts.maxSize) throw new SignedContentError('MALFORMED', `${opts.what} of ${der.length} bytes (1..${opts.maxSize} allowed)`);
  let sd;
  let certificates: CertificateDetails[];
  try {
    sd = parseSignedData(der);
    if (sd.eContentType !== opts.eContentType) throw new DerError(`content type ${sd.eContentType} is not ${opts.what} (${opts.eContentType})`);
    if (sd.signerInfos.length !== 1) throw new DerError(`expected one signer, found ${sd.signerInfos.length}`);
    const si0 = sd.signerInfos[0];
    if (si0.contentType !== sd.eContentType) throw new DerError('contentType attribute differs from eContentType');
    if (!sd.digestOids.includes(DIGEST_OIDS[si0.digest])) throw new DerError('signer digest algorithm missing from digestAlgorithms');
    certificates = sd.certificates.map((c) => readCertificateDetails(c));
  } catch (err) {
    if (!(err instanceof DerError || err instanceof CertificateMalformedError)) throw err;
    throw new SignedContentError('MALFORMED', `${opts.what} is malformed: ${err.message}`);
  }
  const si = sd.signerInfos[0];
  const signer = certificates.find((c) => c.issuer.equals(si.issuer) && c.serialTlv.equals(si.serialTlv));
  if (!signer) throw new SignedContentError('FORGED', `${opts.what}: the signer's certificate is not included`);
  try {
    validateSignerPath(signer, certificates, readCertificateDetails(opts.anchor), opts.now);
  } catch (err) {
    if (!(err instanceof PathValidationError)) throw err;
    throw new SignedContentError('FORGED', `${opts.what}: ${err.message}`);
  }
  if (!signerInfoSignatureValid(si, signer.spki)) throw new SignedContentError('FORGED', `${opts.what}: the signature does not verify`);
  if (!contentDigestMatches(sd, si)) throw new SignedContentError('TAMPERED', `${opts.what}: content was changed after signing (messageDigest mismatch)`);
  return { content: sd.eContent, signer };
}
