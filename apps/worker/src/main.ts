import 'reflect-metadata';
import { Global, INestApplicationContext, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { WriteMetrics } from '@parcours/application';
import {
  KafkaFlows,
  liveComponents,
  metricsAccessOf,
  ParcoursMetrics,
  serveMetrics,
  WorkerModule,
} from '@parcours/background';
import { AppConfig, loadConfigOrExit } from '@parcours/config';
import { ProjectionRunner } from '@parcours/projections';
import { AppLogger, CoreModule, createRootLogger, startConfiguredTracing } from '@parcours/runtime';

/** The metrics of this process: the commands the worker runs (reminders, retention…) are counted as the API's are. */
@Global()
@Module({
  providers: [
    { provide: ParcoursMetrics, useFactory: () => new ParcoursMetrics() },
    { provide: WriteMetrics, useExisting: ParcoursMetrics },
  ],
  exports: [ParcoursMetrics, WriteMetrics],
})
class WorkerMetricsModule {}

/** GET /metrics on PARCOURS_WORKER_METRICS_PORT: the live projections, relay and partner-flow consumer of this process. */
async function serveWorkerMetrics(
  app: INestApplicationContext,
  config: AppConfig,
  port: number,
): Promise<void> {
  const metrics = app.get(ParcoursMetrics);
  const kafka = config.kafkaBrokers.length ? app.get(KafkaFlows, { strict: false }) : undefined;
  const runner = app.get(ProjectionRunner, { strict: false });
  metrics.watchComponents(() => liveComponents(runner, kafka), { kafka: kafka !== undefined });
  const server = await serveMetrics(metrics, metricsAccessOf(config), port, config.host);
  process.once('beforeExit', () => server.close());
  const address = server.address();
  new Logger('worker').log(
    `metrics on http://${config.host}:${typeof address === 'object' && address ? address.port : port}/metrics`,
  );
}

/** The worker alone (projections, schedulers), for deployments that run it apart from the API. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  startConfiguredTracing(config);
  @Module({
    imports: [CoreModule.forRoot(config), CqrsModule.forRoot(), WorkerMetricsModule, WorkerModule],
  })
  class StandaloneWorker {}
  const app = await NestFactory.createApplicationContext(StandaloneWorker, {
    logger: new AppLogger(createRootLogger()),
    abortOnError: false,
  });
  app.enableShutdownHooks();
  if (config.workerMetricsPort !== undefined) await serveWorkerMetrics(app, config, config.workerMetricsPort);
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
