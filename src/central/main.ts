import 'reflect-metadata';
import { dirname, join } from 'node:path';
import { Logger } from '@nestjs/common';
import { loadConfigFile } from '../config/validate-config.js';
import { CentralConfig } from '../config/central-config.js';
import { createHttpApp } from '../common/http-app.js';
import { engineEnvironment } from '../hsm/openssl-engine.js';
import { runWithEnvironment } from '../common/process-environment.js';
import { mappedJemalloc, planAllocator } from '../common/allocator.js';
import { ConfigError } from '../common/domain-error.js';
import { CentralModule } from './central.module.js';
import { listenHttps } from './tls/https-listener.js';
import { serveFieldProtocolsFirst } from './enrollment/field-protocol-routes.js';
import { centralDatabaseTarget, describeTarget } from './database/central-database.js';

/** Central CA entry point: `CENTRAL_CONFIG=path/to/central.json node dist/src/central/main.js` */
async function main(): Promise<void> {
  const path = process.env.CENTRAL_CONFIG;
  if (!path) throw new Error('CENTRAL_CONFIG must name the central config file');
  const config = loadConfigFile(CentralConfig, path);
  // a bad DATABASE_URL stops here, before the HSM or a listener is touched
  const database = centralDatabaseTarget(config);
  // what only acts from a process's start: the TLS engine's OpenSSL config, the allocator, V8's heap growth
  const allocator = planAllocator(config.allocator);
  const engine = config.tls ? engineEnvironment(join(dirname(config.databasePath), 'openssl-pkcs11.cnf'), config.tls.engineModulePath, config.hsm.modulePath) : {};
  const heapGrowth = config.heapGrowingPercent > 0 ? [`--heap-growing-percent=${config.heapGrowingPercent}`] : [];
  if (!runWithEnvironment({ ...engine, ...allocator.env }, heapGrowth)) return;
  if (allocator.warning) Logger.warn(allocator.warning, 'central');
  const jemalloc = mappedJemalloc();
  if (config.allocator === 'jemalloc' && !jemalloc) throw new ConfigError('allocator "jemalloc" is configured but the process started without it (LD_PRELOAD failed to load)');
  Logger.log(`central allocator: ${jemalloc ? `jemalloc (${jemalloc})` : 'the system allocator'}; V8 heap growth: ${config.heapGrowingPercent > 0 ? `${config.heapGrowingPercent}%` : "V8's own"}`, 'central');
  Logger.log(`central database: ${describeTarget(database)}`, 'central');
  const app = await createHttpApp(CentralModule.forConfig(config));
  await app.init();
  serveFieldProtocolsFirst(app.getHttpServer(), app);
  await app.listen(config.http.port, config.http.host);
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  // certificates name where their status is published: the listener's own URL unless configured
  config.enrollment.publicUrl ??= url;
  Logger.log(`central listening on ${url}`, 'central');
  let tlsNote = '';
  if (config.tls) {
    const https = await listenHttps(app, config);
    app.get(CentralModule).onShutdown(() => new Promise<void>((resolve) => https.server.close(() => resolve())));
    Logger.log(`central listening on ${https.url} (TLS, key in the HSM)`, 'central');
    tlsNote = ` tls=${https.url}`;
  }
  process.stdout.write(`READY central ${url}${tlsNote}\n`);
}

main().catch((err) => {
  process.stderr.write(`central failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
