import { INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AppConfig } from '@parcours/config';
import type { Stores } from '@parcours/event-store';
import { AppModule } from './app.module';

/** Builds the HTTP application; shared by main.ts and the end-to-end tests. */
export async function createApp(
  config: AppConfig,
  options: { stores?: Stores; clock?: () => Date; logger?: false } = {},
): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config, options), {
    logger: options.logger === false ? false : new Logger(),
    abortOnError: false,
  });
  app.enableShutdownHooks();
  return app;
}
