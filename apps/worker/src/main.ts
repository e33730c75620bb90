import 'reflect-metadata';
import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfigOrExit } from '@parcours/config';
import { CqrsModule } from '@nestjs/cqrs';
import { CoreModule } from '@parcours/runtime';
import { WorkerModule } from './worker.module';

/** The worker alone (projections, schedulers), for deployments that run it apart from the API. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  @Module({ imports: [CoreModule.forRoot(config), CqrsModule.forRoot(), WorkerModule] })
  class StandaloneWorker {}
  const app = await NestFactory.createApplicationContext(StandaloneWorker, { logger: new Logger() });
  app.enableShutdownHooks();
  new Logger('worker').log(`worker started (${config.store} store)`);
}

main().catch((error) => {
  console.error('worker failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
