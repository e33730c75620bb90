import { addDays, BusinessDate, parisDate } from '@parcours/domain';
import { EventStore, migrate, Migration, RecordedEvent, SqlClient } from '@parcours/event-store';

/**
 * The outbox of the messages to beneficiaries: one row per message and
 * channel, written from the log (InvitationSent, ConvocationSent,
 * ReminderSent) together with the position read, so that a message recorded
 * is sent once it is committed, and a crash loses nothing. The rows hold
 * identifiers only: the text is rendered when it is sent, from the parcours
 * (its sealed coordinates), so that nothing personal waits in this table and
 * an erasure before sending leaves nothing to send.
 *
 * Unlike a projection it is never rebuilt: the status of a message sent
 * must not be forgotten (a rebuild would send everything again).
 */
export const NOTIFICATION_OUTBOX_MIGRATIONS: Migration[] = [
  {
    id: 1,
    name: 'notification outbox',
    sql: `
      create table notification_outbox (
        message_id text not null,
        channel text not null,
        parcours_id text not null,
        template_code text not null,
        template_version int not null,
        about_id text,
        sent_on date not null,
        status text not null default 'pending' check (status in ('pending', 'sent', 'failed', 'skipped')),
        attempts int not null default 0,
        next_attempt_at timestamptz not null default now(),
        provider_message_id text,
        error_code text,
        settled_at timestamptz,
        reported_at timestamptz,
        primary key (message_id, channel)
      );
      create index notification_outbox_due on notification_outbox (next_attempt_at) where status = 'pending';
      create index notification_outbox_unreported on notification_outbox (settled_at)
        where reported_at is null and status in ('sent', 'failed');
      create unique index notification_outbox_provider on notification_outbox (channel, provider_message_id)
        where provider_message_id is not null;
      create index notification_outbox_parcours on notification_outbox (parcours_id, sent_on);
      create table notification_outbox_checkpoint (id int primary key check (id = 1), position text);
      insert into notification_outbox_checkpoint values (1, null);
    `,
  },
];

/**
 * A message recorded more than this many days after the day it says it was
 * sent was sent by other means (the référent records a letter posted by
 * hand): it is kept, marked skipped, and not sent again.
 */
export const RECORDED_AFTER_THE_FACT_DAYS = 1;

/**
 * A message not sent within this many days of its day is not sent any more (project rule): an
 * invitation or a reminder arriving a week late would mislead the person. Read that late by the
 * outbox (the history before sending was switched on), it is skipped; left that late by a provider
 * away, it is recorded as failed.
 */
export const MAX_SEND_DELAY_DAYS = 2;

export interface OutboxRow {
  message_id: string;
  channel: 'email' | 'sms' | 'letter';
  parcours_id: string;
  template_code: 'invitation' | 'convocation' | 'invitation-reminder' | 'convocation-reminder';
  template_version: number;
  about_id: string | null;
  sent_on: string;
  status: 'pending' | 'sent' | 'failed' | 'skipped';
  attempts: number;
  provider_message_id: string | null;
  error_code: string | null;
}

/** The columns of an OutboxRow, its day as text (the driver would make a Date of it). */
export const OUTBOX_COLUMNS =
  'message_id, channel, parcours_id, template_code, template_version, about_id, sent_on::text as sent_on, ' +
  'status, attempts, provider_message_id, error_code';

type NewRow = Pick<
  OutboxRow,
  'message_id' | 'channel' | 'parcours_id' | 'template_code' | 'template_version' | 'about_id' | 'sent_on'
> & { skipped?: 'recorded_after_the_fact' | 'too_old' };

/**
 * The rows a recorded event asks for, read on `today`: one per channel of a
 * message, none for any other event.
 */
