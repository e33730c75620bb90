import type { EventStore, SqlClient } from '@parcours/event-store';
import { DEADLINES_TOPIC, envelopeOf, PARCOURS_TOPIC } from './integration-events';
import { MessageSink, OutgoingMessage } from './kafka-sink';

export interface RelayOptions {
  batchSize?: number;
  idleMs?: number;
  log?: (message: string) => void;
  /** Test hook: called after the broker acknowledged a batch, before the checkpoint moves. */
  afterPublish?: () => Promise<void>;
}

const RELAY = 'kafka-relay';

/**
 * Publishes the parcours's integration events from the store's global stream,
 * from its own checkpoint. The checkpoint moves only after the broker
 * acknowledged the batch: at least once, never lost; the message id (the
 * event id) lets consumers drop the duplicates a crash may cause. When the
 * broker is down it waits and retries from the same checkpoint.
 */
export class IntegrationRelay {
  private running = false;
  private loop?: Promise<void>;
  private readonly batchSize: number;
  private readonly idleMs: number;
  private readonly log: (message: string) => void;

  constructor(
    private readonly store: EventStore,
    private readonly sql: SqlClient,
    private readonly sink: MessageSink,
    private readonly options: RelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.idleMs = options.idleMs ?? 200;
    this.log = options.log ?? (() => undefined);
  }

  async migrate(): Promise<void> {
    await this.sql.exec(
      `create table if not exists relay_checkpoints (name text primary key, position text, published bigint not null default 0, updated_at timestamptz);
       insert into relay_checkpoints (name) values ('${RELAY}') on conflict (name) do nothing;`,
    );
  }

  async position(): Promise<string | undefined> {
    const [row] = await this.sql.query<{ position: string | null }>(`select position from relay_checkpoints where name = $1`, [RELAY]);
    return row?.position ?? undefined;
  }

  /** Publishes one batch of events; returns how many events it moved past. */
  async publishBatch(): Promise<number> {
    const after = await this.position();
    const page = await this.store.readAll({ after, maxCount: this.batchSize });
    if (page.events.length === 0) return 0;
    const messages: OutgoingMessage[] = [];
    for (const e of page.events) {
      const envelope = envelopeOf(e);
      if (!envelope) continue;
      messages.push({
        key: envelope.parcoursId,
        value: JSON.stringify(envelope),
        headers: { 'message-id': envelope.messageId, type: envelope.type, version: '1', 'content-type': 'application/json' },
      });
    }
    await this.sink.send(PARCOURS_TOPIC, messages);
    await this.options.afterPublish?.();
    await this.sql.query(`update relay_checkpoints set position = $2, published = published + $3, updated_at = now() where name = $1`, [RELAY, page.position, messages.length]);
    return page.events.length;
  }

  /** Publishes the DeadlineOverdue notifications recorded by the worker and not yet sent. */
  async publishDeadlines(): Promise<number> {
    let rows: { echeance_id: string; parcours_id: string; kind: string; due_on: string; territory: string; referent_id: string | null; notified_on: string }[];
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
          value: JSON.stringify({ messageId, type: 'deadline.overdue', version: 1, parcoursId: r.parcours_id, echeanceId: r.echeance_id, kind: r.kind, dueOn: r.due_on, territory: r.territory, referentId: r.referent_id, notifiedOn: r.notified_on }),
          headers: { 'message-id': messageId, type: 'deadline.overdue', version: '1', 'content-type': 'application/json' },
        };
      }),
    );
    await this.sql.query(`update deadline_notifications set published_at = now() where echeance_id = any($1::text[])`, [rows.map((r) => r.echeance_id)]);
    return rows.length;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    let failing = false;
    let backoff = this.idleMs;
    while (this.running) {
      try {
        const moved = (await this.publishBatch()) + (await this.publishDeadlines());
        if (failing) this.log('kafka relay: publishing again');
        failing = false;
        backoff = this.idleMs;
        if (moved === 0) await new Promise((r) => setTimeout(r, this.idleMs));
      } catch (error) {
        if (!failing) this.log(`kafka relay: cannot publish, will retry from the same checkpoint (${(error as Error).message})`);
        failing = true;
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.sink.close();
  }
}
