import { ParcoursEvent } from '@parcours/domain';
import { enteredEvent, figuresOf } from '../testing/indicator-histories';

/**
 * The activity plan and the hours done (loi 2023-1196, DOMAIN.md §4.2 and §5.2 "intensité de
 * l'accompagnement") over February–March 2025: eight weeks of one person, three of another.
 * Every expected figure is counted by hand from the histories below.
 */
const FEB_MAR_2025 = { from: '2025-02-01', to: '2025-03-31' };

const entered = (parcoursId: string) => enteredEvent(parcoursId, '2025-01-02');
const contract = (
  contractId: string,
  startsOn: string,
  endsOn: string,
  weeklyHours: number,
): ParcoursEvent => ({
  type: 'ContractSigned',
  data: {
    contractId,
    kind: 'contrat_engagement',
    signedOn: startsOn,
    startsOn,
    endsOn,
    weeklyHours,
    objectives: [],
    renewal: false,
    ...(weeklyHours < 15 ? { hoursReductionReason: 'health' as const } : {}),
  },
});
const plan = (contractId: string, setOn: string, hours: number): ParcoursEvent => ({
  type: 'ActivityPlanSet',
  data: {
    contractId,
    setOn,
    activities: [
      { kind: 'insertion_action', weeklyHours: hours - 5 },
      { kind: 'job_search', weeklyHours: 5 },
    ],
  },
});
const week = (
  contractId: string,
  weekOf: string,
  hours: number,
  shortfallReason?: 'illness',
): ParcoursEvent => ({
  type: 'ActivityHoursRecorded',
  data: { contractId, weekOf, hours, source: 'referent', ...(shortfallReason ? { shortfallReason } : {}) },
});

const histories: ParcoursEvent[][] = [
  // A: 15 h a week, planned from the start; eight weeks done 15, 12, 15, 18, 0 (ill), 15, 10, 15.
  [
    entered('A'),
    contract('kA', '2025-02-03', '2025-08-02', 15),
    plan('kA', '2025-02-03', 15),
    ...(
      [
        ['2025-02-03', 15],
        ['2025-02-10', 12],
        ['2025-02-17', 15],
        ['2025-02-24', 18],
        ['2025-03-03', 0],
        ['2025-03-10', 15],
        ['2025-03-17', 10],
        ['2025-03-24', 15],
      ] as const
    ).map(([on, h]) => week('kA', on, h, h === 0 ? 'illness' : undefined)),
    // A week of April: outside the period.
    week('kA', '2025-03-31', 3),
  ],
  // B: reduced to 10 h for health, no plan; the week of 17 February recorded 8 then corrected to 9.
  [
    entered('B'),
    contract('kB', '2025-02-10', '2025-08-09', 10),
    week('kB', '2025-02-10', 10),
    week('kB', '2025-02-17', 8),
    week('kB', '2025-02-17', 9),
    week('kB', '2025-03-03', 10),
  ],
  // C: 15 h from March, its plan set only on 7 April (after the period), no week recorded.
  [entered('C'), contract('kC', '2025-03-03', '2025-09-02', 15), plan('kC', '2025-04-07', 15)],
];

const figures = () => figuresOf(histories, FEB_MAR_2025);

describe('activity plan and hours done, worked out by hand (DOMAIN.md §4.2)', () => {
  // Weeks with their Monday in the period: A's eight (planned 15) and B's three (planned 10), 11 in all;
  // A's week of 31 March starts in the period too: 12 weeks, the last done 3 h.
  // Planned: 9 × 15 + 3 × 10 = 165; done: A 100 + 3, B 10 + 9 + 10 = 29 → 132.
  const f = figures();

  it('hours planned per person and week: mean 165 / 12, median of 10,10,10,15×9 = 15', () => {
    expect(f['reseau_emploi.activity_hours_planned_mean']).toMatchObject({ numerator: 165, denominator: 12 });
    expect(f['reseau_emploi.activity_hours_planned_mean'].value).toBeCloseTo(165 / 12, 10);
    expect(f['reseau_emploi.activity_hours_planned_median']).toMatchObject({ denominator: 12, value: 15 });
  });

  it('hours done: mean 132 / 12; median of 0,3,9,10,10,10,12,15,15,15,15,18 = (10 + 12) / 2 = 11', () => {
    expect(f['reseau_emploi.activity_hours_done_mean']).toMatchObject({ numerator: 132, denominator: 12 });
    expect(f['reseau_emploi.activity_hours_done_mean'].value).toBeCloseTo(11, 10);
    expect(f['reseau_emploi.activity_hours_done_median']).toMatchObject({ denominator: 12, value: 11 });
  });

  it('weeks fully done: A 5 of 9 (not 12, 0 even justified, 10, 3), B 2 of 3 (the corrected 9 < 10)', () => {
    expect(f['reseau_emploi.activity_weeks_fully_done']).toMatchObject({ numerator: 7, denominator: 12 });
  });

  it('contracts in force on 31 March with a plan of at least 15 h by then: A only, of A, B, C', () => {
    expect(f['reseau_emploi.activity_plan_15h_share']).toMatchObject({ numerator: 1, denominator: 3 });
  });
});
