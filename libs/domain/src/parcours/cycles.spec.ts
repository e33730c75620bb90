import { followed, given, history, Refusal, refuses, testContext } from '../testing/parcours-specification';
import { ParcoursCommand } from './commands';
import { ParcoursEvent } from './events';

/**
 * Cycles and late records (DOMAIN.md §2.9): an exit ends what binds in its
 * cycle, a re-entry starts clean, and the 6-month window after an exit is
 * judged on the business date and on today's clock.
 */
const sign = (startsOn: string, endsOn: string): ParcoursCommand => ({
  type: 'SignContract',
  kind: 'contrat_engagement',
  signedOn: startsOn,
  startsOn,
  endsOn,
  weeklyHours: 15,
  objectives: [],
});
const reentered = (enteredOn: string): ParcoursEvent => ({
  type: 'ParcoursEntered',
  data: {
    ...(history.entered().data as Extract<ParcoursEvent, { type: 'ParcoursEntered' }>['data']),
    cycle: 2,
    demandOn: enteredOn,
    rightOpenedOn: enteredOn,
    enteredOn,
  },
});

describe('a re-entry starts clean (DOMAIN.md §2.9)', () => {
  it('signs a new contract in the new cycle although the previous cycle’s contract had not reached its end', () => {
    const events = [
      ...followed(),
      history.contract('c-1', '2025-02-01', '2025-07-31'),
      history.exited('2025-04-30'),
      reentered('2025-05-20'),
      history.oriented('2025-05-22'),
      history.referent('ref-1', '2025-05-23'),
    ];
    expect(given(events).when(sign('2025-06-01', '2025-11-30')).events()[0]).toMatchObject({
      type: 'ContractSigned',
      data: { renewal: false },
    });
  });

  it('still refuses two contracts at once within one cycle', () => {
    given([...followed(), history.contract('c-1', '2025-02-01', '2025-07-31')])
      .when(sign('2025-03-01', '2025-08-31'))
      .thenViolation('CONTRACT_ALREADY_OPEN');
  });
});

describe('the 6-month window after an exit, on the business date and on today’s clock', () => {
  const exited = [...followed(), history.exited('2025-01-31')];

  it('accepts a late record of a date inside the window while the window is open today', () => {
    // Exit on 31 Jan: the window runs to 31 Jul. Recorded on 15 Jul about an appointment of 1 Mar.
    const ctx = testContext({ today: '2025-07-15' });
    expect(
      given([...exited, history.appointment('a-1', '2025-03-01')])
        .when({ type: 'RecordAppointmentHeld', appointmentId: 'a-1', heldOn: '2025-03-01' }, ctx)
        .events(),
    ).toHaveLength(1);
  });

  it('refuses today a record inside a window that closed more than 6 months after the exit', () => {
    const ctx = testContext({ today: '2025-09-01' });
    given([...exited, history.appointment('a-1', '2025-03-01')])
      .when({ type: 'RecordAppointmentHeld', appointmentId: 'a-1', heldOn: '2025-03-01' }, ctx)
      .thenViolation('ACCOMPANIMENT_WINDOW_CLOSED');
    given(exited).when(sign('2025-03-01', '2025-08-31'), ctx).thenViolation('ACCOMPANIMENT_WINDOW_CLOSED');
  });

  it('refuses a business date beyond the window while today is still inside it', () => {
    // Today 15 Jul is inside the window (to 31 Jul); an exemption from 5 Aug is not.
    given(exited)
      .when(
        { type: 'GrantExemption', reason: 'health', from: '2025-08-05' },
        testContext({ today: '2025-07-15' }),
      )
      .thenViolation('ACCOMPANIMENT_WINDOW_CLOSED');
  });
});

describe('employment and its end (France Travail flow or the référent)', () => {
  const started: ParcoursEvent = {
    type: 'EmploymentStarted',
    data: { employmentId: 'e-1', startedOn: '2025-03-01', kind: 'fixed_term_under_6_months' },
  };
  const end = (endedOn: string, employmentId = 'e-1'): ParcoursCommand => ({
    type: 'EndEmployment',
    employmentId,
    endedOn,
  });

  it('records the end of a known employment', () => {
    given([...followed(), started])
      .when(end('2025-05-31'))
      .then([{ type: 'EmploymentEnded', data: { employmentId: 'e-1', endedOn: '2025-05-31' } }]);
  });

  it.each<Refusal>([
    {
      name: 'an end before its start',
      history: [...followed(), started],
      command: end('2025-02-28'),
      code: 'EMPLOYMENT_END_BEFORE_START',
      field: 'endedOn',
    },
    {
      name: 'a second end',
      history: [
        ...followed(),
        started,
        { type: 'EmploymentEnded', data: { employmentId: 'e-1', endedOn: '2025-05-31' } },
      ],
      command: end('2025-06-30'),
      code: 'EMPLOYMENT_ALREADY_ENDED',
    },
    {
      name: 'the end of an unknown employment',
      history: [...followed(), started],
      command: end('2025-05-31', 'e-9'),
      code: 'EMPLOYMENT_NOT_FOUND',
    },
  ])('refuses $name ($code)', refuses);
});

describe('intensive accompaniment: a modality of the accompaniment, for intensiveMonths (DOMAIN.md §2.5, §3)', () => {
  it('starts with a référent, for the planned period, once at a time, and ends not before its start', () => {
    given(followed())
      .when({ type: 'StartIntensiveAccompaniment', startedOn: '2025-02-10' })
      .then([
        {
          type: 'IntensiveAccompanimentStarted',
          data: { startedOn: '2025-02-10', plannedEndOn: '2025-08-09' },
        },
      ]);
    given([...followed().slice(0, 2)])
      .when({ type: 'StartIntensiveAccompaniment', startedOn: '2025-02-10' })
      .thenViolation('REFERENT_REQUIRED');
    const running: ParcoursEvent = {
      type: 'IntensiveAccompanimentStarted',
      data: { startedOn: '2025-02-10', plannedEndOn: '2025-08-09' },
    };
    given([...followed(), running])
      .when({ type: 'StartIntensiveAccompaniment', startedOn: '2025-03-01' })
      .thenViolation('INTENSIVE_ALREADY_RUNNING');
    given([...followed(), running])
      .when({ type: 'EndIntensiveAccompaniment', endedOn: '2025-02-01' })
      .thenViolation('INTENSIVE_END_BEFORE_START', 'endedOn');
    given(followed())
      .when({ type: 'EndIntensiveAccompaniment', endedOn: '2025-03-01' })
      .thenViolation('INTENSIVE_NOT_RUNNING');
  });
});
