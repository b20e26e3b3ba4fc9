import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { fileURLToPath } from 'node:url';
import { BuiltUi, type HttpResponse } from '../../common/built-ui.js';
import { PublicRoute } from '../auth/roles.js';

// the panel as Vite built it: dist/station-ui (dist/src/station/api -> ../../../station-ui)
const UI_DIR = fileURLToPath(new URL('../../../station-ui/', import.meta.url));

/** Serves the operator panel (station-ui, built by `npm run build`): the page and its hashed assets. */
@ApiExcludeController()
@PublicRoute()
@Controller()
export class StaticUiController {
  private readonly ui = new BuiltUi(UI_DIR, 'the operator panel');

  @Get()
  page(@Res() res: HttpResponse): void {
    this.ui.sendPage(res);
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res() res: HttpResponse): void {
    this.ui.sendAsset(file, res);
  }
}
