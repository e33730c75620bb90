import { Inject, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { parisDate } from '@parcours/domain';
import type { EventStore, SqlClient } from '@parcours/event-store';
import { parcoursProjection, ProjectionRunner } from '@parcours/projections';
import type { AppConfig } from '@parcours/config';
import { CLOCK, CONFIG, EVENT_STORE, SQL } from '@parcours/runtime';
import { DeadlineNotifier } from './deadline-notifier';

const logger = new Logger('worker');

/** How often overdue échéances are looked for. */
const DEADLINE_SCAN_MS = 60_000;

/**
 * The background side: projections fed from the global stream, and the
 * DeadlineOverdue scheduler. Runs in the API process by default, or alone
 * (apps/worker/src/main.ts) in a deployment.
 */
export class WorkerLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly runner: ProjectionRunner,
    private readonly notifier: DeadlineNotifier,
    @Inject(CLOCK) private readonly clock: () => Date,
  ) {}

  async onApplicationBootstrap() {
    await this.runner.migrate();
    await this.notifier.migrate();
    this.runner.start();
    this.timer = setInterval(() => {
      this.notifier.notifyOverdue(parisDate(this.clock())).catch((error) => logger.error(`deadline scan failed: ${error.message}`));
    }, DEADLINE_SCAN_MS);
    this.timer.unref();
    logger.log(`projections running: ${this.runner.projections.map((p) => p.name).join(', ')}`);
  }

  async onApplicationShutdown() {
    if (this.timer) clearInterval(this.timer);
    await this.runner.stop();
  }
}

@Module({
  providers: [
    {
      provide: ProjectionRunner,
      useFactory: (store: EventStore, sql: SqlClient, config: AppConfig) =>
        new ProjectionRunner(store, sql, [parcoursProjection], { batchSize: config.projectionBatchSize, log: (m) => logger.error(m) }),
      inject: [EVENT_STORE, SQL, CONFIG],
    },
    { provide: DeadlineNotifier, useFactory: (sql: SqlClient) => new DeadlineNotifier(sql), inject: [SQL] },
    WorkerLifecycle,
  ],
  exports: [ProjectionRunner, DeadlineNotifier],
})
export class WorkerModule {}
