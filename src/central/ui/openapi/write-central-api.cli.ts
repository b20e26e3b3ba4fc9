/**
 * Writes the console API's OpenAPI document and central-ui's generated client types:
 *   node dist/src/central/ui/openapi/write-central-api.cli.js
 *     -> central-ui/src/api/openapi.json, central-ui/src/api/central-api.ts
 * Part of `npm run build`; `--check` fails (exit 1) when the committed files are out of date.
 * The module is built in Nest's preview mode: controllers are read, nothing is started.
 */
import 'reflect-metadata';
import { fileURLToPath } from 'node:url';
import { CentralModule } from '../../central.module.js';
import { CentralConfig } from '../../../config/central-config.js';
import { runApiFilesCli } from '../../../common/openapi/write-api-files.js';
import { centralConsoleOpenApi } from './central-openapi.js';

const config = Object.assign(new CentralConfig(), { databasePath: ':memory:', adminToken: '-', stations: [] });

runApiFilesCli({
  name: 'write-central-api',
  outDir: fileURLToPath(new URL('../../../../../central-ui/src/api/', import.meta.url)),
  typesFile: 'central-api.ts',
  source: 'src/central/ui/openapi/write-central-api.cli.ts',
  module: () => CentralModule.forConfig(config),
  document: centralConsoleOpenApi,
});
