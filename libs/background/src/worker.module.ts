import {
  Inject,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ExecuteParcoursCommand,
  ParcoursRepository,
  ParcoursWriteModule,
  PersonErasure,
  ReferenceCatalog,
  RetentionJob,
} from '@parcours/application';
import type { AppConfig } from '@parcours/config';
import { parisDate } from '@parcours/domain';
import { HttpSmsSender, LetterBatch, SmtpEmailSender } from '@parcours/notifications';
import { retryDelay } from '@parcours/event-store';
import { Leases } from '@parcours/event-store';
import type { EventStore, SqlClient } from '@parcours/event-store';
import {
  CommandGateway,
  createKafka,
  InboundConsumer,
  IntegrationRelay,
  KafkaSink,
} from '@parcours/messaging';
import { createProjectionRunner, ProjectionRunner, SqlPersonDirectory } from '@parcours/projections';
import { CLOCK, CONFIG, EVENT_STORE, SQL } from '@parcours/runtime';
import { DeadlineNotifier } from './deadline-notifier';
import {
  DeliveryRecorder,
  NotificationDispatcher,
  runAsNotificationWorker,
  Senders,
} from './notifications/notification-dispatcher';
import { NotificationOutbox } from './notifications/notification-outbox';
import { ReminderJob } from './notifications/reminder-job';
import { writeLetterBatches } from './notifications/letter-batches';

const logger = new Logger('worker');

/** How often overdue échéances are looked for. */
const DEADLINE_SCAN_MS = 60_000;

/** How often the retention job looks for persons to erase (it is idempotent: an hour late costs nothing). */
const RETENTION_SCAN_MS = 3_600_000;

/** How often the outbox takes in new messages and sends what is due. */
const NOTIFICATIONS_MS = 10_000;

/** How often reminders are looked for, and the letters of the day before written (both do nothing when done). */
const DAILY_JOBS_MS = 3_600_000;

/** The messages to beneficiaries: their outbox, the senders, the reminders and the letters' daily batch. */
export class Notifications {
  constructor(
    readonly outbox: NotificationOutbox,
    readonly dispatcher: NotificationDispatcher,
    readonly reminders: ReminderJob,
    /** False when no channel is configured: nothing is sent nor reminded, the messages are sent by other means. */
    readonly enabled: boolean,
    readonly letters?: LetterBatch,
  ) {}
}

/** The Kafka side, present only when KAFKA_BROKERS is set; without it integration events wait in the store. */
export class KafkaFlows {
  constructor(
    readonly relay: IntegrationRelay,
    readonly inbound: InboundConsumer,
  ) {}
}

/**
 * The background side: projections fed from the global stream, the
 * DeadlineOverdue scheduler and, with Kafka, the relay and the partner flows.
 * Runs in the API process by default (apps/api), or alone (apps/worker).
 */
