import { addDays, BusinessDate } from '../shared/dates';
import { Parameters } from '../shared/parameters';
import { ParcoursState } from './state';
import { MESSAGE_CHANNELS, REMINDED_KINDS } from './vocabulary';

export interface ReminderDue {
  about: (typeof REMINDED_KINDS)[number];
  aboutId: string;
  /** The channels of the message reminded. */
  channels: (typeof MESSAGE_CHANNELS)[number][];
}

/**
 * The reminders due on `today` (project rules, parameters): an invitation left unanswered is reminded
 * `invitationFirstReminderDays` then `invitationSecondReminderDays` days after it; a convened appointment
 * `convocationReminderDaysBefore` days before it, once. A reminder late by a few days (the worker was
 * stopped) is still sent, once: each rank is due only while the previous ones were sent.
 */
export function dueReminders(s: ParcoursState, today: BusinessDate, p: Parameters): ReminderDue[] {
  if (s.status !== 'in_rsa' || s.erased) return [];
  const due: ReminderDue[] = [];
  const channelsOf = (id: string) => (s.messages[id]?.channels ?? []) as ReminderDue['channels'];
  for (const [id, i] of Object.entries(s.invitations)) {
    if (i.cycle !== s.cycle || i.answeredOn) continue;
    const after = [p.invitationFirstReminderDays, p.invitationSecondReminderDays][i.reminders];
    if (after !== undefined && today >= addDays(i.sentOn, after))
      due.push({ about: 'invitation', aboutId: id, channels: channelsOf(id) });
  }
  for (const [id, k] of Object.entries(s.convocations)) {
    const appointment = s.appointments[k.appointmentId];
    if (k.reminders > 0 || appointment?.status !== 'scheduled') continue;
    if (
      today > k.sentOn &&
      today <= appointment.scheduledFor &&
      today >= addDays(appointment.scheduledFor, -p.convocationReminderDaysBefore)
    )
      due.push({ about: 'convocation', aboutId: id, channels: channelsOf(id) });
  }
  return due;
}
