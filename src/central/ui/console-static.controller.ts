import { Controller, Get, NotFoundException, Param, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// the console as Vite built it: dist/central-ui (dist/src/central/ui -> ../../../central-ui)
const UI_DIR = fileURLToPath(new URL('../../../central-ui/', import.meta.url));

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
};

/** The page may load only its own scripts and styles and talk only to this central. */
const CSP = "default-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

interface HttpResponse {
  setHeader(name: string, value: string): void;
  send(body: Buffer | string): void;
}

/** Serves the brand owner's console (central-ui, built by `npm run build`): the page and its hashed assets. Public: the data behind it is not. */
@ApiExcludeController()
@Controller()
export class ConsoleStaticController {
  private index?: Buffer;

  @Get()
  page(@Res() res: HttpResponse): void {
    this.index ??= this.read('index.html');
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.setHeader('content-security-policy', CSP);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('cache-control', 'no-cache');
    res.send(this.index);
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res() res: HttpResponse): void {
    // Vite names assets name-hash.ext; nothing else (no "..", no sub-folders) is served
    const m = /^[A-Za-z0-9_.-]+(\.[a-z0-9]+)$/.exec(file);
    if (!m || file.includes('..') || !TYPES[m[1]]) throw new NotFoundException();
    const path = join(UI_DIR, 'assets', file);
    if (!existsSync(path)) throw new NotFoundException();
    res.setHeader('content-type', TYPES[m[1]]);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('cache-control', 'public, max-age=31536000, immutable');
    res.send(readFileSync(path));
  }

  private read(name: string): Buffer {
    const path = join(UI_DIR, name);
    if (!existsSync(path)) throw new ServiceUnavailableException('the console is not built: run `npm run build`');
    return readFileSync(path);
  }
}
