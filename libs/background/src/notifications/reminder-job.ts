import type { ParcoursRepository, ReferenceCatalog } from '@parcours/application';
import { addDays, BusinessDate, dueReminders } from '@parcours/domain';
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
    // The parcours that had an invitation or a convocation sent lately: the only ones a reminder can be due to.
    const candidates = await this.sql.query<{ parcours_id: string }>(
      `select distinct parcours_id from notification_outbox
       where template_code in ('invitation', 'convocation') and sent_on >= $1::date and sent_on <= $2::date
       order by parcours_id`,
      [addDays(today, -REMINDER_LOOKBACK_DAYS), today],
    );
    const parameters = await this.catalog.parametersOn(today);
    const result: ReminderRun = { parcours: candidates.length, reminded: [], refused: [] };
    for (const { parcours_id: parcoursId } of candidates) {
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
            `reminder:${due.aboutId}:${rank}`,
          );
          result.reminded.push({ parcoursId, about: due.about, aboutId: due.aboutId });
        } catch (error) {
          const code = refusalCode(error);
          if (!code) throw error;
          result.refused.push({ parcoursId, code });
        }
      }
    }
    return result;
  }
}
