import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { fileURLToPath } from 'node:url';
import { BuiltUi, type HttpResponse } from '../../common/built-ui.js';

// the console as Vite built it: dist/central-ui (dist/src/central/ui -> ../../../central-ui)
const UI_DIR = fileURLToPath(new URL('../../../central-ui/', import.meta.url));

/** Serves the brand owner's console (central-ui, built by `npm run build`): the page and its hashed assets. Public: the data behind it is not. */
@ApiExcludeController()
@Controller()
export class ConsoleStaticController {
  private readonly ui = new BuiltUi(UI_DIR, 'the console');

  @Get()
  page(@Res() res: HttpResponse): void {
    this.ui.sendPage(res);
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res() res: HttpResponse): void {
    this.ui.sendAsset(file, res);
  }
}
