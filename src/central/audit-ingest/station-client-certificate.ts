import { UnauthorizedException } from '@nestjs/common';
import { X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { CentralPkiService } from '../ca/central-pki.service.js';
import { tlsClientCredentials } from '../enrollment/est/est-http.js';
import { readCertificateDetails } from '../../pki/certificate-details.js';
import { validateSignerPath, PathValidationError } from '../../pki/certificate-path.js';
import { CertificateMalformedError } from '../../pki/pki.errors.js';

/** id-kp-clientAuth (RFC 5280 §4.2.1.12): the certificate may authenticate a TLS client. */
export const CLIENT_AUTH_EKU = '1.3.6.1.5.5.7.3.2';

/** The common name of a station's TLS client certificate (issued by src/central/stations). */
export const stationTlsCommonName = (stationId: string): string => `Station ${stationId}`;

/**
 * Who a mutual-TLS request comes from (docs/decisions/0008). TLS has proven that the client holds
 * the key of the certificate it presented (its CertificateVerify, RFC 8446 §4.4.3); the listener
 * asks for a certificate but leaves judging it to the application (a device's birth
 * certificate is judged by enrollment), so here: issued by central's own Management CA, valid
 * now, for TLS clients, naming a station central knows.
 */
export class StationClientCertificate {
  constructor(private readonly pki: CentralPkiService) {}

  /** The station the client certificate names; null when the request carries none. */
  async stationOf(req: IncomingMessage, knownStations: string[], now = new Date()): Promise<string | null> {
    const presented = tlsClientCredentials(req);
    if (!presented) return null;
    const management = await this.pki.caIdentity('management-ca');
    let leaf;
    try {
      leaf = readCertificateDetails(presented.certificate);
      // the path is built from central's own Management CA, never from what the client sent
      const path = validateSignerPath(leaf, [readCertificateDetails(management.certificate)], readCertificateDetails(this.pki.rootCertificate()), now);
      if (!path[1]?.der.equals(management.certificate)) throw new PathValidationError('not issued by the Management CA');
    } catch (err) {
      if (err instanceof PathValidationError || err instanceof CertificateMalformedError) {
        throw new UnauthorizedException(`client certificate refused: ${(err as Error).message}`);
      }
      throw err;
    }
    if (!(new X509Certificate(presented.certificate).keyUsage ?? []).includes(CLIENT_AUTH_EKU)) {
      throw new UnauthorizedException(`client certificate "${leaf.commonName}" is not for TLS clients (no clientAuth extended key usage)`);
    }
    const stationId = knownStations.find((id) => leaf.commonName === stationTlsCommonName(id));
    if (!stationId) throw new UnauthorizedException(`client certificate "${leaf.commonName}" names no station central knows`);
    return stationId;
  }
}
