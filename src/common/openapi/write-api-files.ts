import { NestFactory } from '@nestjs/core';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { openApiToTypeScript, type OpenApiDocument } from './openapi-to-ts.js';

export interface ApiFilesSpec {
  /** the CLI's name, prefixed to its error messages */
  name: string;
  /** the UI's `src/api/` folder, with a trailing slash */
  outDir: string;
  /** the generated client types' file name in `outDir` */
  typesFile: string;
  /** the CLI's source path, named in the generated file's header */
  source: string;
  /** the application module; it is built in Nest's preview mode, so nothing is started */
  module(): DynamicModule;
  document(app: INestApplication): OpenAPIObject;
}

/** Writes `openapi.json` and the client types; with `check`, only counts the files that differ. */
async function writeApiFiles(spec: ApiFilesSpec, check: boolean): Promise<number> {
  const app = await NestFactory.create(spec.module(), { preview: true, logger: false });
  const doc = spec.document(app) as unknown as OpenApiDocument;
  await app.close();
  const files: Record<string, string> = {
    'openapi.json': JSON.stringify(doc, null, 2) + '\n',
    [spec.typesFile]: openApiToTypeScript(doc, `Generated from openapi.json by ${spec.source} (npm run build). Do not edit.`),
  };
  let stale = 0;
  for (const [name, text] of Object.entries(files)) {
    const path = spec.outDir + name;
    const same = existsSync(path) && readFileSync(path, 'utf8') === text;
    if (check && !same) {
      console.error(`${path} is out of date: run npm run build`);
      stale++;
    }
    if (!check && !same) writeFileSync(path, text);
  }
  return stale;
}

/**
 * Runs a UI's API-files CLI and exits the process: writes the files, or with `--check` exits 1
 * when the committed ones are out of date.
 */
export function runApiFilesCli(spec: ApiFilesSpec, argv = process.argv): void {
  writeApiFiles(spec, argv.includes('--check')).then(
    (stale) => process.exit(stale ? 1 : 0),
    (err) => {
      console.error(`${spec.name}: ${(err as Error).stack ?? err}`);
      process.exit(1);
    },
  );
}
