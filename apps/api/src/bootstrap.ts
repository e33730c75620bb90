import { INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { AppConfig } from '@parcours/config';
import { json } from 'express';
import { AppModule, AppOptions } from './app.module';

/** Builds the HTTP application; shared by main.ts and the end-to-end tests. */
export async function createApp(config: AppConfig, options: AppOptions & { logger?: false } = {}): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config, options), {
    logger: options.logger === false ? false : new Logger(),
    abortOnError: false,
    bodyParser: false,
  });
  // A command is small: a larger body is refused before it is parsed.
  app.use(json({ limit: '100kb' }));
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Parcours API')
      .setDescription("Parcours des bénéficiaires du RSA soumis aux droits et devoirs : commandes, consultations et données de référence.")
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/json' });
  return app;
}