export function outboxRowsOf(e: RecordedEvent, today: BusinessDate): NewRow[] {
  if (!e.streamId.startsWith('parcours-')) return [];
  const d = e.data as {
    invitationId?: string;
    convocationId?: string;
    reminderId?: string;
    about?: 'invitation' | 'convocation';
    aboutId?: string;
    sentOn: string;
    channels: OutboxRow['channel'][];
    templateVersion: number;
  };
  let message: Pick<NewRow, 'message_id' | 'template_code' | 'about_id'>;
  switch (e.type) {
    case 'InvitationSent':
      message = { message_id: d.invitationId!, template_code: 'invitation', about_id: null };
      break;
    case 'ConvocationSent':
      message = { message_id: d.convocationId!, template_code: 'convocation', about_id: null };
      break;
    case 'ReminderSent':
      message = { message_id: d.reminderId!, template_code: `${d.about!}-reminder`, about_id: d.aboutId! };
      break;
    default:
      return [];
  }
  const recordedOn = parisDate(new Date(e.metadata.recordedAt));
  const skipped =
    d.sentOn < addDays(recordedOn, -RECORDED_AFTER_THE_FACT_DAYS)
      ? 'recorded_after_the_fact'
      : d.sentOn < addDays(today, -MAX_SEND_DELAY_DAYS)
        ? 'too_old'
        : undefined;
  return d.channels.map((channel) => ({
    ...message,
    channel,
    parcours_id: e.streamId.slice('parcours-'.length),
    template_version: d.templateVersion,
    sent_on: d.sentOn,
    ...(skipped ? { skipped } : {}),
  }));
}

/** Moves the messages recorded in the log into the outbox, a page at a time, with the position read. */
export class NotificationOutbox {
  constructor(
    private readonly store: EventStore,
    private readonly sql: SqlClient,
    private readonly clock: () => Date,
    private readonly pageSize = 500,
  ) {}

  async migrate(): Promise<void> {
    await migrate(this.sql, NOTIFICATION_OUTBOX_MIGRATIONS, 'notification_outbox_migrations');
  }

  /**
   * Reads one page of the log after the checkpoint; returns how many events
   * it moved past. With `record: false` (no channel configured) it only moves
   * past them: messages recorded while sending is off are never sent later.
   */
  async feed({ record = true } = {}): Promise<number> {
    const [checkpoint] = await this.sql.query<{ position: string | null }>(
      'select position from notification_outbox_checkpoint where id = 1',
    );
    const after = checkpoint?.position ?? undefined;
    const page = await this.store.readAll({ after, maxCount: this.pageSize });
    if (page.events.length === 0 || page.position === undefined) return 0;
    const today = parisDate(this.clock());
    const rows = record ? page.events.flatMap((e) => outboxRowsOf(e, today)) : [];
    const moved = await this.sql.transaction(async (tx) => {
      // Another worker may have moved the checkpoint since: then this page is its work, not ours.
      const [locked] = await tx.query<{ position: string | null }>(
        'select position from notification_outbox_checkpoint where id = 1 for update',
      );
      if ((locked?.position ?? undefined) !== after) return false;
      if (rows.length)
        await tx.query(
          `insert into notification_outbox
             (message_id, channel, parcours_id, template_code, template_version, about_id, sent_on, status, error_code, settled_at)
           select m, c, p, t, v, a, s::date,
                  case when k is null then 'pending' else 'skipped' end, k,
                  case when k is null then null else now() end
           from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[])
             as r(m, c, p, t, v, a, s, k)
           on conflict (message_id, channel) do nothing`,
          [
            rows.map((r) => r.message_id),
            rows.map((r) => r.channel),
            rows.map((r) => r.parcours_id),
            rows.map((r) => r.template_code),
            rows.map((r) => r.template_version),
            rows.map((r) => r.about_id),
            rows.map((r) => r.sent_on),
            rows.map((r) => r.skipped ?? null),
          ],
        );
      await tx.query('update notification_outbox_checkpoint set position = $1 where id = 1', [page.position]);
      return true;
    });
    return moved ? page.events.length : 0;
  }

  /** Feeds until the log is read through as far as it can be read now. */
  async feedAll(options: { record?: boolean } = {}): Promise<number> {
    let total = 0;
    for (let n = await this.feed(options); n > 0; n = await this.feed(options)) total += n;
    return total;
  }

  /**
   * Feeds until every event committed before the call is in: the log holds
   * back the newest events while an older transaction may still commit, so
   * one read may stop short. Before the daily reminders, and in tests.
   */
  async catchUp(timeoutMs = 10_000): Promise<void> {
    const started = Date.now();
    for (;;) {
      await this.feedAll();
      const [c] = await this.sql.query<{ position: string | null }>(
        'select position from notification_outbox_checkpoint where id = 1',
      );
      if ((await this.store.countAfter(c?.position ?? undefined)) === 0) return;
      if (Date.now() - started > timeoutMs)
        throw new Error('the notification outbox did not catch up with the log');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
