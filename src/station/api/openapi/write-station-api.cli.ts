/**
 * Writes the station API's OpenAPI document and the panel's generated client types:
 *   node dist/src/station/api/openapi/write-station-api.cli.js
 *     -> station-ui/src/api/openapi.json, station-ui/src/api/station-api.ts
 * Part of `npm run build`; `--check` fails (exit 1) when the committed files are out of date.
 * The module is built in Nest's preview mode: controllers are read, nothing is started.
 */
import 'reflect-metadata';
import { fileURLToPath } from 'node:url';
import { StationModule } from '../../station.module.js';
import { StationConfig } from '../../../config/station-config.js';
import { runApiFilesCli } from '../../../common/openapi/write-api-files.js';
import { stationOpenApi } from './station-openapi.js';

const config = Object.assign(new StationConfig(), { stationId: 'openapi', products: [], jigs: [], redis: { host: '127.0.0.1', port: 1 }, central: { url: 'http://127.0.0.1', apiToken: '-' } });

runApiFilesCli({
  name: 'write-station-api',
  outDir: fileURLToPath(new URL('../../../../../station-ui/src/api/', import.meta.url)),
  typesFile: 'station-api.ts',
  source: 'src/station/api/openapi/write-station-api.cli.ts',
  module: () => StationModule.forConfig(config),
  document: stationOpenApi,
});
