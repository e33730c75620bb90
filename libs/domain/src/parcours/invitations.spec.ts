import { DEFAULT_PARAMETERS } from '../shared/parameters';
import { followed, given, history, Refusal, refuses, testContext } from '../testing/parcours-specification';
import { ParcoursCommand } from './commands';
import { ParcoursEvent } from './events';
import { dueReminders } from './reminders';
import { initialParcoursState, rebuild } from './state';

/** Oriented on 20 January 2025 (test clock: 30 June 2025). */
const invite: ParcoursCommand = {
  type: 'SendInvitation',
  sentOn: '2025-01-23',
  channels: ['email', 'sms'],
  templateVersion: 1,
};
const invited: ParcoursEvent = {
  type: 'InvitationSent',
  data: { invitationId: 'i-1', sentOn: '2025-01-23', channels: ['email', 'sms'], templateVersion: 1 },
};
const appointment = history.appointment('a-1', '2025-02-10');
const convened: ParcoursEvent = {
  type: 'ConvocationSent',
  data: {
    convocationId: 'k-1',
    appointmentId: 'a-1',
    sentOn: '2025-02-03',
    channels: ['letter'],
    templateVersion: 1,
  },
};
const missed = (legitimateReason: boolean): ParcoursEvent => ({
  type: 'AppointmentMissed',
  data: { appointmentId: 'a-1', missedOn: '2025-02-10', legitimateReason },
});
const breach: ParcoursCommand = {
  type: 'ReportBreach',
  kind: 'unexcused_missed_appointment',
  obligation: 'appointments',
  occurredOn: '2025-02-10',
  reportedOn: '2025-02-11',
  convocationId: 'k-1',
};

describe('invitations to a first appointment', () => {
  it('invites after the orientation, by the channels chosen (each once)', () => {
    given(followed())
      .when({ ...invite, channels: ['email', 'sms', 'email'] })
      .then([{ ...invited, data: { ...invited.data, invitationId: 'id-1' } } as ParcoursEvent]);
  });

  it.each<Refusal>([
    {
      name: 'before any orientation',
      history: [history.entered()],
      command: invite,
      code: 'ORIENTATION_REQUIRED',
    },
    {
      name: 'before the orientation was notified',
      history: followed(),
      command: { ...invite, sentOn: '2025-01-15' },
      code: 'INVITATION_BEFORE_ORIENTATION',
      field: 'sentOn',
    },
    {
      name: 'without a channel',
      history: followed(),
      command: { ...invite, channels: [] },
      code: 'CHANNEL_REQUIRED',
      field: 'channels',
    },
    {
      name: 'while one waits for its answer',
      history: [...followed(), invited],
      command: invite,
      code: 'INVITATION_PENDING',
    },
  ])('refuses an invitation $name', refuses);

  it('is answered by the appointment set after it: no second reminder, a new invitation may go', () => {
    const answered = [
      ...followed(),
      invited,
      {
        ...appointment,
        data: { ...(appointment.data as object), scheduledOn: '2025-01-27' },
      } as ParcoursEvent,
    ];
    refuses({
      name: 'reminder of an answered invitation',
      history: answered,
      command: {
        type: 'SendReminder',
        about: 'invitation',
        aboutId: 'i-1',
        sentOn: '2025-01-30',
        channels: ['sms'],
        templateVersion: 1,
      },
      code: 'INVITATION_ANSWERED',
    });
    expect(given(answered).when(invite).events()).toHaveLength(1);
  });
});

describe('reminders on their days (project rules: 3 then 7 days after an invitation, 2 days before a convened appointment)', () => {
  const state = (events: ParcoursEvent[]) => rebuild(events, initialParcoursState());
  const p = DEFAULT_PARAMETERS;
  const reminded = (rank: number, sentOn: string): ParcoursEvent => ({
    type: 'ReminderSent',
    data: {
      reminderId: `r-${rank}`,
      about: 'invitation',
      aboutId: 'i-1',
      rank,
      sentOn,
      channels: ['email', 'sms'],
      templateVersion: 1,
    },
  });

  it.each([
    ['2025-01-25', []],
    ['2025-01-26', [{ about: 'invitation', aboutId: 'i-1', channels: ['email', 'sms'] }]],
    // Late (the worker was stopped): still due, once.
    ['2025-01-29', [{ about: 'invitation', aboutId: 'i-1', channels: ['email', 'sms'] }]],
  ])('an unanswered invitation of 23 January, on %s: %j', (today, due) => {
    expect(dueReminders(state([...followed(), invited]), today, p)).toEqual(due);
  });

  it('the second reminder on day 7, after the first; none after the second', () => {
    const first = [...followed(), invited, reminded(1, '2025-01-26')];
    expect(dueReminders(state(first), '2025-01-29', p)).toEqual([]);
    expect(dueReminders(state(first), '2025-01-30', p)).toHaveLength(1);
    expect(dueReminders(state([...first, reminded(2, '2025-01-30')]), '2025-02-20', p)).toEqual([]);
  });

  it('a convened appointment of 10 February is reminded from the 8th, once, and not after it took place', () => {
    const base = [...followed(), appointment, convened];
    const onDay = (today: string, events = base) =>
      dueReminders(state(events), today, p).filter((r) => r.about === 'convocation');
    expect(onDay('2025-02-07')).toEqual([]);
    expect(onDay('2025-02-08')).toEqual([{ about: 'convocation', aboutId: 'k-1', channels: ['letter'] }]);
    const sent: ParcoursEvent = {
      type: 'ReminderSent',
      data: {
        reminderId: 'r-k',
        about: 'convocation',
        aboutId: 'k-1',
        rank: 1,
        sentOn: '2025-02-08',
        channels: ['letter'],
        templateVersion: 1,
      },
    };
    expect(onDay('2025-02-09', [...base, sent])).toEqual([]);
    expect(onDay('2025-02-10', [...base, missed(false)])).toEqual([]);
  });
});

