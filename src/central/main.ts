import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfigFile } from '../config/validate-config.js';
import { CentralConfig } from '../config/central-config.js';
import { createHttpApp } from '../common/http-app.js';
import { CentralModule } from './central.module.js';

/** Central CA entry point: `CENTRAL_CONFIG=path/to/central.json node dist/src/central/main.js` */
async function main(): Promise<void> {
  const path = process.env.CENTRAL_CONFIG;
  if (!path) throw new Error('CENTRAL_CONFIG must name the central config file');
  const config = loadConfigFile(CentralConfig, path);
  const app = await createHttpApp(CentralModule.forConfig(config));
  await app.listen(config.http.port, config.http.host);
  const url = await app.getUrl();
  Logger.log(`central listening on ${url}`, 'central');
  process.stdout.write(`READY central ${url.replace('[::1]', '127.0.0.1')}\n`);
}

main().catch((err) => {
  process.stderr.write(`central failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