export class WorkerLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private retentionTimer?: NodeJS.Timeout;
  private notificationsTimer?: NodeJS.Timeout;
  private dailyTimer?: NodeJS.Timeout;
  private notifying = false;
  private shuttingDown = false;
  private consuming?: Promise<void>;
  private wakeConsumer?: () => void;

  constructor(
    private readonly runner: ProjectionRunner,
    private readonly notifier: DeadlineNotifier,
    private readonly retention: RetentionJob,
    private readonly notifications: Notifications,
    private readonly repository: ParcoursRepository,
    @Inject(SQL) private readonly sql: SqlClient,
    @Inject(CLOCK) private readonly clock: () => Date,
    @Optional() private readonly kafka?: KafkaFlows,
  ) {}

  async onApplicationBootstrap() {
    await this.runner.migrate();
    await this.notifier.migrate();
    await this.notifications.outbox.migrate();
    this.notificationsTimer = setInterval(() => void this.sendMessages(), NOTIFICATIONS_MS);
    this.notificationsTimer.unref();
    this.dailyTimer = setInterval(() => void this.dailyJobs(), DAILY_JOBS_MS);
    this.dailyTimer.unref();
    // The runner and the relay retry by themselves while the database or the broker is away.
    this.runner.start();
    this.timer = setInterval(() => {
      this.notifier
        .notifyOverdue(parisDate(this.clock()))
        .catch((error) => logger.error(`deadline scan failed: ${error.message}`));
    }, DEADLINE_SCAN_MS);
    this.timer.unref();
    this.retentionTimer = setInterval(() => {
      this.retention
        .run(parisDate(this.clock()))
        // Identifiers only: a report never carries a name.
        .then(
          (r) =>
            r.erased.length + r.failed.length &&
            logger.log(
              `retention: ${r.erased.length} erased (${r.erased.map((x) => x.parcoursId).join(', ')}), ${r.failed.length} to retry`,
            ),
        )
        .catch((error) => logger.error(`retention run failed: ${error.message}`));
    }, RETENTION_SCAN_MS);
    this.retentionTimer.unref();
    if (this.kafka) {
      await this.kafka.relay.migrate();
      this.kafka.relay.start();
      // The consumer connects in the background: a broker that is down must not stop the API from starting.
      this.consuming = this.startConsumer(this.kafka);
    }
    logger.log(
      `projections running: ${this.runner.projections.map((p) => p.name).join(', ')}` +
        `; Kafka ${this.kafka ? 'relay and partner flows on' : 'not configured'}`,
    );
  }

  /** Takes the new messages into the outbox and sends what is due; one run at a time. */
  async sendMessages(): Promise<void> {
    if (this.notifying || this.shuttingDown) return;
    this.notifying = true;
    try {
      // Sending off: the outbox only moves past the log, so that nothing recorded meanwhile is sent later.
      await this.notifications.outbox.feedAll({ record: this.notifications.enabled });
      if (!this.notifications.enabled) return;
      const r = await this.notifications.dispatcher.dispatch();
      if (r.sent + r.failed + r.retried)
        logger.log(`messages: ${r.sent} sent, ${r.failed} failed, ${r.retried} to retry`);
    } catch (error) {
      logger.error(`message sending failed: ${(error as Error).message}`);
    } finally {
      this.notifying = false;
    }
  }

  /** The reminders due today, and the letters of the days before in their batch for the printing service. */
  async dailyJobs(): Promise<void> {
    if (!this.notifications.enabled) return;
    const today = parisDate(this.clock());
    try {
      // Reminders judged on a partly read log are still right: what is missing is read at the next run.
      await this.notifications.outbox.catchUp().catch((error: Error) => logger.warn(error.message));
      const r = await this.notifications.reminders.runOn(today);
      if (r.reminded.length + r.refused.length + r.failed.length)
        logger.log(
          `reminders: ${r.reminded.length} sent, ${r.refused.length} refused, ${r.failed.length} to retry` +
            (r.failed.length ? ` (parcours ${r.failed.map((f) => f.parcoursId).join(', ')})` : ''),
        );
    } catch (error) {
      logger.error(`reminders failed: ${(error as Error).message}`);
    }
    if (!this.notifications.letters) return;
    try {
      for (const batch of await writeLetterBatches(
        this.notifications.letters,
        this.sql,
        this.repository,
        today,
      ))
        logger.log(`letters of ${batch.day}: ${batch.letters} in ${batch.pdfPath}`);
    } catch (error) {
      logger.error(`letter batch failed: ${(error as Error).message}`);
    }
  }

  /** Starts the partner flows' consumer, trying again (1 s, 2 s... up to 30 s apart) until the broker answers or shutdown. */
  private async startConsumer(kafka: KafkaFlows): Promise<void> {
    for (let attempt = 1; !this.shuttingDown; attempt++) {
      try {
        await kafka.inbound.start();
        if (attempt > 1) logger.log(`partner flows consumed after ${attempt} attempts`);
        return;
      } catch (error) {
        if (attempt === 1)
          logger.error(`partner flows not consumed yet, retrying: ${(error as Error).message}`);
        await kafka.inbound.stop().catch(() => undefined);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, retryDelay(attempt, 1000, 30_000));
          this.wakeConsumer = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  }

  async onApplicationShutdown() {
    this.shuttingDown = true;
    if (this.timer) clearInterval(this.timer);
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    if (this.notificationsTimer) clearInterval(this.notificationsTimer);
    if (this.dailyTimer) clearInterval(this.dailyTimer);
    this.wakeConsumer?.();
    await this.consuming;
    await this.kafka?.inbound.stop();
    await this.kafka?.relay.stop();
    await this.runner.stop();
  }
}

