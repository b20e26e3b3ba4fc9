import { DomainError } from '../../common/domain-error.js';
import type { CentralClient } from './central-client.port.js';

export class CentralUnavailableError extends DomainError {
  readonly code = 'CENTRAL_UNAVAILABLE';
  readonly status = 503;
  readonly retryable = true;
}
export class CentralRefusedError extends DomainError {
  readonly code = 'CENTRAL_REFUSED';
  readonly retryable = false;
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** Central's answer as JSON, or the typed error its status means (5xx: try again; 4xx: refused). */
export function centralAnswer<T>(status: number, text: string, what: string): T {
  if (status < 200 || status > 299) {
    let message = text;
    try {
      const body = JSON.parse(text) as { message?: string; code?: string };
      message = body.code ? `${body.code}: ${body.message}` : (body.message ?? text);
    } catch {
      /* plain-text error body */
    }
    if (status >= 500) throw new CentralUnavailableError(`central answered ${status}: ${message}`);
    throw new CentralRefusedError(status, `central refused ${what}: ${message}`);
  }
  return JSON.parse(text) as T;
}

export class HttpCentralClient implements CentralClient {
  constructor(private readonly baseUrl: string, private readonly token: string, private readonly timeoutMs = 10_000) {}

  private async call<T>(method: string, path: string, body?: unknown, raw?: { type: string; bytes: Uint8Array }): Promise<T> {
    let res: Response;
    try {
      res = await fetch(new URL(path, this.baseUrl), {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(raw ? { 'content-type': raw.type } : body ? { 'content-type': 'application/json' } : {}) },
        body: raw ? new Uint8Array(raw.bytes) : body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new CentralUnavailableError(`central at ${this.baseUrl} unreachable: ${(err as Error).message}`, { cause: err });
    }
    return centralAnswer<T>(res.status, await res.text(), `${method} ${path}`);
  }

  async requestOrderCa(orderId: string, csr: Uint8Array): Promise<{ certificate: Buffer; chain: Buffer[] }> {
    const r = await this.call<{ certificate: string; chain: string[] }>('POST', `/api/orders/${encodeURIComponent(orderId)}/order-ca`, {
      csr: Buffer.from(csr).toString('base64'),
    });
    return { certificate: Buffer.from(r.certificate, 'base64'), chain: r.chain.map((c) => Buffer.from(c, 'base64')) };
  }

  async requestAuditCertificate(csr: Uint8Array): Promise<{ certificate: Buffer; chain: Buffer[] }> {
    const r = await this.call<{ certificate: string; chain: string[] }>('POST', '/api/stations/audit-certificate', { csr: Buffer.from(csr).toString('base64') });
    return { certificate: Buffer.from(r.certificate, 'base64'), chain: r.chain.map((c) => Buffer.from(c, 'base64')) };
  }

  async requestTlsCertificate(csr: Uint8Array): Promise<{ certificate: Buffer; chain: Buffer[] }> {
    const r = await this.call<{ certificate: string; chain: string[] }>('POST', '/api/stations/tls-certificate', { csr: Buffer.from(csr).toString('base64') });
    return { certificate: Buffer.from(r.certificate, 'base64'), chain: r.chain.map((c) => Buffer.from(c, 'base64')) };
  }

  /** The batch's DER as the body (application/cms, RFC 7193): no base64 in JSON, no JSON body limit. */
  async sendAuditBatch(batch: Uint8Array): Promise<Buffer> {
    const r = await this.call<{ receipt: string }>('POST', '/api/audit/batch-files', undefined, { type: 'application/cms', bytes: batch });
    return Buffer.from(r.receipt, 'base64');
  }

  async getGrant(orderId: string): Promise<Buffer> {
    const r = await this.call<{ grant: string }>('GET', `/api/orders/${encodeURIComponent(orderId)}/grant`);
    return Buffer.from(r.grant, 'base64');
  }

}
