import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ApiErrorDto } from '../../../station/api/dto/api-error.dto.js';

/** The paths the console uses; central's protocol and automation routes (EST, CMP, VA, ingest) have their own standards. */
const CONSOLE_PATHS = /^\/api\/(auth|console)\//;

/**
 * The console API's OpenAPI document, read from the controllers' decorators. central-ui's client
 * types are generated from it (npm run build), so a changed answer breaks the console's type
 * check instead of the console at run time.
 */
export function centralConsoleOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Central console API')
    .setDescription('The brand owner\'s console. Browser sessions sign in at /api/auth/login; automation sends Authorization: Bearer <token>.')
    .setVersion('1')
    .addBearerAuth()
    .addCookieAuth('central_session')
    .build();
  const doc = SwaggerModule.createDocument(app, config, { extraModels: [ApiErrorDto], operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}` });
  doc.paths = Object.fromEntries(Object.entries(doc.paths).filter(([path]) => CONSOLE_PATHS.test(path)));
  return doc;
}
