/**
 * Writes the station API's OpenAPI document and the panel's generated client types:
 *   node dist/src/station/api/openapi/write-station-api.cli.js
 *     -> station-ui/src/api/openapi.json, station-ui/src/api/station-api.ts
 * Part of `npm run build`; `--check` fails (exit 1) when the committed files are out of date.
 * The module is built in Nest's preview mode: controllers are read, nothing is started.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { StationModule } from '../../station.module.js';
import { StationConfig } from '../../../config/station-config.js';
import { stationOpenApi } from './station-openapi.js';
import { openApiToTypeScript, type OpenApiDocument } from '../../../common/openapi/openapi-to-ts.js';

const OUT = fileURLToPath(new URL('../../../../../station-ui/src/api/', import.meta.url));

async function main(): Promise<number> {
  const check = process.argv.includes('--check');
  const config = Object.assign(new StationConfig(), { stationId: 'openapi', products: [], jigs: [], redis: { host: '127.0.0.1', port: 1 }, central: { url: 'http://127.0.0.1', apiToken: '-' } });
  const app = await NestFactory.create(StationModule.forConfig(config), { preview: true, logger: false });
  const doc = stationOpenApi(app) as unknown as OpenApiDocument;
  await app.close();
  const files: Record<string, string> = {
    'openapi.json': JSON.stringify(doc, null, 2) + '\n',
    'station-api.ts': openApiToTypeScript(doc, 'Generated from openapi.json by src/station/api/openapi/write-station-api.cli.ts (npm run build). Do not edit.'),
  };
  let stale = 0;
  for (const [name, text] of Object.entries(files)) {
    const path = OUT + name;
    const same = existsSync(path) && readFileSync(path, 'utf8') === text;
    if (check && !same) {
      console.error(`${path} is out of date: run npm run build`);
      stale++;
    }
    if (!check && !same) writeFileSync(path, text);
  }
  return stale ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`write-station-api: ${(err as Error).stack ?? err}`);
    process.exit(1);
  },
);
