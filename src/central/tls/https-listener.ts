import { createServer, type Server } from 'node:https';
import { Logger, type INestApplication } from '@nestjs/common';
import type { CentralConfig } from '../../config/central-config.js';
import { CentralPkiService } from '../ca/central-pki.service.js';
import { ENGINE_ID, engineKeyUri, preferEngineKeyMethods } from '../../hsm/openssl-engine.js';
import { toPem } from '../../pki/pem.js';
import { serveFieldProtocolsFirst } from '../enrollment/field-protocol-routes.js';
import { CENTRAL_TLS_PROFILE } from './tls-profile.js';

/**
 * Central's HTTPS listener: the same routes as the HTTP one, served with the TLS key in the
 * HSM. Client certificates are asked for but not judged by the TLS layer: a birth certificate
 * chains through an Order CA whose validity ended with production, so the enrollment authority
 * decides (and routes that need a client certificate refuse without one).
 */
export async function listenHttps(app: INestApplication, config: CentralConfig): Promise<{ server: Server; url: string }> {
  const tls = config.tls!;
  const { keyLabel, certificate, chain } = await app.get(CentralPkiService).tlsServerCertificate(tls.serverNames);
  const server = createServer(
    {
      cert: [certificate, ...chain].map((c) => toPem(c)).join(''),
      privateKeyEngine: ENGINE_ID,
      privateKeyIdentifier: engineKeyUri(config.hsm, keyLabel),
      requestCert: true,
      rejectUnauthorized: false,
      ...CENTRAL_TLS_PROFILE,
    },
    app.getHttpAdapter().getInstance(),
  );
  // the context above initialised the engine (it holds the TLS key): let it serve key methods too,
  // a matter of speed only (docs/decisions/0013-engine-serves-key-methods.md)
  try {
    preferEngineKeyMethods();
  } catch (err) {
    new Logger('tls').warn(`OpenSSL keeps its provider key methods: ${(err as Error).message}`);
  }
  serveFieldProtocolsFirst(server, app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(tls.port, tls.host, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return { server, url: `https://${tls.host}:${port}` };
}
