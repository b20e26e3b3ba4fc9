import { NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
};

/** The page may load only its own scripts and styles and talk only to the server that served it. */
const CSP = "default-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

export interface HttpResponse {
  setHeader(name: string, value: string): void;
  send(body: Buffer | string): void;
}

/**
 * A UI as Vite built it (`index.html` and hashed `assets/`), served with the same headers by the
 * station's panel and central's console; each keeps its own controller for its routes and guards.
 */
export class BuiltUi {
  private index?: Buffer;

  /** `dir`: the Vite output folder; `title`: how the not-built error names the UI */
  constructor(
    private readonly dir: string,
    private readonly title: string,
  ) {}

  sendPage(res: HttpResponse): void {
    this.index ??= this.read('index.html');
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.setHeader('content-security-policy', CSP);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('cache-control', 'no-cache');
    res.send(this.index);
  }

  sendAsset(file: string, res: HttpResponse): void {
    // Vite names assets name-hash.ext; nothing else (no "..", no sub-folders) is served
    const m = /^[A-Za-z0-9_.-]+(\.[a-z0-9]+)$/.exec(file);
    if (!m || file.includes('..') || !TYPES[m[1]]) throw new NotFoundException();
    const path = join(this.dir, 'assets', file);
    if (!existsSync(path)) throw new NotFoundException();
    res.setHeader('content-type', TYPES[m[1]]);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('cache-control', 'public, max-age=31536000, immutable');
    res.send(readFileSync(path));
  }

  private read(name: string): Buffer {
    const path = join(this.dir, name);
    if (!existsSync(path)) throw new ServiceUnavailableException(`${this.title} is not built: run \`npm run build\``);
    return readFileSync(path);
  }
}
