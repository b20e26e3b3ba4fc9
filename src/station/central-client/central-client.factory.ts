import type { DataSource } from 'typeorm';
import type { HsmPort } from '../../hsm/hsm.port.js';
import type { StationConfig } from '../../config/station-config.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { CentralClient } from './central-client.port.js';
import { HttpCentralClient } from './http-central.client.js';
import { MutualTlsCentralClient } from './mutual-tls-central.client.js';
import { TlsClientIdentity } from './tls-client-identity.js';

/** Central's client for this station: the API-token client, with audit batches over mutual TLS when `central.tlsUrl` is set. */
export function centralClientFor(config: StationConfig, ds: DataSource, hsm: HsmPort, audit: AuditLog, trustAnchor: Buffer): CentralClient {
  const bearer = new HttpCentralClient(config.central.url, config.central.apiToken);
  if (!config.central.tlsUrl) return bearer;
  const identity = new TlsClientIdentity(ds, hsm, bearer, config.stationId, trustAnchor, (label) =>
    audit.record('key-created', { actor: 'station', detail: `TLS client key ${label} (ec-p256) generated in the HSM, non-extractable` }),
  );
  return new MutualTlsCentralClient(bearer, config.central.tlsUrl, identity, trustAnchor, config.hsm);
}
