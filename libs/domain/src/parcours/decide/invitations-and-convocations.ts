import { rule } from '../../shared/rule-violation';
import { lookup } from '../../shared/identifiers';
import { ParcoursEvent } from '../events';
import { ParcoursState } from '../state';
import { CommandOf, DecisionContext } from './context';
import { found, notBefore, notFuture, one, pastDateInCycle, requireOpen, requireOrientation } from './rules';

/**
 * Inviting the person to a first appointment, convening them to an appointment, reminding them, and what
 * the providers report of the messages. The messages themselves go out through the notification outbox.
 */

/** The most reminders of one message: beyond, the référent calls or writes in person. */
export const MAX_REMINDERS = 5;

/** The channels chosen, each once (a list naming a channel twice sends one message). */
function channelsGiven<C extends string>(channels: readonly C[]): C[] {
  rule(
    channels.length > 0,
    'CHANNEL_REQUIRED',
    'Choisissez au moins un canal (courriel, SMS, courrier).',
    'channels',
  );
  return [...new Set(channels)];
}

export function sendInvitation(
  s: ParcoursState,
  c: CommandOf<'SendInvitation'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireOpen(s, ctx, c.sentOn);
  requireOrientation(s);
  pastDateInCycle(s, ctx, c.sentOn, 'sentOn');
  notBefore(
    c.sentOn,
    s.orientation!.notifiedOn,
    'INVITATION_BEFORE_ORIENTATION',
    "L'invitation suit l'orientation : elle invite au premier rendez-vous chez l'organisme référent.",
    'sentOn',
  );
  const channels = channelsGiven(c.channels);
  rule(
    !Object.values(s.invitations).some((i) => i.cycle === s.cycle && !i.answeredOn),
    'INVITATION_PENDING',
    'Une invitation attend déjà sa réponse : relancez-la plutôt que d’en envoyer une autre.',
  );
  return one({
    type: 'InvitationSent',
    data: {
      invitationId: ctx.newId(),
      sentOn: c.sentOn,
      channels,
      templateVersion: c.templateVersion,
    },
  });
}

export function sendConvocation(
  s: ParcoursState,
  c: CommandOf<'SendConvocation'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireOpen(s, ctx, c.sentOn);
  const appointment = found(
    lookup(s.appointments, c.appointmentId),
    'APPOINTMENT_NOT_FOUND',
    "Ce rendez-vous n'existe pas.",
  );
  pastDateInCycle(s, ctx, c.sentOn, 'sentOn');
  rule(
    appointment.status === 'scheduled',
    'APPOINTMENT_NOT_SCHEDULED',
    'Ce rendez-vous a déjà eu lieu, a été manqué ou annulé : il ne se convoque plus.',
    'appointmentId',
  );
  rule(
    c.sentOn <= appointment.scheduledFor,
    'CONVOCATION_AFTER_APPOINTMENT',
    'La convocation précède le rendez-vous.',
    'sentOn',
  );
  rule(
    !Object.values(s.convocations).some((k) => k.appointmentId === c.appointmentId),
    'APPOINTMENT_ALREADY_CONVENED',
    'La personne est déjà convoquée à ce rendez-vous : relancez la convocation.',
    'appointmentId',
  );
  const channels = channelsGiven(c.channels);
  return one({
    type: 'ConvocationSent',
    data: {
      convocationId: ctx.newId(),
      appointmentId: c.appointmentId,
      sentOn: c.sentOn,
      channels,
      templateVersion: c.templateVersion,
      ...(c.time ? { time: c.time } : {}),
      ...(c.place ? { place: c.place } : {}),
    },
  });
}

