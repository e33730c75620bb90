import { randomUUID } from 'node:crypto';
import type { Identity } from '@parcours/auth';
import { CommandBus } from '@nestjs/cqrs';
import {
  CommandResult,
  ExecuteParcoursCommand,
  ParcoursRepository,
  Problem,
  ReferenceCatalog,
} from '@parcours/application';
import { addDays, BusinessDate, ParcoursCommand, parisDate, RuleViolation } from '@parcours/domain';
import type { SqlClient } from '@parcours/event-store';
import {
  Channel,
  DeliveryReport,
  NotificationSender,
  ProviderUnavailableError,
  SendOutcome,
} from '@parcours/notifications';
import { composeNotification, NotComposed } from './compose-notification';
import { MAX_SEND_DELAY_DAYS, OUTBOX_COLUMNS, OutboxRow } from './notification-outbox';

/** The identity the worker acts under when it records what happened to a message. */
export const NOTIFICATIONS_IDENTITY: Identity = { sub: 'notification-worker', role: 'system' };

/** Runs a command on a parcours as the worker (the command bus in the product, a stub in a unit test). */
export type RunCommand = (
  parcoursId: string,
  command: ParcoursCommand,
  idempotencyKey: string,
) => Promise<CommandResult>;

/** After this many attempts with the provider away, a message is given up as failed. */
export const MAX_SEND_ATTEMPTS = 8;
/** A row claimed by a sender comes back to the others after this long if its sender died mid-send. */
const CLAIM_SECONDS = 300;

export type Senders = Partial<{ [C in Channel]: NotificationSender<C> }>;

export interface DispatchReport {
  sent: number;
  failed: number;
  retried: number;
}

/**
 * Sends what the outbox holds and records what became of each message in
 * its parcours (MessageDeliveryReported). A row is claimed for a while
 * before sending, so that two workers never send it at once and a worker
 * that dies mid-send leaves it to be sent again later: at least once (a
 * crash between the provider's answer and the outcome's record sends it
 * twice; the e-mail carries its stable notification id in a header).
 */
