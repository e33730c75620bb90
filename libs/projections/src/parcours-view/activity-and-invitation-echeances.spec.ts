import { DEFAULT_PARAMETERS, ParcoursEvent, REFERENCE_STREAM } from '@parcours/domain';
import { foldRecorded } from './fold';
import { portfolioLine } from './portfolio';
import { evolveView, ParameterBook, ParcoursView } from './view';

/**
 * Weeks of activity below the contract's hours without a reason: after `activityShortfallWeeks` (2) in a row,
 * the référent has `activityShortfallReactionDays` (15) days to act (project rules; loi 2023-1196, DOMAIN.md §4.2).
 */
const entered: ParcoursEvent = {
  type: 'ParcoursEntered',
  data: {
    parcoursId: 'p',
    cycle: 1,
    person: { lastName: 'L', firstName: 'F', birthDate: '1980-01-01', sex: 'female' },
    household: { type: 'single', size: 1 },
    territory: 'T',
    demandOn: '2025-01-02',
    rightOpenedOn: '2025-01-03',
    enteredOn: '2025-01-06',
  },
};
const contract: ParcoursEvent = {
  type: 'ContractSigned',
  data: {
    contractId: 'k',
    kind: 'contrat_engagement',
    signedOn: '2025-02-03',
    startsOn: '2025-02-03',
    endsOn: '2025-08-02',
    weeklyHours: 15,
    objectives: [],
    renewal: false,
  },
};
const week = (weekOf: string, hours: number, shortfallReason?: 'illness'): ParcoursEvent => ({
  type: 'ActivityHoursRecorded',
  data: {
    contractId: 'k',
    weekOf,
    hours,
    source: 'referent',
    ...(shortfallReason ? { shortfallReason } : {}),
  },
});
const held = (on: string): ParcoursEvent[] => [
  {
    type: 'AppointmentScheduled',
    data: {
      appointmentId: `a-${on}`,
      scheduledFor: on,
      scheduledOn: on,
      kind: 'individual',
      channel: 'in_person',
      referentId: 'r',
    },
  },
  { type: 'AppointmentHeld', data: { appointmentId: `a-${on}`, heldOn: on } },
];

const fold = (events: ParcoursEvent[]): ParcoursView =>
  events.reduce<ParcoursView | undefined>((v, e) => evolveView(v, e, { versions: [] }), undefined)!;
const shortfalls = (v: ParcoursView) =>
  v.echeances
    .filter((e) => e.kind === 'activity_shortfall')
    .map((e) => ({ startsOn: e.startsOn, dueOn: e.dueOn, metOn: e.metOn, cancelledOn: e.cancelledOn }));

