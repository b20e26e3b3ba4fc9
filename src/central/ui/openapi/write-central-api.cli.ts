/**
 * Writes the console API's OpenAPI document and central-ui's generated client types:
 *   node dist/src/central/ui/openapi/write-central-api.cli.js
 *     -> central-ui/src/api/openapi.json, central-ui/src/api/central-api.ts
 * Part of `npm run build`; `--check` fails (exit 1) when the committed files are out of date.
 * The module is built in Nest's preview mode: controllers are read, nothing is started.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CentralModule } from '../../central.module.js';
import { CentralConfig } from '../../../config/central-config.js';
import { centralConsoleOpenApi } from './central-openapi.js';
import { openApiToTypeScript, type OpenApiDocument } from '../../../common/openapi/openapi-to-ts.js';

const OUT = fileURLToPath(new URL('../../../../../central-ui/src/api/', import.meta.url));

async function main(): Promise<number> {
  const check = process.argv.includes('--check');
  const config = Object.assign(new CentralConfig(), { databasePath: ':memory:', adminToken: '-', stations: [] });
  const app = await NestFactory.create(CentralModule.forConfig(config), { preview: true, logger: false });
  const doc = centralConsoleOpenApi(app) as unknown as OpenApiDocument;
  await app.close();
  const files: Record<string, string> = {
    'openapi.json': JSON.stringify(doc, null, 2) + '\n',
    'central-api.ts': openApiToTypeScript(doc, 'Generated from openapi.json by src/central/ui/openapi/write-central-api.cli.ts (npm run build). Do not edit.'),
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
    console.error(`write-central-api: ${(err as Error).stack ?? err}`);
    process.exit(1);
  },
);