@Module({
  imports: [ParcoursWriteModule],
  providers: [
    // Several workers on one store share the projections and the relay out, one holder each.
    { provide: Leases, useFactory: (sql: SqlClient) => new Leases(sql), inject: [SQL] },
    {
      provide: ProjectionRunner,
      useFactory: (store: EventStore, sql: SqlClient, config: AppConfig, leases: Leases) =>
        createProjectionRunner(store, sql, {
          batchSize: config.projectionBatchSize,
          log: (m) => logger.error(m),
          leases,
        }),
      inject: [EVENT_STORE, SQL, CONFIG, Leases],
    },
    { provide: DeadlineNotifier, useFactory: (sql: SqlClient) => new DeadlineNotifier(sql), inject: [SQL] },
    {
      provide: KafkaFlows,
      useFactory: (
        config: AppConfig,
        store: EventStore,
        sql: SqlClient,
        commands: CommandBus,
        leases: Leases,
      ) => {
        if (config.kafkaBrokers.length === 0) return undefined;
        const kafka = createKafka(config.kafkaBrokers, config.kafkaClientId);
        const gateway: CommandGateway = {
          execute: (id, command, identity, headers) =>
            commands.execute(new ExecuteParcoursCommand(id, command, identity, headers)),
        };
        return new KafkaFlows(
          new IntegrationRelay(store, sql, new KafkaSink(kafka), { log: (m) => logger.warn(m), leases }),
          new InboundConsumer(kafka, gateway, new KafkaSink(kafka), {
            deadLetterKey: config.deadLetterKey,
            people: new SqlPersonDirectory(sql),
            log: (m) => logger.warn(m),
          }),
        );
      },
      inject: [CONFIG, EVENT_STORE, SQL, CommandBus, Leases],
    },
    {
      provide: Notifications,
      useFactory: (
        config: AppConfig,
        store: EventStore,
        sql: SqlClient,
        commands: CommandBus,
        repository: ParcoursRepository,
        catalog: ReferenceCatalog,
        clock: () => Date,
      ) => {
        const n = config.notifications;
        const letters = n.letter ? new LetterBatch({ ...n.letter, now: clock }) : undefined;
        const senders: Senders = {
          ...(n.email ? { email: new SmtpEmailSender(n.email) } : {}),
          ...(n.sms ? { sms: new HttpSmsSender(n.sms) } : {}),
          ...(letters ? { letter: letters } : {}),
        };
        const run = runAsNotificationWorker(commands);
        const deliveries = new DeliveryRecorder(sql, run, clock, (m) => logger.warn(m));
        return new Notifications(
          new NotificationOutbox(store, sql, clock),
          new NotificationDispatcher(sql, senders, repository, catalog, deliveries, clock, (m) =>
            logger.warn(m),
          ),
          new ReminderJob(sql, repository, catalog, run),
          Object.keys(senders).length > 0,
          letters,
        );
      },
      inject: [CONFIG, EVENT_STORE, SQL, CommandBus, ParcoursRepository, ReferenceCatalog, CLOCK],
    },
    PersonErasure,
    RetentionJob,
    WorkerLifecycle,
  ],
  exports: [ProjectionRunner, DeadlineNotifier, KafkaFlows, Notifications],
})
export class WorkerModule {}
