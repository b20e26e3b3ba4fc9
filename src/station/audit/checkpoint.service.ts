import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HSM_PORT, type HsmPort } from '../../hsm/hsm.port.js';
import { hsmSigner } from '../../hsm/hsm-signer.js';
import { buildSignedCsr } from '../../pki/csr.js';
import { encodeName } from '../../pki/name.js';
import { readCertificate } from '../../pki/certificate-reader.js';
import { verifyChain } from '../../pki/chain.js';
import { signCheckpoint, type AuditCheckpoint } from '../../audit/checkpoint.js';
import { STATION_CONFIG, StationConfig } from '../../config/station-config.js';
import { CENTRAL_CLIENT, type CentralClient } from '../central-client/central-client.port.js';
import { TRUST_ANCHOR } from '../orders/trust-anchor.js';
import { AuditLog } from './audit-log.js';

const KEY_LABEL = 'audit-signing';

/**
 * Signs checkpoints of the audit chain with the station's audit key (in the HSM; certificate
 * from central's Management CA, obtained once and kept). A checkpoint is made every 30 s when
 * records were added, on request, and at shutdown. Without a certificate yet (central not
 * reachable) the station keeps working and tries again at the next tick.
 */
@Injectable()
export class CheckpointService {
  private readonly log = new Logger(CheckpointService.name);
  private timer?: NodeJS.Timeout;
  private certificates: Buffer[] | null = null;
  private pending: Promise<Buffer[]> | null = null;

  constructor(
    private readonly ds: DataSource,
    @Inject(HSM_PORT) private readonly hsm: HsmPort,
    @Inject(CENTRAL_CLIENT) private readonly central: CentralClient,
    @Inject(STATION_CONFIG) private readonly config: StationConfig,
    @Inject(TRUST_ANCHOR) private readonly trustAnchor: Buffer,
    private readonly audit: AuditLog,
  ) {}

  start(everyMs = 30_000): void {
    this.timer = setInterval(() => void this.checkpoint().catch((err) => this.log.warn(`checkpoint: ${(err as Error).message}`)), everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The audit key and its certificate: made and requested once, then kept. */
  credential(): Promise<Buffer[]> {
    if (this.certificates) return Promise.resolve(this.certificates);
    // callers at the same moment share one request
    this.pending ??= this.obtain().finally(() => (this.pending = null));
    return this.pending;
  }

  private async obtain(): Promise<Buffer[]> {
    const [row] = await this.ds.query(`SELECT certificates FROM station_credential WHERE name = 'audit'`);
    if (row) return (this.certificates = JSON.parse(row.certificates).map((b: string) => Buffer.from(b, 'base64')));
    let key = this.hsm.findKey(KEY_LABEL);
    if (!key) {
      key = this.hsm.generateKeyPair(KEY_LABEL, 'ec-p256');
      await this.audit.record('key-created', { actor: 'station', detail: `audit key ${KEY_LABEL} (ec-p256) generated in the HSM, non-extractable` });
    }
    const csr = buildSignedCsr(hsmSigner(this.hsm, key), encodeName({ commonName: `Station ${this.config.stationId} audit` }));
    const { certificate, chain } = await this.central.requestAuditCertificate(csr);
    if (!readCertificate(certificate).spki.equals(Buffer.from(key.spki))) throw new Error('central certified another key as our audit key');
    verifyChain([certificate, ...chain], this.trustAnchor);
    const certs = [certificate, ...chain];
    await this.ds.query(`INSERT INTO station_credential (name, key_label, certificates, created_at) VALUES ('audit', ?, ?, ?)`, [
      KEY_LABEL,
      JSON.stringify(certs.map((c) => c.toString('base64'))),
      new Date().toISOString(),
    ]);
    return (this.certificates = certs);
  }

  /** Sign the current head if records were added since the last checkpoint. */
  async checkpoint(): Promise<AuditCheckpoint | null> {
    const [head] = await this.ds.query(`SELECT seq, hash FROM audit_record ORDER BY seq DESC LIMIT 1`);
    const [last] = await this.ds.query(`SELECT MAX(seq) AS seq FROM audit_checkpoint`);
    if (!head || (last?.seq ?? 0) >= head.seq) return null;
    const certificates = await this.credential();
    const key = this.hsm.findKey(KEY_LABEL);
    if (!key) throw new Error(`audit key ${KEY_LABEL} is missing from the HSM`);
    const cp = signCheckpoint({ stationId: this.config.stationId, seq: head.seq, hash: head.hash, time: new Date().toISOString() }, hsmSigner(this.hsm, key), certificates);
    await this.ds.query(`INSERT INTO audit_checkpoint (seq, station_id, hash, time, signature, certificates) VALUES (?, ?, ?, ?, ?, ?)`, [
      cp.seq,
      cp.stationId,
      cp.hash,
      cp.time,
      cp.signature,
      JSON.stringify(cp.certificates),
    ]);
    return cp;
  }

  /** At shutdown: checkpoint the head if the audit certificate is already at hand (no network). */
  async checkpointIfReady(): Promise<void> {
    if (this.certificates) await this.checkpoint();
  }

  async latest(): Promise<AuditCheckpoint | null> {
    const [row] = await this.ds.query(`SELECT * FROM audit_checkpoint ORDER BY seq DESC LIMIT 1`);
    return row ? { stationId: row.station_id, seq: row.seq, hash: row.hash, time: row.time, signature: row.signature, certificates: JSON.parse(row.certificates) } : null;
  }
}