/** A reminder of an invitation still unanswered, or of a convened appointment not yet come. */
export function sendReminder(
  s: ParcoursState,
  c: CommandOf<'SendReminder'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireOpen(s, ctx, c.sentOn);
  pastDateInCycle(s, ctx, c.sentOn, 'sentOn');
  const channels = channelsGiven(c.channels);
  let reminders: number;
  if (c.about === 'invitation') {
    const invitation = found(
      lookup(s.invitations, c.aboutId),
      'INVITATION_NOT_FOUND',
      "Cette invitation n'existe pas.",
    );
    rule(
      !invitation.answeredOn,
      'INVITATION_ANSWERED',
      'La personne a répondu : il n’y a plus rien à relancer.',
    );
    notBefore(
      c.sentOn,
      invitation.sentOn,
      'REMINDER_BEFORE_MESSAGE',
      'La relance suit le message.',
      'sentOn',
    );
    reminders = invitation.reminders;
  } else {
    const convocation = found(
      lookup(s.convocations, c.aboutId),
      'CONVOCATION_NOT_FOUND',
      "Cette convocation n'existe pas.",
    );
    const appointment = s.appointments[convocation.appointmentId];
    rule(
      appointment?.status === 'scheduled' && c.sentOn <= appointment.scheduledFor,
      'APPOINTMENT_NOT_SCHEDULED',
      'Le rendez-vous a eu lieu, a été manqué ou annulé : il n’y a plus rien à rappeler.',
    );
    notBefore(
      c.sentOn,
      convocation.sentOn,
      'REMINDER_BEFORE_MESSAGE',
      'La relance suit le message.',
      'sentOn',
    );
    reminders = convocation.reminders;
  }
  rule(
    reminders < MAX_REMINDERS,
    'TOO_MANY_REMINDERS',
    `Déjà ${MAX_REMINDERS} relances : prenez contact autrement.`,
  );
  return one({
    type: 'ReminderSent',
    data: {
      reminderId: ctx.newId(),
      about: c.about,
      aboutId: c.aboutId,
      rank: reminders + 1,
      sentOn: c.sentOn,
      channels,
      templateVersion: c.templateVersion,
    },
  });
}

/** What the provider reports of a message on one channel, while the parcours is open (within the window after an exit). */
export function reportMessageDelivery(
  s: ParcoursState,
  c: CommandOf<'ReportMessageDelivery'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireOpen(s, ctx, c.reportedOn);
  const message = found(lookup(s.messages, c.messageId), 'MESSAGE_NOT_FOUND', "Ce message n'existe pas.");
  rule(
    message.channels.includes(c.channel),
    'CHANNEL_NOT_USED',
    "Ce message n'a pas été envoyé par ce canal.",
    'channel',
  );
  notFuture(ctx, c.reportedOn, 'reportedOn');
  notBefore(
    c.reportedOn,
    message.sentOn,
    'DELIVERY_BEFORE_SENDING',
    "Le compte rendu suit l'envoi.",
    'reportedOn',
  );
  return one({
    type: 'MessageDeliveryReported',
    data: { messageId: c.messageId, channel: c.channel, outcome: c.outcome, reportedOn: c.reportedOn },
  });
}

/**
 * The person's coordinates (coordonnées) for the messages: an e-mail address, a phone for SMS, a postal
 * address for letters; a new record replaces the previous one whole. They are sealed with the person's key.
 */
export function recordContactDetails(
  s: ParcoursState,
  c: CommandOf<'RecordContactDetails'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireOpen(s, ctx, c.recordedOn);
  pastDateInCycle(s, ctx, c.recordedOn, 'recordedOn');
  const channels = [
    ...(c.email ? (['email'] as const) : []),
    ...(c.phone ? (['sms'] as const) : []),
    ...(c.postalAddress ? (['letter'] as const) : []),
  ];
  rule(
    channels.length > 0,
    'CONTACT_REQUIRED',
    'Indiquez au moins une adresse électronique, un téléphone ou une adresse postale.',
  );
  const { type: _type, ...data } = c;
  void _type;
  return one({ type: 'ContactDetailsRecorded', data: { ...data, channels } });
}
