/** What the station asks of central (a port: HTTP in production, a fake in unit tests). */
export interface CentralOrderTerms {
  orderId: string;
  stationId: string;
  productModel: string;
  quota: number;
  serialFirst: string;
  serialLast: string;
  notBefore: string;
  notAfter: string;
}

export interface CentralClient {
  getOrder(orderId: string): Promise<CentralOrderTerms>;
  /** returns the Order CA certificate and the chain above it (DER) */
  requestOrderCa(orderId: string, csr: Uint8Array): Promise<{ certificate: Buffer; chain: Buffer[] }>;
  rootCertificate(): Promise<Buffer>;
  /** a certificate for the station's audit key from the Management CA, with the chain above it */
  requestAuditCertificate(csr: Uint8Array): Promise<{ certificate: Buffer; chain: Buffer[] }>;
  /** deliver a signed audit batch; central answers with its signed receipt */
  sendAuditBatch(batch: Uint8Array): Promise<Buffer>;
  /** the order's signed quota grant (CMS DER) */
  getGrant(orderId: string): Promise<Buffer>;
}

export const CENTRAL_CLIENT = Symbol('CENTRAL_CLIENT');
