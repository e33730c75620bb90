import { followed, given, history, Refusal, refuses } from '../testing/parcours-specification';
import { ParcoursCommand } from './commands';
import { ParcoursEvent } from './events';

/** A contract of 15 hours a week from Monday 3 February 2025 (test clock: 30 June 2025). */
const contract = history.contract('c-1', '2025-02-03', '2025-08-02');
const plan: ParcoursCommand = {
  type: 'SetActivityPlan',
  contractId: 'c-1',
  setOn: '2025-02-03',
  activities: [
    { kind: 'insertion_action', weeklyHours: 6 },
    { kind: 'job_search', weeklyHours: 5 },
    { kind: 'health_steps', weeklyHours: 4 },
  ],
};
const planSet = (setOn = '2025-02-03', hours = [6, 5, 4]): ParcoursEvent => ({
  type: 'ActivityPlanSet',
  data: {
    contractId: 'c-1',
    setOn,
    activities: hours.map((weeklyHours, i) => ({
      kind: (['insertion_action', 'job_search', 'health_steps'] as const)[i],
      weeklyHours,
    })),
  },
});
const hours: ParcoursCommand = {
  type: 'RecordActivityHours',
  contractId: 'c-1',
  weekOf: '2025-02-10',
  hours: 12,
  source: 'referent',
};

describe('the activity plan of a contract (loi 2023-1196, DOMAIN.md §4.2)', () => {
  it('plans activities whose hours make the contract’s 15 hours a week', () => {
    given([...followed(), contract])
      .when(plan)
      .then([planSet()]);
  });

  it('plans a reduced contract at its reduced hours (the reason was given at signature)', () => {
    const reduced: ParcoursEvent = {
      ...contract,
      data: { ...(contract.data as object), weeklyHours: 7, hoursReductionReason: 'health' },
    } as ParcoursEvent;
    given([...followed(), reduced])
      .when({ ...plan, activities: [{ kind: 'health_steps', weeklyHours: 7 }] })
      .then([
        {
          type: 'ActivityPlanSet',
          data: {
            contractId: 'c-1',
            setOn: '2025-02-03',
            activities: [{ kind: 'health_steps', weeklyHours: 7 }],
          },
        },
      ]);
  });

  it.each<Refusal>([
    {
      name: 'hours that do not make the contract’s (§4.2: the plan is the contract’s duration)',
      history: [...followed(), contract],
      command: { ...plan, activities: [{ kind: 'job_search', weeklyHours: 10 }] },
      code: 'ACTIVITY_PLAN_SUM_MISMATCH',
      field: 'activities',
    },
    {
      name: 'the same activity twice',
      history: [...followed(), contract],
      command: {
        ...plan,
        activities: [
          { kind: 'job_search', weeklyHours: 10 },
          { kind: 'job_search', weeklyHours: 5 },
        ],
      },
      code: 'ACTIVITY_PLAN_DUPLICATE_KIND',
      field: 'activities',
    },
    {
      name: 'an activity of no hours',
      history: [...followed(), contract],
      command: {
        ...plan,
        activities: [
          { kind: 'job_search', weeklyHours: 15 },
          { kind: 'training', weeklyHours: 0 },
        ],
      },
      code: 'ACTIVITY_HOURS_NOT_POSITIVE',
      field: 'activities',
    },
    {
      name: 'a plan before the signature',
      history: [...followed(), contract],
      command: { ...plan, setOn: '2025-02-01' },
      code: 'PLAN_BEFORE_SIGNATURE',
      field: 'setOn',
    },
    {
      name: 'a contract already reviewed',
      history: [
        ...followed(),
        contract,
        {
          type: 'ContractReviewed',
          data: { contractId: 'c-1', reviewedOn: '2025-05-02', outcome: 'renewal' },
        },
      ],
      command: { ...plan, setOn: '2025-05-05' },
      code: 'CONTRACT_CLOSED',
      field: 'contractId',
    },
  ])('refuses $name', refuses);

  it('answers 404 for a contract that does not exist', () => {
    given([...followed(), contract])
      .when({ ...plan, contractId: 'c-404' })
      .thenViolation('CONTRACT_NOT_FOUND');
  });
});

