import 'reflect-metadata';
import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfigOrExit } from '@parcours/config';
import { CqrsModule } from '@nestjs/cqrs';
import { WorkerModule } from '@parcours/background';
import { AppLogger, CoreModule, createRootLogger, startConfiguredTracing } from '@parcours/runtime';

/** The worker alone (projections, schedulers), for deployments that run it apart from the API. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  startConfiguredTracing(config);
  @Module({ imports: [CoreModule.forRoot(config), CqrsModule.forRoot(), WorkerModule] })
  class StandaloneWorker {}
  const app = await NestFactory.createApplicationContext(StandaloneWorker, {
    logger: new AppLogger(createRootLogger()),
    abortOnError: false,
  });
  app.enableShutdownHooks();
  new Logger('worker').log(`worker started (${config.store} store)`);
}

main().catch((error) => {
  // One line, no stack (the module wiring's exception is not logged by the JSON logger).
  console.error(
    'worker failed to start:',
    error instanceof Error ? error.message.split('\n')[0] || error.constructor.name : error,
  );
  process.exit(1);
});
