import { ValidationPipe, type INestApplication, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DomainExceptionFilter } from './domain-exception.filter.js';

export function logLevels(): LogLevel[] {
  return process.env.LOG_LEVEL === 'debug' ? ['error', 'warn', 'log', 'debug'] : ['error', 'warn', 'log'];
}

/** Nest app with the boundary rules every HTTP API here follows (conventions.md §6, §7). */
export async function createHttpApp(module: unknown): Promise<INestApplication> {
  const app = await NestFactory.create(module as never, { logger: logLevels(), bodyParser: true });
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.useGlobalFilters(new DomainExceptionFilter());
  app.enableShutdownHooks();
  return app;
}
