import { Controller, Get, Header } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// station-ui/index.html at the repository root (dist/src/station/api -> ../../../../station-ui)
const UI_PATH = fileURLToPath(new URL('../../../../station-ui/index.html', import.meta.url));

/** Serves the operator panel (a self-contained page polling /api/status). */
@Controller()
export class StaticUiController {
  private readonly html = readFileSync(UI_PATH, 'utf8');

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  index(): string {
    return this.html;
  }
}
