import type { ParcoursRepository, ReferenceCatalog } from '@parcours/application';
import { addDays, BusinessDate, dueReminders, Parameters } from '@parcours/domain';
import type { SqlClient } from '@parcours/event-store';
import { latestTemplate } from '@parcours/notifications';
import { refusalCode, RunCommand } from './notification-dispatcher';

/**
 * How far back the messages looked at go: a convocation may be sent months
 * before its appointment, and its reminder is due only days before it.
 */
export const REMINDER_LOOKBACK_DAYS = 400;

export interface ReminderRun {
  parcours: number;
  reminded: { parcoursId: string; about: string; aboutId: string }[];
  refused: { parcoursId: string; code: string }[];
  /** Parcours the run could not read or write (retried at the next run). */
  failed: { parcoursId: string; error: string }[];
}

/**
 * Sends the reminders due on a day (project rules: the parameters of
 * `dueReminders`): run by the worker each day, and again any time (a
 * reminder, once sent, is no longer due; two workers at once record it once,
 * by its idempotency key).
 */
export class ReminderJob {
  constructor(
    private readonly sql: SqlClient,
    private readonly parcours: Pick<ParcoursRepository, 'load'>,
    private readonly catalog: Pick<ReferenceCatalog, 'parametersOn'>,
    private readonly run: RunCommand,
  ) {}

  async runOn(today: BusinessDate): Promise<ReminderRun> {
    // The parcours that had an invitation or a convocation lately: the only ones a reminder can be due to.
    // Messages too old when the outbox first read them (history before sending was switched on) are not reminded.
    const candidates = await this.sql.query<{ parcours_id: string }>(
      `select distinct parcours_id from notification_outbox
       where template_code in ('invitation', 'convocation') and sent_on >= $1::date and sent_on <= $2::date
         and error_code is distinct from 'too_old'
       order by parcours_id`,
      [addDays(today, -REMINDER_LOOKBACK_DAYS), today],
    );
    const parameters = await this.catalog.parametersOn(today);
    const result: ReminderRun = { parcours: candidates.length, reminded: [], refused: [], failed: [] };
    for (const { parcours_id: parcoursId } of candidates) {
      try {
        await this.remind(parcoursId, today, parameters, result);
      } catch (error) {
        // One parcours that cannot be reminded (the store away, a write lost to others ten times) stops only itself.
        result.failed.push({ parcoursId, error: (error as Error).message });
      }
    }
    return result;
  }

  private async remind(
    parcoursId: string,
    today: BusinessDate,
    parameters: Parameters,
    result: ReminderRun,
  ): Promise<void> {
    const { state } = await this.parcours.load(parcoursId);
    for (const due of dueReminders(state, today, parameters)) {
      const rank =
        (due.about === 'invitation' ? state.invitations[due.aboutId] : state.convocations[due.aboutId])
          .reminders + 1;
      try {
        await this.run(
          parcoursId,
          {
            type: 'SendReminder',
            about: due.about,
            aboutId: due.aboutId,
            sentOn: today,
            channels: due.channels,
            templateVersion: latestTemplate(`${due.about}-reminder`).version,
          },
          // The day is in the key: a key left bound by a crash blocks that day's run only, never the reminder.
          `reminder:${due.aboutId}:${rank}:${today}`,
        );
        result.reminded.push({ parcoursId, about: due.about, aboutId: due.aboutId });
      } catch (error) {
        const code = refusalCode(error);
        if (!code) throw error;
        result.refused.push({ parcoursId, code });
      }
    }
  }
}