describe('the échéance of activity hours not done (project rule, loi 2023-1196)', () => {
  it('opens after two short weeks in a row, due 15 days after the Monday that follows them', () => {
    const v = fold([entered, contract, week('2025-02-03', 10), week('2025-02-10', 12)]);
    expect(shortfalls(v)).toEqual([
      { startsOn: '2025-02-17', dueOn: '2025-03-04', metOn: undefined, cancelledOn: undefined },
    ]);
  });

  it.each([
    ['one short week only', [week('2025-02-10', 12)]],
    ['two short weeks apart', [week('2025-02-03', 10), week('2025-02-17', 12)]],
    ['a short week then one at the plan', [week('2025-02-03', 10), week('2025-02-10', 15)]],
    ['a short week then a justified one', [week('2025-02-03', 10), week('2025-02-10', 0, 'illness')]],
  ])('does not open for %s', (_, weeks) => {
    expect(shortfalls(fold([entered, contract, ...weeks]))).toEqual([]);
  });

  it('is met by an appointment held, and a later streak opens the next one', () => {
    const v = fold([
      entered,
      contract,
      week('2025-02-03', 10),
      week('2025-02-10', 12),
      ...held('2025-02-20'),
      week('2025-02-17', 5),
      week('2025-03-03', 5),
      week('2025-03-10', 5),
    ]);
    expect(shortfalls(v)).toEqual([
      { startsOn: '2025-02-17', dueOn: '2025-03-04', metOn: '2025-02-20', cancelledOn: undefined },
      // 17 Feb is short but 24 Feb was not recorded: the streak of 3 and 10 March opens the next.
      { startsOn: '2025-03-17', dueOn: '2025-04-01', metOn: undefined, cancelledOn: undefined },
    ]);
  });

  it('is met by the manquement reported for the hours; cancelled when a week is back at the plan', () => {
    const breach: ParcoursEvent = {
      type: 'BreachReported',
      data: {
        breachId: 'b',
        kind: 'activity_hours_not_done',
        obligation: 'activity_hours',
        occurredOn: '2025-02-16',
        reportedOn: '2025-02-19',
        weeks: ['2025-02-03', '2025-02-10'],
      },
    };
    const short = [entered, contract, week('2025-02-03', 10), week('2025-02-10', 12)];
    expect(shortfalls(fold([...short, breach]))[0].metOn).toBe('2025-02-19');
    expect(shortfalls(fold([...short, week('2025-02-17', 15)]))[0].cancelledOn).toBe('2025-02-24');
  });

  it('weeks under an exemption do not count (DOMAIN.md §4.1: the obligation was suspended)', () => {
    const exempted: ParcoursEvent = {
      type: 'ExemptionGranted',
      data: { exemptionId: 'x', reason: 'health', from: '2025-02-12', to: '2025-02-14' },
    };
    expect(
      shortfalls(fold([entered, contract, exempted, week('2025-02-03', 10), week('2025-02-10', 12)])),
    ).toEqual([]);
    expect(
      portfolioLine(fold([entered, contract, exempted, week('2025-02-03', 10), week('2025-02-10', 12)])),
    ).toMatchObject({ activity_short_weeks: 1 });
  });

  it('weeks recorded out of order open the same échéance as in order (a partner reports late)', () => {
    const v = fold([entered, contract, week('2025-02-10', 12), week('2025-02-03', 10)]);
    expect(shortfalls(v)).toEqual([
      { startsOn: '2025-02-17', dueOn: '2025-03-04', metOn: undefined, cancelledOn: undefined },
    ]);
  });

  it('a late record of an earlier week at the plan does not cancel it; a correction of its run does', () => {
    const short = [entered, contract, week('2025-02-03', 10), week('2025-02-10', 12)];
    expect(shortfalls(fold([...short, week('2025-01-27', 15)]))[0].cancelledOn).toBeUndefined();
    // 10 February corrected to 15 hours: the run is one week, nothing to act on (cancelled, not before its start).
    expect(shortfalls(fold([...short, week('2025-02-10', 15)]))[0].cancelledOn).toBe('2025-02-17');
  });

  it('opens where a parameter version saved before these parameters existed is in force (their defaults apply)', () => {
    // A version as recorded before activityShortfallWeeks existed: the fold gives it the defaults.
    const book: ParameterBook = { versions: [] };
    const old = { ...DEFAULT_PARAMETERS } as Partial<typeof DEFAULT_PARAMETERS>;
    delete old.activityShortfallWeeks;
    delete old.activityShortfallReactionDays;
    foldRecorded(new Map(), book, {
      streamId: REFERENCE_STREAM,
      type: 'ParametersVersionSet',
      data: { version: 1, effectiveFrom: '2025-01-01', values: old },
    });
    const v = [entered, contract, week('2025-02-03', 10), week('2025-02-10', 12)].reduce<
      ParcoursView | undefined
    >((view, e) => evolveView(view, e, book), undefined)!;
    expect(shortfalls(v)).toEqual([
      { startsOn: '2025-02-17', dueOn: '2025-03-04', metOn: undefined, cancelledOn: undefined },
    ]);
  });
});

describe('the échéance of an invitation left unanswered (project rule invitationAnswerDays, 10)', () => {
  const invited: ParcoursEvent = {
    type: 'InvitationSent',
    data: { invitationId: 'i', sentOn: '2025-01-23', channels: ['sms'], templateVersion: 1 },
  };
  const answer = (v: ParcoursView) =>
    v.echeances
      .filter((e) => e.kind === 'invitation_answer')
      .map((e) => ({ dueOn: e.dueOn, metOn: e.metOn, cancelledOn: e.cancelledOn }));

  it('is due 10 days after the invitation, met by the appointment set', () => {
    expect(answer(fold([entered, invited]))).toEqual([
      { dueOn: '2025-02-02', metOn: undefined, cancelledOn: undefined },
    ]);
    expect(answer(fold([entered, invited, ...held('2025-01-28')]))[0].metOn).toBe('2025-01-28');
  });

  it('is cancelled by an exit', () => {
    const exit: ParcoursEvent = { type: 'RsaExited', data: { exitedOn: '2025-01-31', reason: 'income' } };
    expect(answer(fold([entered, invited, exit]))[0].cancelledOn).toBe('2025-01-31');
  });
});