describe('convocations, and the manquement that cites one (parameter breachRequiresConvocation)', () => {
  it('convenes to a scheduled appointment, before it', () => {
    given([...followed(), appointment])
      .when({
        type: 'SendConvocation',
        appointmentId: 'a-1',
        sentOn: '2025-02-03',
        channels: ['letter'],
        templateVersion: 1,
      })
      .then([{ ...convened, data: { ...convened.data, convocationId: 'id-1' } } as ParcoursEvent]);
  });

  it('a missed convened appointment becomes a manquement that cites its convocation', () => {
    const [event] = given([...followed(), appointment, convened, missed(false)])
      .when(breach)
      .events();
    expect(event).toMatchObject({
      type: 'BreachReported',
      data: { convocationId: 'k-1', kind: 'unexcused_missed_appointment' },
    });
  });

  it.each<Refusal>([
    {
      name: 'a convocation after the appointment',
      history: [...followed(), appointment],
      command: {
        type: 'SendConvocation',
        appointmentId: 'a-1',
        sentOn: '2025-02-11',
        channels: ['sms'],
        templateVersion: 1,
      },
      code: 'CONVOCATION_AFTER_APPOINTMENT',
      field: 'sentOn',
    },
    {
      name: 'a second convocation to the same appointment',
      history: [...followed(), appointment, convened],
      command: {
        type: 'SendConvocation',
        appointmentId: 'a-1',
        sentOn: '2025-02-04',
        channels: ['sms'],
        templateVersion: 1,
      },
      code: 'APPOINTMENT_ALREADY_CONVENED',
      field: 'appointmentId',
    },
    {
      name: 'a manquement for a missed appointment without its convocation',
      history: [...followed(), appointment, missed(false)],
      command: { ...breach, convocationId: undefined },
      code: 'BREACH_CONVOCATION_REQUIRED',
      field: 'convocationId',
    },
    {
      name: 'a manquement citing the convocation of an appointment missed with a legitimate reason',
      history: [...followed(), appointment, convened, missed(true)],
      command: breach,
      code: 'BREACH_CONVOCATION_NOT_MISSED',
      field: 'convocationId',
    },
    {
      name: 'a manquement citing the convocation of an appointment not missed',
      history: [...followed(), appointment, convened],
      command: breach,
      code: 'BREACH_CONVOCATION_NOT_MISSED',
      field: 'convocationId',
    },
    {
      name: 'a convocation cited for another manquement',
      history: [...followed(), appointment, convened, missed(false)],
      command: { ...breach, kind: 'unreachable' },
      code: 'BREACH_CONVOCATION_ONLY_FOR_MISSED_APPOINTMENT',
      field: 'convocationId',
    },
  ])('refuses $name', refuses);

  it('a Département that does not require the convocation may report the absence without one', () => {
    const events = given([...followed(), appointment, missed(false)])
      .when(
        { ...breach, convocationId: undefined },
        testContext({ parameters: { breachRequiresConvocation: false } }),
      )
      .events();
    expect(events).toHaveLength(1);
  });
});

describe('delivery reports of the messages', () => {
  it('records what the provider reports, on a channel of the message', () => {
    given([...followed(), invited])
      .when({
        type: 'ReportMessageDelivery',
        messageId: 'i-1',
        channel: 'sms',
        outcome: 'delivered',
        reportedOn: '2025-01-23',
      })
      .then([
        {
          type: 'MessageDeliveryReported',
          data: { messageId: 'i-1', channel: 'sms', outcome: 'delivered', reportedOn: '2025-01-23' },
        },
      ]);
  });

  it.each<Refusal>([
    {
      name: 'a channel the message did not use',
      history: [...followed(), invited],
      command: {
        type: 'ReportMessageDelivery',
        messageId: 'i-1',
        channel: 'letter',
        outcome: 'sent',
        reportedOn: '2025-01-24',
      },
      code: 'CHANNEL_NOT_USED',
      field: 'channel',
    },
    {
      name: 'a report before the sending',
      history: [...followed(), invited],
      command: {
        type: 'ReportMessageDelivery',
        messageId: 'i-1',
        channel: 'sms',
        outcome: 'sent',
        reportedOn: '2025-01-22',
      },
      code: 'DELIVERY_BEFORE_SENDING',
      field: 'reportedOn',
    },
  ])('refuses $name', refuses);
});
