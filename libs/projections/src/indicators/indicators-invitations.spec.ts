import { ParcoursEvent } from '@parcours/domain';
import { enteredEvent, figuresOf } from '../testing/indicator-histories';

/**
 * Invitations and convocations (mobilisation, DOMAIN.md §5.2) over January–February 2025. Every expected
 * figure is counted by hand from the histories below.
 */
const JAN_FEB_2025 = { from: '2025-01-01', to: '2025-02-28' };

const entered = (parcoursId: string) => enteredEvent(parcoursId, '2024-12-01');
const invited = (sentOn: string): ParcoursEvent => ({
  type: 'InvitationSent',
  data: { invitationId: `i-${sentOn}`, sentOn, channels: ['sms'], templateVersion: 1 },
});
const scheduled = (id: string, scheduledOn: string, scheduledFor: string): ParcoursEvent => ({
  type: 'AppointmentScheduled',
  data: {
    appointmentId: id,
    scheduledOn,
    scheduledFor,
    kind: 'individual',
    channel: 'in_person',
    referentId: 'r',
  },
});
const convened = (id: string, sentOn: string): ParcoursEvent => ({
  type: 'ConvocationSent',
  data: { convocationId: `k-${id}`, appointmentId: id, sentOn, channels: ['letter'], templateVersion: 1 },
});
const held = (id: string, on: string): ParcoursEvent => ({
  type: 'AppointmentHeld',
  data: { appointmentId: id, heldOn: on },
});
const missed = (id: string, on: string, legitimateReason = false): ParcoursEvent => ({
  type: 'AppointmentMissed',
  data: { appointmentId: id, missedOn: on, legitimateReason },
});

const histories: ParcoursEvent[][] = [
  // P1: invited 10 Jan, appointment set 15 Jan (5 days), convened, held; a second one, of March, convened and missed
  // (outside the period).
  [
    entered('P1'),
    invited('2025-01-10'),
    scheduled('a1', '2025-01-15', '2025-01-20'),
    convened('a1', '2025-01-16'),
    held('a1', '2025-01-20'),
    scheduled('a3', '2025-02-24', '2025-03-05'),
    convened('a3', '2025-02-25'),
    missed('a3', '2025-03-05'),
  ],
  // P2: invited 12 Jan, appointment set 30 Jan (18 days: late), convened, missed without a reason.
  [
    entered('P2'),
    invited('2025-01-12'),
    scheduled('a2', '2025-01-30', '2025-02-05'),
    convened('a2', '2025-01-30'),
    missed('a2', '2025-02-05'),
  ],
  // P3: invited 20 Feb, no answer.
  [entered('P3'), invited('2025-02-20')],
  // P4: invited in December (outside), answered 5 Jan; a convened appointment cancelled, another missed with a reason.
  [
    entered('P4'),
    invited('2024-12-28'),
    scheduled('a4', '2025-01-05', '2025-02-12'),
    convened('a4', '2025-01-06'),
    { type: 'AppointmentCancelled', data: { appointmentId: 'a4', cancelledOn: '2025-02-10' } },
    scheduled('a5', '2025-02-11', '2025-02-20'),
    convened('a5', '2025-02-12'),
    missed('a5', '2025-02-20', true),
  ],
];

const figures = () => figuresOf(histories, JAN_FEB_2025);

describe('invitations and convocations, worked out by hand (DOMAIN.md §5.2)', () => {
  const f = figures();

  it('invitations of the period answered within 10 days: P1 (5 days) of P1, P2 (18), P3 (none) = 1 / 3', () => {
    expect(f['reseau_emploi.invitation_response_rate']).toMatchObject({ numerator: 1, denominator: 3 });
  });

  it('mean delay of the answered ones: (5 + 18) / 2 = 11.5 days', () => {
    expect(f['reseau_emploi.invitation_response_days_mean']).toMatchObject({
      numerator: 23,
      denominator: 2,
      value: 11.5,
    });
  });

  it('convened appointments of the period held or missed: P1 held, P2 missed, P4 missed with a reason = 2 / 3', () => {
    expect(f['reseau_emploi.no_show_after_convocation']).toMatchObject({ numerator: 2, denominator: 3 });
  });
});