describe('the hours done each week, against the plan', () => {
  it('records the hours of a week, declared by the référent', () => {
    given([...followed(), contract, planSet()])
      .when(hours)
      .then([
        {
          type: 'ActivityHoursRecorded',
          data: { contractId: 'c-1', weekOf: '2025-02-10', hours: 12, source: 'referent' },
        },
      ]);
  });

  it('justifies a week below the plan with a reason', () => {
    given([...followed(), contract, planSet()])
      .when({ ...hours, hours: 4, shortfallReason: 'illness' })
      .then([
        {
          type: 'ActivityHoursRecorded',
          data: {
            contractId: 'c-1',
            weekOf: '2025-02-10',
            hours: 4,
            source: 'referent',
            shortfallReason: 'illness',
          },
        },
      ]);
  });

  it.each<Refusal>([
    {
      name: 'a week that does not start on a Monday',
      history: [...followed(), contract],
      command: { ...hours, weekOf: '2025-02-11' },
      code: 'WEEK_MUST_START_ON_MONDAY',
      field: 'weekOf',
    },
    {
      name: 'a week not yet over (the clock is Monday 30 June)',
      history: [...followed(), contract],
      command: { ...hours, weekOf: '2025-06-30' },
      code: 'WEEK_NOT_ENDED',
      field: 'weekOf',
    },
    {
      name: 'a week before the contract',
      history: [...followed(), contract],
      command: { ...hours, weekOf: '2025-01-27' },
      code: 'WEEK_OUTSIDE_CONTRACT',
      field: 'weekOf',
    },
    {
      name: 'a reason for a week at the plan',
      history: [...followed(), contract, planSet()],
      command: { ...hours, hours: 15, shortfallReason: 'illness' },
      code: 'SHORTFALL_REASON_WITHOUT_SHORTFALL',
      field: 'shortfallReason',
    },
    {
      name: 'a week after the exit from the RSA that ended the contract',
      history: [...followed(), contract, history.exited('2025-04-30')],
      command: { ...hours, weekOf: '2025-05-05' },
      code: 'WEEK_OUTSIDE_CONTRACT',
      field: 'weekOf',
    },
  ])('refuses $name', refuses);

  it.each([
    [
      'its bilan',
      { type: 'ContractReviewed', data: { contractId: 'c-1', reviewedOn: '2025-03-03', outcome: 'renewal' } },
    ],
    ['the exit from the RSA', history.exited('2025-04-30')],
  ] as [string, ParcoursEvent][])(
    "takes a partner's late report of a week done before %s closed the contract",
    (_, closing) => {
      given([...followed(), contract, planSet(), closing])
        .when({ ...hours, source: 'partner' })
        .then([
          {
            type: 'ActivityHoursRecorded',
            data: { contractId: 'c-1', weekOf: '2025-02-10', hours: 12, source: 'partner' },
          },
        ]);
    },
  );
});

describe('a manquement for hours not done names its weeks (DOMAIN.md §4.1, §4.2)', () => {
  const short = (weekOf: string, hours: number, shortfallReason?: 'illness'): ParcoursEvent => ({
    type: 'ActivityHoursRecorded',
    data: {
      contractId: 'c-1',
      weekOf,
      hours,
      source: 'referent',
      ...(shortfallReason ? { shortfallReason } : {}),
    },
  });
  const weeks = [
    short('2025-03-03', 4),
    short('2025-03-10', 15),
    short('2025-03-17', 0, 'illness'),
    short('2025-03-24', 6),
  ];
  const report: ParcoursCommand = {
    type: 'ReportBreach',
    kind: 'activity_hours_not_done',
    obligation: 'activity_hours',
    occurredOn: '2025-03-30',
    reportedOn: '2025-04-01',
    weeks: ['2025-03-24', '2025-03-03'],
  };

  it('cites the weeks below the plan without a reason, in order', () => {
    const [event] = given([...followed(), contract, ...weeks])
      .when(report)
      .events();
    expect(event).toMatchObject({ type: 'BreachReported', data: { weeks: ['2025-03-03', '2025-03-24'] } });
  });

  it.each<Refusal>([
    {
      name: 'a week done at the plan',
      history: [...followed(), contract, ...weeks],
      command: { ...report, weeks: ['2025-03-10'] },
      code: 'BREACH_WEEK_NOT_SHORT',
      field: 'weeks',
    },
    {
      name: 'a week justified (illness)',
      history: [...followed(), contract, ...weeks],
      command: { ...report, weeks: ['2025-03-17'] },
      code: 'BREACH_WEEK_NOT_SHORT',
      field: 'weeks',
    },
    {
      name: 'a week never recorded',
      history: [...followed(), contract, ...weeks],
      command: { ...report, weeks: ['2025-02-24'] },
      code: 'BREACH_WEEK_NOT_SHORT',
      field: 'weeks',
    },
    {
      name: 'a week after the manquement',
      history: [...followed(), contract, ...weeks],
      command: { ...report, occurredOn: '2025-03-20', weeks: ['2025-03-24'] },
      code: 'BREACH_WEEK_NOT_SHORT',
      field: 'weeks',
    },
    {
      name: 'a week justified by the référent, then reported by a partner (the reason stays)',
      history: [
        ...followed(),
        contract,
        ...weeks,
        {
          type: 'ActivityHoursRecorded',
          data: { contractId: 'c-1', weekOf: '2025-03-17', hours: 0, source: 'partner' },
        },
      ],
      command: { ...report, weeks: ['2025-03-17'] },
      code: 'BREACH_WEEK_NOT_SHORT',
      field: 'weeks',
    },
    {
      name: 'a week under an exemption (§4.1: the obligation was suspended)',
      history: [
        ...followed(),
        contract,
        ...weeks,
        {
          type: 'ExemptionGranted',
          data: { exemptionId: 'x-1', reason: 'health', from: '2025-03-26', to: '2025-03-28' },
        },
      ],
      command: { ...report, weeks: ['2025-03-24'] },
      code: 'BREACH_WEEK_EXEMPTED',
      field: 'weeks',
    },
    {
      name: 'weeks for another obligation',
      history: [...followed(), contract, ...weeks],
      command: { ...report, kind: 'unexcused_missed_appointment', obligation: 'appointments' },
      code: 'BREACH_WEEKS_ONLY_FOR_ACTIVITY_HOURS',
      field: 'weeks',
    },
  ])('refuses $name', refuses);
});
