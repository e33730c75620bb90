import type { LoadedParcours } from '@parcours/application';
import { BusinessDate, lookup, ReferenceState } from '@parcours/domain';
import {
  AppointmentFacts,
  MessageFacts,
  Notification,
  renderMessage,
  TemplateRenderError,
} from '@parcours/notifications';
import { deterministicUuid } from '@parcours/runtime';
import type { OutboxRow } from './notification-outbox';

/** Why a message could not be composed: a short code, kept on the outbox row and never the person's data. */
export class NotComposed extends Error {
  constructor(readonly code: string) {
    super(code);
    this.name = 'NotComposed';
  }
}

interface ContactDetails {
  civility?: 'madame' | 'monsieur';
  email?: string;
  phone?: string;
  postalAddress?: { lines: string[]; postcode: string; city: string };
  erased?: boolean;
}

type Data = Record<string, unknown>;

/** The data of the last event of a type matching `where`, from the parcours's (opened) events. */
function last(parcours: LoadedParcours, type: string, where: (d: Data) => boolean = () => true) {
  for (let i = parcours.events.length - 1; i >= 0; i--) {
    const e = parcours.events[i];
    if (e.type === type && where(e.data)) return e.data;
  }
  return undefined;
}

/**
 * The convocation a message is about (itself, or the one a reminder recalls), with its appointment: still
 * to come (not held, missed nor cancelled since the message was recorded), and its place — the one the
 * convocation gives, or the organisme's address for an appointment in person.
 */
function appointmentOf(
  parcours: LoadedParcours,
  convocationId: string,
  today: BusinessDate,
  organisationAddress: string | undefined,
): AppointmentFacts {
  const convocation = last(parcours, 'ConvocationSent', (d) => d.convocationId === convocationId) as
    { appointmentId: string; time?: string; place?: string } | undefined;
  if (!convocation) throw new NotComposed('convocation_not_found');
  const appointment = last(
    parcours,
    'AppointmentScheduled',
    (d) => d.appointmentId === convocation.appointmentId,
  ) as { scheduledFor: string; channel: AppointmentFacts['mode'] } | undefined;
  if (!appointment) throw new NotComposed('appointment_not_found');
  const now = parcours.state.appointments[convocation.appointmentId];
  if (now?.status !== 'scheduled' || now.scheduledFor < today)
    throw new NotComposed('appointment_not_scheduled');
  // Convocations recorded before the time was asked for cannot be sent: the person must know when to come.
  if (!convocation.time) throw new NotComposed('appointment_time_missing');
  const place = convocation.place ?? (appointment.channel === 'in_person' ? organisationAddress : undefined);
  if (appointment.channel === 'in_person' && !place) throw new NotComposed('appointment_place_missing');
  return {
    date: now.scheduledFor,
    time: convocation.time,
    mode: appointment.channel,
    ...(place ? { place } : {}),
  };
}

/**
 * The message of one outbox row, rendered from the parcours as it is now:
 * its coordinates for the channel, the civilité and nom for an e-mail or a
 * letter, the organisme of the current orientation (name, phone, booking
 * page, address), and for a convocation its appointment. Throws NotComposed
 * with a code when something is missing; nothing is sent then.
 */
export function composeNotification(
  row: OutboxRow,
  parcours: LoadedParcours,
  catalog: ReferenceState,
  today: BusinessDate,
): Notification {
  if (parcours.state.erased) throw new NotComposed('person_erased');
  const contact = last(parcours, 'ContactDetailsRecorded') as ContactDetails | undefined;
  if (contact?.erased) throw new NotComposed('person_erased');
  const organisationId = parcours.state.orientation?.organisationId;
  const organisation = organisationId ? lookup(catalog.organisations, organisationId) : undefined;
  if (!organisation) throw new NotComposed('organisme_unknown');
  if (!organisation.phone) throw new NotComposed('organisme_phone_missing');

  const convocationId =
    row.template_code === 'convocation'
      ? row.message_id
      : row.template_code === 'convocation-reminder'
        ? row.about_id
        : undefined;
  const facts: MessageFacts = {
    organismeName: organisation.name,
    organismePhone: organisation.phone,
    ...(organisation.bookingUrl ? { bookingUrl: organisation.bookingUrl } : {}),
    ...(convocationId
      ? {
          appointment: appointmentOf(
            parcours,
            convocationId,
            today,
            organisation.addressLines?.join(', ').slice(0, 100),
          ),
        }
      : {}),
  };
  // An SMS names nobody (it shows on a locked screen); a letter or an e-mail says Madame or Monsieur and the nom.
  if (row.channel !== 'sms' && contact?.civility && parcours.state.person && !parcours.state.person.erased) {
    facts.civility = contact.civility === 'madame' ? 'Madame' : 'Monsieur';
    facts.lastName = parcours.state.person.lastName;
  }
  let rendered;
  try {
    rendered = renderMessage({ code: row.template_code, version: row.template_version }, row.channel, facts);
  } catch (error) {
    if (error instanceof TemplateRenderError) throw new NotComposed('template_render_failed');
    throw error;
  }
  const base = {
    id: deterministicUuid('notification', row.message_id, row.channel),
    template: rendered.template,
    body: rendered.body,
  };
  switch (row.channel) {
    case 'email':
      if (!contact?.email) throw new NotComposed('no_email');
      return { ...base, channel: 'email', recipient: { email: contact.email }, subject: rendered.subject! };
    case 'sms':
      if (!contact?.phone) throw new NotComposed('no_phone');
      return { ...base, channel: 'sms', recipient: { phone: contact.phone } };
    case 'letter':
      if (!contact?.postalAddress) throw new NotComposed('no_postal_address');
      return {
        ...base,
        channel: 'letter',
        recipient: contact.postalAddress,
        subject: rendered.subject!,
        sender: {
          organismeName: organisation.name,
          addressLines: organisation.addressLines ?? [],
          phone: organisation.phone,
          signature: 'Le référent de parcours',
        },
      };
  }
}
