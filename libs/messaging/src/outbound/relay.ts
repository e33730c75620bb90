import type { EventStore, GlobalPosition, Leases, RecordedEvent, SqlClient } from '@parcours/event-store';
import { isTransientStoreError, migrate, Migration, retryDelay } from '@parcours/event-store';
import { inEventSpans } from '@parcours/runtime';
import { DEADLINES_TOPIC, envelopeOf, IntegrationEnvelope, PARCOURS_TOPIC } from './integration-events';
import { MessageSink, OutgoingMessage } from './kafka-sink';

export interface RelayOptions {
  batchSize?: number;
  idleMs?: number;
  /** Longest wait between two attempts while the store or the broker is unavailable. */
  maxRetryDelayMs?: number;
  log?: (message: string) => void;
  /** Test hook: called after the broker acknowledged a batch, before the checkpoint moves. */
  afterPublish?: () => Promise<void>;
  /** Shared with the other workers on the store: the relay runs in the one holding its lease. */
  leases?: Leases;
}

export const RELAY = 'kafka-relay';

/** The relay's checkpoint. Append new migrations; never edit one that has shipped. */
export const RELAY_MIGRATIONS: Migration[] = [
  {
    id: 1,
    name: 'relay checkpoint',
    // "if not exists": databases made before these migrations already have the table, perhaps without
    // the later columns, which the statements after it add.
    sql: `create table if not exists relay_checkpoints (name text primary key, position text,
        published bigint not null default 0, updated_at timestamptz);
      alter table relay_checkpoints add column if not exists status text not null default 'running';
      alter table relay_checkpoints add column if not exists error text;
      alter table relay_checkpoints add column if not exists events_processed bigint not null default 0;
      insert into relay_checkpoints (name) values ('${RELAY}') on conflict (name) do nothing;`,
  },
];

/** Same shape as a projection's status (GET /api/projections lists both). */
export interface RelayStatus {
  name: typeof RELAY;
  status: 'running' | 'retrying' | 'failed' | 'stopped';
  position: GlobalPosition | null;
  eventsBehind: number;
  /** Events of the log moved past (published, or not meant for partners). */
  eventsProcessed: number;
  /** `failed`: the event it cannot map, with its id; `retrying`: the last passing error. */
  error: string | null;
  retries: number;
  updatedAt: string | null;
}

/** The relay met an event it cannot turn into an integration event: it stops there until resumed. */
export class RelayStoppedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RelayStoppedError';
  }
}

interface RelayRow {
  position: string | null;
  status: string;
  error: string | null;
  events_processed: number;
  updated_at: string | null;
}

async function relayRow(sql: SqlClient): Promise<RelayRow | undefined> {
  const [row] = await sql.query<RelayRow>(
    `select position, status, error, events_processed, updated_at::text as updated_at from relay_checkpoints where name = $1`,
    [RELAY],
  );
  return row;
}

/** The relay's status as recorded, for a process that does not run it (the API beside a separate worker). */
export async function recordedRelayStatus(
  sql: SqlClient,
  store: EventStore,
): Promise<RelayStatus | undefined> {
  const row = await relayRow(sql);
  if (!row) return undefined;
  return {
    name: RELAY,
    status: row.status === 'failed' ? 'failed' : 'running',
    position: row.position,
    eventsBehind: await store.countAfter(row.position ?? undefined),
    eventsProcessed: Number(row.events_processed),
    error: row.error,
    retries: 0,
    updatedAt: row.updated_at,
  };
}

