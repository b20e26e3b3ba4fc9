/**
 * What the station asks of central (a port; the HTTP adapter is the only one). The brand root is
 * deliberately not among them: the station trusts the root installed at commissioning.
 */
export interface CentralClient {
  /** returns the Order CA certificate and the chain above it (DER) */
  requestOrderCa(orderId: string, csr: Uint8Array): Promise<{ certificate: Buffer; chain: Buffer[] }>;
  /** a certificate for the station's audit key from the Management CA, with the chain above it */
  requestAuditCertificate(csr: Uint8Array): Promise<{ certificate: Buffer; chain: Buffer[] }>;
  /** a certificate for the station's TLS client key (mutual-TLS audit sync) from the Management CA, with the chain above it */
  requestTlsCertificate(csr: Uint8Array): Promise<{ certificate: Buffer; chain: Buffer[] }>;
  /** deliver a signed audit batch; central answers with its signed receipt */
  sendAuditBatch(batch: Uint8Array): Promise<Buffer>;
  /** the order's signed quota grant (CMS DER) */
  getGrant(orderId: string): Promise<Buffer>;
}

export const CENTRAL_CLIENT = Symbol('CENTRAL_CLIENT');
