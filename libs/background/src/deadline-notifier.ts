import type { BusinessDate } from '@parcours/domain';
import { migrate, Migration, SqlClient } from '@parcours/event-store';

/** The migrations of the DeadlineOverdue outbox, tracked apart from the event store's (their own table, their own advisory lock). */
export const DEADLINE_NOTIFICATIONS_MIGRATIONS_TABLE = 'deadline_notification_migrations';

/**
 * Migration 1 is the table as it was first created (`if not exists`): a
 * database that already has it passes. Append new ones; never edit one that has shipped.
 */
export const DEADLINE_NOTIFICATIONS_MIGRATIONS: Migration[] = [
  {
    id: 1,
    name: 'deadline notifications',
    sql: `
      create table if not exists deadline_notifications (
        echeance_id text primary key, parcours_id text not null, kind text not null, due_on date not null,
        territory text not null, referent_id text, notified_on date not null, published_at timestamptz
      );
    `,
  },
];

/**
 * Records a DeadlineOverdue notification once per overdue échéance. The table
 * is an outbox: the Kafka relay publishes its rows and stamps published_at.
 * Échéance ids are stable across rebuilds, so a rebuild notifies nothing twice.
 */
export class DeadlineNotifier {
  constructor(private readonly sql: SqlClient) {}

  async migrate(): Promise<void> {
    await migrate(this.sql, DEADLINE_NOTIFICATIONS_MIGRATIONS, DEADLINE_NOTIFICATIONS_MIGRATIONS_TABLE);
  }

  /** Returns how many notifications were recorded for this date. */
  async notifyOverdue(today: BusinessDate): Promise<number> {
    const rows = await this.sql.query<{ echeance_id: string }>(
      `insert into deadline_notifications (echeance_id, parcours_id, kind, due_on, territory, referent_id, notified_on)
       select e.id, e.parcours_id, e.kind, e.due_on, e.territory, e.referent_id, $1::date
       from rm_echeances e
       where e.due_on < $1::date and e.met_on is null and e.cancelled_on is null
       on conflict (echeance_id) do nothing
       returning echeance_id`,
      [today],
    );
    return rows.length;
  }
}
