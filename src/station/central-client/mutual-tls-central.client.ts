import { Agent, request } from 'node:https';
import type { HsmConfig } from '../../hsm/hsm.port.js';
import { ENGINE_ID, engineKeyUri } from '../../hsm/openssl-engine.js';
import { toPem } from '../../pki/pem.js';
import type { CentralClient } from './central-client.port.js';
import { CentralUnavailableError, centralAnswer } from './http-central.client.js';
import type { TlsClientCredential, TlsClientIdentity } from './tls-client-identity.js';

/**
 * Central as the station sees it when audit sync runs over mutual TLS (docs/decisions/0008):
 * audit batches go to central's HTTPS listener, the station authenticated by its client
 * certificate (key in the HSM, through OpenSSL's PKCS#11 engine), central by its server
 * certificate checked against the brand root installed at commissioning. Everything else
 * (orders, certificates, grants) goes through the API-token client it wraps.
 */
export class MutualTlsCentralClient implements CentralClient {
  private agent: { credential: TlsClientCredential; agent: Agent } | null = null;

  constructor(
    private readonly bearer: CentralClient,
    private readonly tlsUrl: string,
    private readonly identity: TlsClientIdentity,
    private readonly trustAnchor: Buffer,
    private readonly hsm: HsmConfig,
    private readonly timeoutMs = 30_000,
  ) {}

  requestOrderCa(orderId: string, csr: Uint8Array) {
    return this.bearer.requestOrderCa(orderId, csr);
  }
  requestAuditCertificate(csr: Uint8Array) {
    return this.bearer.requestAuditCertificate(csr);
  }
  requestTlsCertificate(csr: Uint8Array) {
    return this.bearer.requestTlsCertificate(csr);
  }
  getGrant(orderId: string) {
    return this.bearer.getGrant(orderId);
  }

  async sendAuditBatch(batch: Uint8Array): Promise<Buffer> {
    const agent = await this.agentFor(await this.identity.credential());
    const url = new URL('/api/audit/batch-files', this.tlsUrl);
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/cms', 'content-length': batch.length }, timeout: this.timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', (err) => reject(new CentralUnavailableError(`central at ${this.tlsUrl} unreachable over mutual TLS: ${err.message}`, { cause: err })));
      req.end(batch);
    });
    const r = centralAnswer<{ receipt: string }>(status, text, `POST ${url.pathname} (mutual TLS)`);
    return Buffer.from(r.receipt, 'base64');
  }

  /** One kept-alive connection per credential: a renewed certificate gets a new agent. */
  private async agentFor(credential: TlsClientCredential): Promise<Agent> {
    if (this.agent?.credential === credential) return this.agent.agent;
    this.agent?.agent.destroy();
    const agent = new Agent({
      keepAlive: true,
      maxSockets: 1,
      ca: toPem(this.trustAnchor),
      cert: credential.certificates.map((c) => toPem(c)).join(''),
      privateKeyEngine: ENGINE_ID,
      privateKeyIdentifier: engineKeyUri(this.hsm, credential.keyLabel),
      minVersion: 'TLSv1.2',
    });
    this.agent = { credential, agent };
    return agent;
  }
}