/** Clears the relay's failure in its checkpoint: its loop, in whichever process, resumes within its idle delay. */
export async function resumeRecordedRelay(sql: SqlClient): Promise<void> {
  await sql.query(
    `update relay_checkpoints set status = 'running', error = null, updated_at = now() where name = $1`,
    [RELAY],
  );
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Publishes the parcours's integration events from the store's global stream,
 * from its own checkpoint. The checkpoint moves only after the broker
 * acknowledged the batch: at least once, never lost; the message id (the
 * event id) lets consumers drop the duplicates a crash may cause.
 *
 * When the broker or the store is down it retries from the same checkpoint,
 * waiting longer each time up to a cap, for as long as it takes (`retrying`).
 * An event it cannot map stops it at that event (`failed`, recorded with the
 * event's id) until `resume`, from this process or another one.
 */
export class IntegrationRelay {
  private running = false;
  private loop?: Promise<void>;
  private readonly batchSize: number;
  private readonly idleMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly log: (message: string) => void;
  private retrying?: { retries: number; error: string };
  private wake?: () => void;

  constructor(
    private readonly store: EventStore,
    private readonly sql: SqlClient,
    private readonly sink: MessageSink,
    private readonly options: RelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.idleMs = options.idleMs ?? 200;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 5000;
    this.log = options.log ?? (() => undefined);
  }

  async migrate(): Promise<void> {
    await migrate(this.sql, RELAY_MIGRATIONS, 'relay_migrations');
    await this.options.leases?.migrate();
  }

  async position(): Promise<string | undefined> {
    return (await relayRow(this.sql))?.position ?? undefined;
  }

  /**
   * Publishes one batch of events; returns how many events it moved past.
   * Throws RelayStoppedError at an event it cannot map (recorded as failed).
   */
  async publishBatch(): Promise<number> {
    const row = await relayRow(this.sql);
    if (row?.status === 'failed') return 0;
    const after = row?.position ?? undefined;
    const page = await this.store.readAll({ after, maxCount: this.batchSize });
    if (page.events.length === 0) return 0;
    const messages: OutgoingMessage[] = [];
    let through = page.events.length;
    for (const [i, e] of page.events.entries()) {
      let envelope: IntegrationEnvelope | undefined;
      try {
        envelope = envelopeOf(e);
      } catch (error) {
        if (i === 0) return this.stopAt(e, error);
        through = i; // publish the events before it; the next batch starts at the event at fault
        break;
      }
      if (!envelope) continue;
      messages.push({
        key: envelope.parcoursId,
        value: JSON.stringify(envelope),
        headers: {
          'message-id': envelope.messageId,
          type: envelope.type,
          version: '1',
          'content-type': 'application/json',
          // W3C trace context: a partner's consumer may continue the command's trace.
          ...(typeof e.metadata.traceparent === 'string' ? { traceparent: e.metadata.traceparent } : {}),
        },
      });
    }
    const position = through === page.events.length ? page.position : page.events[through - 1].position;
    if (messages.length)
      await inEventSpans('relay publish', page.events.slice(0, through), () =>
        this.sink.send(PARCOURS_TOPIC, messages),
      );
    await this.options.afterPublish?.();
    await this.sql.query(
      `update relay_checkpoints set position = $2, published = published + $3, ` +
        `events_processed = events_processed + $4, updated_at = now() where name = $1`,
      [RELAY, position, messages.length, through],
    );
    return through;
  }

  private async stopAt(e: RecordedEvent, error: unknown): Promise<never> {
    const message = `${messageOf(error)} (event ${e.id}, type ${e.type}, stream ${e.streamId}, position ${e.position})`;
    await this.sql.query(
      `update relay_checkpoints set status = 'failed', error = $2, updated_at = now() where name = $1`,
      [RELAY, message],
    );
    this.log(`kafka relay stopped: ${message}`);
    throw new RelayStoppedError(message);
  }

  /** Publishes the DeadlineOverdue notifications recorded by the worker and not yet sent. */
  async publishDeadlines(): Promise<number> {
    let rows: {
      echeance_id: string;
      parcours_id: string;
      kind: string;
      due_on: string;
      territory: string;
      referent_id: string | null;
      notified_on: string;
    }[];
    try {
      rows = await this.sql.query(
        `select echeance_id, parcours_id, kind, due_on::text, territory, referent_id, notified_on::text from deadline_notifications
         where published_at is null order by notified_on, echeance_id limit $1`,
        [this.batchSize],
      );
    } catch (error) {
      // The notifier has not created its table yet; any other failure is real.
      if ((error as { code?: string }).code === '42P01') return 0;
      throw error;
    }
    if (rows.length === 0) return 0;
    await this.sink.send(
      DEADLINES_TOPIC,
      rows.map((r) => {
        const messageId = `deadline:${r.echeance_id}`;
        return {
          key: r.parcours_id,
          value: JSON.stringify({
            messageId,
            type: 'deadline.overdue',
            version: 1,
            parcoursId: r.parcours_id,
            echeanceId: r.echeance_id,
            kind: r.kind,
            dueOn: r.due_on,
            territory: r.territory,
            referentId: r.referent_id,
            notifiedOn: r.notified_on,
          }),
          headers: {
            'message-id': messageId,
            type: 'deadline.overdue',
            version: '1',
            'content-type': 'application/json',
          },
        };
      }),
    );
    await this.sql.query(
      `update deadline_notifications set published_at = now() where echeance_id = any($1::text[])`,
      [rows.map((r) => r.echeance_id)],
    );
    return rows.length;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let moved = 0;
      try {
        // Another worker relays: wait, and take over when its lease expires.
        if (this.options.leases && !(await this.options.leases.hold(RELAY))) {
          await this.sleep(this.idleMs * 5);
          continue;
        }
        moved = (await this.publishBatch()) + (await this.publishDeadlines());
        if (this.retrying)
          this.log(`kafka relay: publishing again after ${this.retrying.retries} failed attempts`);
        this.retrying = undefined;
      } catch (error) {
        if (!(error instanceof RelayStoppedError)) {
          // The broker or the store is unavailable (or anything unforeseen): never fatal, retried from the same checkpoint.
          const retries = (this.retrying?.retries ?? 0) + 1;
          this.retrying = { retries, error: messageOf(error) };
          if (retries === 1) {
            const what = isTransientStoreError(error) ? 'store unavailable' : 'cannot publish';
            this.log(`kafka relay: ${what}, will retry from the same checkpoint (${messageOf(error)})`);
          }
          await this.sleep(retryDelay(retries, this.idleMs, this.maxRetryDelayMs));
          continue;
        }
        this.retrying = undefined; // failed, recorded: publishBatch answers 0 until resumed
      }
      if (moved === 0) await this.sleep(this.idleMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  /** Clears a failure (after a fix): publication resumes from the checkpoint, at the event it stopped on. */
  async resume(): Promise<void> {
    await resumeRecordedRelay(this.sql);
    this.wake?.();
  }

  async status(): Promise<RelayStatus> {
    const recorded = await recordedRelayStatus(this.sql, this.store);
    const failed = recorded?.status === 'failed';
    const retrying = this.running ? this.retrying : undefined;
    return {
      name: RELAY,
      status: failed ? 'failed' : !this.running ? 'stopped' : retrying ? 'retrying' : 'running',
      position: recorded?.position ?? null,
      eventsBehind: recorded?.eventsBehind ?? (await this.store.countAfter(undefined)),
      eventsProcessed: recorded?.eventsProcessed ?? 0,
      error: failed ? (recorded?.error ?? null) : (retrying?.error ?? null),
      retries: failed ? 0 : (retrying?.retries ?? 0),
      updatedAt: recorded?.updatedAt ?? null,
    };
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.retrying = undefined;
    await this.options.leases?.release(RELAY);
    await this.sink.close();
  }
}
