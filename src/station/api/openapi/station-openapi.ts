import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ApiErrorDto } from '../dto/api-error.dto.js';
import { SlotDto } from '../dto/slot.dto.js';
import { PanelDto } from '../dto/panel.dto.js';

/**
 * The station API's OpenAPI document, read from the controllers' decorators. The operator
 * panel's client types are generated from it (npm run build), so a changed response shape
 * breaks the UI's type check instead of the UI at run time.
 */
export function stationOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Provisioning station API')
    .setDescription('Operator panel and line automation. Browser sessions sign in at /api/auth/login; automation sends Authorization: Bearer <token>.')
    .setVersion('1')
    .addBearerAuth()
    .addCookieAuth('station_session')
    .build();
  // the live stream's events are not responses of any route: list them so their types are generated too
  const doc = SwaggerModule.createDocument(app, config, { extraModels: [ApiErrorDto, SlotDto, PanelDto], operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}` });
  return doc;
}
