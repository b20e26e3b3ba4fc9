import { CentralPkiService } from '../ca/central-pki.service.js';
import type { CentralConfig } from '../../config/central-config.js';
import { issueSubordinate } from '../../pki/ca-certificates.js';
import { encodeName } from '../../pki/name.js';
import { CLIENT_AUTH_EKU, stationTlsCommonName } from '../audit-ingest/station-client-certificate.js';

const YEAR_MS = 365.25 * 24 * 3600 * 1000;

/**
 * A station's TLS client certificate from the Management CA (system.md §3; docs/decisions/0008):
 * CN "Station <id>", digitalSignature, extended key usage clientAuth only (RFC 5280 §4.2.1.12),
 * one year; the station asks again for its same HSM key before it runs out. Central's
 * audit-ingest route knows a station by it (StationClientCertificate).
 */
export async function issueStationTlsCertificate(
  pki: CentralPkiService,
  config: CentralConfig,
  stationId: string,
  spki: Uint8Array,
  now = new Date(),
): Promise<{ certificate: Buffer; chain: Buffer[] }> {
  const management = await pki.caIdentity('management-ca');
  const certificate = issueSubordinate(management, {
    subject: encodeName({ organization: config.brand.organization, commonName: stationTlsCommonName(stationId) }),
    spki,
    validity: { notBefore: new Date(now.getTime() - 60_000), notAfter: new Date(now.getTime() + YEAR_MS) },
    usages: ['digitalSignature'],
    extendedKeyUsages: [CLIENT_AUTH_EKU],
  });
  return { certificate, chain: [management.certificate, pki.rootCertificate()] };
}
