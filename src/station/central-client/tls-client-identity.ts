import type { DataSource } from 'typeorm';
import type { HsmPort } from '../../hsm/hsm.port.js';
import { hsmSigner } from '../../hsm/hsm-signer.js';
import { buildSignedCsr } from '../../pki/csr.js';
import { encodeName } from '../../pki/name.js';
import { readCertificate } from '../../pki/certificate-reader.js';
import { readCertificateDetails } from '../../pki/certificate-details.js';
import { verifyChain } from '../../pki/chain.js';
import type { CentralClient } from './central-client.port.js';

export const TLS_KEY_LABEL = 'station-tls';
const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;

export interface TlsClientCredential {
  keyLabel: string;
  /** the station's certificate, then the Management CA's (DER) */
  certificates: Buffer[];
}

/**
 * The station's TLS client identity for mutual TLS with central (docs/decisions/0008): a P-256
 * key generated in the station's HSM (never extractable; OpenSSL signs the handshake with it
 * through the PKCS#11 engine) and its certificate from central's Management CA, asked for once
 * with the station's API token, kept in the database and asked for again 30 days before it ends.
 */
export class TlsClientIdentity {
  private current: TlsClientCredential | null = null;
  private pending: Promise<TlsClientCredential> | null = null;

  constructor(
    private readonly ds: DataSource,
    private readonly hsm: HsmPort,
    private readonly central: CentralClient,
    private readonly stationId: string,
    private readonly trustAnchor: Buffer,
    private readonly onKeyCreated: (label: string) => Promise<void>,
  ) {}

  credential(now = new Date()): Promise<TlsClientCredential> {
    if (this.current && !this.expiring(this.current, now)) return Promise.resolve(this.current);
    this.pending ??= this.obtain(now).finally(() => (this.pending = null));
    return this.pending;
  }

  private expiring(c: TlsClientCredential, now: Date): boolean {
    return readCertificateDetails(c.certificates[0]).notAfter.getTime() - now.getTime() < RENEW_BEFORE_MS;
  }

  private async obtain(now: Date): Promise<TlsClientCredential> {
    const [row] = await this.ds.query(`SELECT key_label, certificates FROM station_credential WHERE name = 'tls'`);
    const key = this.hsm.findKey(TLS_KEY_LABEL);
    if (row && key) {
      const stored = { keyLabel: row.key_label, certificates: JSON.parse(row.certificates).map((b: string) => Buffer.from(b, 'base64')) as Buffer[] };
      if (!this.expiring(stored, now) && readCertificate(stored.certificates[0]).spki.equals(Buffer.from(key.spki))) return (this.current = stored);
    }
    let tlsKey = key;
    if (!tlsKey) {
      tlsKey = this.hsm.generateKeyPair(TLS_KEY_LABEL, 'ec-p256');
      await this.onKeyCreated(TLS_KEY_LABEL);
    }
    const csr = buildSignedCsr(hsmSigner(this.hsm, tlsKey), encodeName({ commonName: `Station ${this.stationId}` }));
    const { certificate, chain } = await this.central.requestTlsCertificate(csr);
    if (!readCertificate(certificate).spki.equals(Buffer.from(tlsKey.spki))) throw new Error('central certified another key as our TLS key');
    verifyChain([certificate, ...chain], this.trustAnchor);
    // the root stays out: the server has it, and a client sends its chain up to, not including, the anchor
    const certificates = [certificate, ...chain.filter((c) => !c.equals(this.trustAnchor))];
    await this.ds.query(
      `INSERT INTO station_credential (name, key_label, certificates, created_at) VALUES ('tls', ?, ?, ?)
       ON CONFLICT(name) DO UPDATE SET key_label = excluded.key_label, certificates = excluded.certificates, created_at = excluded.created_at`,
      [TLS_KEY_LABEL, JSON.stringify(certificates.map((c) => c.toString('base64'))), now.toISOString()],
    );
    return (this.current = { keyLabel: TLS_KEY_LABEL, certificates });
  }
}