export class NotificationDispatcher {
  constructor(
    private readonly sql: SqlClient,
    private readonly senders: Senders,
    private readonly parcours: Pick<ParcoursRepository, 'load'>,
    private readonly catalog: Pick<ReferenceCatalog, 'current'>,
    private readonly deliveries: DeliveryRecorder,
    private readonly clock: () => Date,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  /** Claims the next message due, or nothing. */
  private async claim(): Promise<OutboxRow | undefined> {
    const [row] = await this.sql.query<OutboxRow>(
      `update notification_outbox o set attempts = o.attempts + 1,
              next_attempt_at = now() + make_interval(secs => ${CLAIM_SECONDS})
       where (o.message_id, o.channel) = (
         select message_id, channel from notification_outbox
         where status = 'pending' and next_attempt_at <= now()
         order by next_attempt_at, message_id, channel
         limit 1 for update skip locked)
       returning ${OUTBOX_COLUMNS}`,
    );
    return row;
  }

  /**
   * Records the outcome if this run still holds the claim (the row pending,
   * at the attempt it claimed): a send that outlived its claim, taken over by
   * another worker meanwhile, does not overwrite that worker's outcome.
   */
  private async settle(row: OutboxRow, outcome: SendOutcome): Promise<void> {
    await this.sql.query(
      `update notification_outbox set status = $3, provider_message_id = $4, error_code = $5, settled_at = now()
       where message_id = $1 and channel = $2 and status = 'pending' and attempts = $6`,
      [
        row.message_id,
        row.channel,
        outcome.status,
        outcome.providerMessageId ?? null,
        outcome.errorCode ?? null,
        row.attempts,
      ],
    );
  }

  private async sendOne(row: OutboxRow): Promise<'sent' | 'failed' | 'retried'> {
    const sender = this.senders[row.channel] as NotificationSender | undefined;
    let outcome: SendOutcome;
    try {
      const today = parisDate(this.clock());
      if (!sender) throw new NotComposed('channel_not_configured');
      if (row.sent_on < addDays(today, -MAX_SEND_DELAY_DAYS)) throw new NotComposed('too_late');
      const notification = composeNotification(
        row,
        await this.parcours.load(row.parcours_id),
        await this.catalog.current(),
        today,
      );
      outcome = await sender.send(notification);
    } catch (error) {
      if (error instanceof NotComposed) outcome = { status: 'failed', errorCode: error.code };
      else if (row.attempts < MAX_SEND_ATTEMPTS) {
        // The provider (or the database) is away: try again later, waiting longer each time (1 min … 2 h).
        const delay = Math.min(60 * 2 ** (row.attempts - 1), 7200);
        await this.sql.query(
          `update notification_outbox set next_attempt_at = now() + make_interval(secs => $3), error_code = $4
           where message_id = $1 and channel = $2 and status = 'pending' and attempts = $5`,
          [
            row.message_id,
            row.channel,
            delay,
            error instanceof ProviderUnavailableError ? 'provider_unavailable' : 'error',
            row.attempts,
          ],
        );
        this.log(
          `message ${row.message_id} (${row.channel}) not sent, attempt ${row.attempts}, ` +
            `retried in ${delay} s: ${(error as Error).message}`,
        );
        return 'retried';
      } else
        outcome = {
          status: 'failed',
          errorCode: error instanceof ProviderUnavailableError ? 'provider_unavailable' : 'error',
        };
    }
    await this.settle(row, outcome);
    return outcome.status;
  }

  /** Sends up to `limit` messages due; then records their outcome in the parcours. */
  async dispatch(limit = 100): Promise<DispatchReport> {
    const report: DispatchReport = { sent: 0, failed: 0, retried: 0 };
    for (let i = 0; i < limit; i++) {
      const row = await this.claim();
      if (!row) break;
      report[await this.sendOne(row)]++;
    }
    await this.reportOutcomes();
    return report;
  }

  /**
   * Records in each parcours the outcome of its messages settled and not yet
   * recorded (sent, or failed with the reason kept on the row). The key makes
   * a retry after a crash record nothing twice.
   */
  async reportOutcomes(limit = 500): Promise<number> {
    const rows = await this.sql.query<OutboxRow>(
      `select ${OUTBOX_COLUMNS} from notification_outbox where reported_at is null and status in ('sent', 'failed')
       order by settled_at limit $1`,
      [limit],
    );
    for (const row of rows) {
      await this.deliveries.record(
        row.parcours_id,
        row.message_id,
        row.channel,
        row.status as 'sent' | 'failed',
      );
      await this.sql.query(
        'update notification_outbox set reported_at = now() where message_id = $1 and channel = $2',
        [row.message_id, row.channel],
      );
    }
    return rows.length;
  }
}

/**
 * Records in a parcours what became of one of its messages: the outcome of
 * the sending, or a provider's later report (delivered, bounced…) matched to
 * the message by the provider's id.
 */
export class DeliveryRecorder {
  constructor(
    private readonly sql: SqlClient,
    private readonly run: RunCommand,
    private readonly clock: () => Date,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  /**
   * A provider's later report (delivered, bounced…), matched to its message
   * by the provider's id. False when no message has that id (another
   * platform's, or a report older than the outbox).
   */
  async fromProvider(channel: Channel, report: DeliveryReport): Promise<boolean> {
    const [row] = await this.sql.query<OutboxRow>(
      `select ${OUTBOX_COLUMNS} from notification_outbox where channel = $1 and provider_message_id = $2`,
      [channel, report.providerMessageId],
    );
    if (!row) return false;
    await this.record(row.parcours_id, row.message_id, row.channel, report.outcome);
    return true;
  }

  async record(
    parcoursId: string,
    messageId: string,
    channel: Channel,
    outcome: 'sent' | 'delivered' | 'failed' | 'bounced',
  ): Promise<void> {
    const reportedOn: BusinessDate = parisDate(this.clock());
    try {
      await this.run(
        parcoursId,
        { type: 'ReportMessageDelivery', messageId, channel, outcome, reportedOn },
        // One report per outcome: the provider's "accepted" and the sending's "sent" are the same fact.
        `delivery:${messageId}:${channel}:${outcome}`,
      );
    } catch (error) {
      // A parcours closed or erased since takes no report: the outbox row keeps the outcome.
      const code = refusalCode(error);
      if (!code) throw error;
      this.log(
        `delivery of message ${messageId} (${channel}) not recorded in parcours ${parcoursId}: ${code}`,
      );
    }
  }
}

/** The code of a command refused (a rule, a right, a parcours not found), or undefined for any other error. */
export function refusalCode(error: unknown): string | undefined {
  if (error instanceof RuleViolation) return error.code;
  if (error instanceof Problem) return (error.getResponse() as { code?: string }).code;
  return undefined;
}

/** The worker's commands on a parcours: through the one write path, as the notification worker, with a key. */
export const runAsNotificationWorker =
  (commands: Pick<CommandBus, 'execute'>): RunCommand =>
  (parcoursId, command, idempotencyKey) =>
    commands.execute(
      new ExecuteParcoursCommand(parcoursId, command, NOTIFICATIONS_IDENTITY, {
        correlationId: randomUUID(),
        idempotencyKey,
      }),
    );
