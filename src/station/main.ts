import 'reflect-metadata';
import { dirname, join } from 'node:path';
import { Logger } from '@nestjs/common';
import { loadStationConfig } from '../config/station-config.js';
import { ConfigError } from '../common/domain-error.js';
import { createHttpApp } from '../common/http-app.js';
import { StationModule } from './station.module.js';
import { engineEnvironment } from '../hsm/openssl-engine.js';
import { runWithEnvironment } from '../common/process-environment.js';

/** Station entry point: `STATION_CONFIG=path/to/station.json node dist/src/station/main.js` */
async function main(): Promise<void> {
  const path = process.env.STATION_CONFIG;
  if (!path) throw new ConfigError('STATION_CONFIG must name the station config file');
  // the station settings and the jig configuration file: a mistake in either stops the start here
  const { config, warnings } = loadStationConfig(path);
  // audit sync over mutual TLS: OpenSSL must reach the TLS client key in the HSM (decision 0008)
  if (config.central.tlsUrl) {
    const engineConfig = join(dirname(config.databasePath), 'openssl-pkcs11.cnf');
    if (!runWithEnvironment(engineEnvironment(engineConfig, config.central.engineModulePath, config.hsm.modulePath))) return;
  }
  for (const warning of warnings) Logger.warn(warning, 'station');
  const app = await createHttpApp(StationModule.forConfig(config));
  await app.listen(config.http.port, config.http.host);
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  Logger.log(`station ${config.stationId} listening on ${url}`, 'station');
  process.stdout.write(`READY station ${url}\n`);
}

main().catch((err) => {
  process.stderr.write(`station failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
