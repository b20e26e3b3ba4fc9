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

export class HttpCentralClient implements CentralClient {
  constructor(private readonly baseUrl: string, private readonly token: string, private readonly timeoutMs = 10_000) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(new URL(path, this.baseUrl), {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new CentralUnavailableError(`central at ${this.baseUrl} unreachable: ${(err as Error).message}`, { cause: err });
    }
    const text = await res.text();
    if (!res.ok) {
      let message = text;
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {
        /* plain-text error body */
      }
      if (res.status >= 500) throw new CentralUnavailableError(`central answered ${res.status}: ${message}`);
      throw new CentralRefusedError(res.status, `central refused ${method} ${path}: ${message}`);
    }
    return JSON.parse(text) as T;
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

  async sendAuditBatch(batch: Uint8Array): Promise<Buffer> {
    const r = await this.call<{ receipt: string }>('POST', '/api/audit/batches', { batch: Buffer.from(batch).toString('base64') });
    return Buffer.from(r.receipt, 'base64');
  }

  async getGrant(orderId: string): Promise<Buffer> {
    const r = await this.call<{ grant: string }>('GET', `/api/orders/${encodeURIComponent(orderId)}/grant`);
    return Buffer.from(r.grant, 'base64');
  }

}
