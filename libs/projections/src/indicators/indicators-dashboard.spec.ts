import { ParcoursEvent } from '@parcours/domain';
import { evolveView, ParcoursView } from '../parcours-view/view';
import { computeIndicators, FactsSnapshot } from './compute';

/**
 * One hand-built population for the réseau pour l'emploi, CIE and équilibré
 * indicators, over the first half of 2025 (181 days). Every expected figure is
 * counted by hand from the histories below; the reasoning is in the comments.
 */
const H1 = { from: '2025-01-01', to: '2025-06-30' };

let n = 0;
const id = () => `id-${++n}`;
const entered = (
  parcoursId: string,
  enteredOn: string,
  sex: 'female' | 'male',
  birthDate: string,
  household: string,
  demandOn = enteredOn,
): ParcoursEvent => ({
  type: 'ParcoursEntered',
  data: {
    parcoursId,
    cycle: 1,
    person: { lastName: 'N', firstName: 'P', birthDate, sex },
    household: { type: household as never, size: 1 },
    territory: 'T',
    demandOn,
    rightOpenedOn: enteredOn,
    enteredOn,
  },
});
const oriented = (on: string, track: string, kind: string): ParcoursEvent => ({
  type: 'Oriented',
  data: {
    orientationId: id(),
    track: track as never,
    organisationId: `org-${kind}`,
    organisationKind: kind as never,
    decidedOn: on,
    notifiedOn: on,
  },
});
function held(on: string): ParcoursEvent[] {
  const appointmentId = id();
  return [
    {
      type: 'AppointmentScheduled',
      data: {
        appointmentId,
        scheduledFor: on,
        scheduledOn: on,
        kind: 'individual',
        channel: 'in_person',
        referentId: 'r',
      },
    },
    { type: 'AppointmentHeld', data: { appointmentId, heldOn: on } },
  ];
}
const contract = (signedOn: string, endsOn: string, weeklyHours: number): ParcoursEvent => ({
  type: 'ContractSigned',
  data: {
    contractId: id(),
    kind: 'contrat_engagement',
    signedOn,
    startsOn: signedOn,
    endsOn,
    weeklyHours,
    objectives: [],
    renewal: false,
  },
});
function action(
  code: string,
  prescribedOn: string,
  enteredOn: string,
  exitedOn: string,
  outcome: string,
): ParcoursEvent[] {
  const prescriptionId = id();
  return [
    {
      type: 'ActionPrescribed',
      data: { prescriptionId, actionId: `act-${code}`, dispositifCode: code, prescribedOn },
    },
    { type: 'ActionEntered', data: { prescriptionId, enteredOn } },
    { type: 'ActionExited', data: { prescriptionId, exitedOn, outcome: outcome as never } },
  ];
}
const suspension = (decidedOn: string, endsOn: string): ParcoursEvent => ({
  type: 'SuspensionDecided',
  data: {
    breachId: id(),
    sanctionId: `s-${decidedOn}`,
    decidedOn,
    startsOn: decidedOn,
    endsOn,
    sharePercent: 50,
    months: 1,
    repeated: false,
  },
});

const histories: ParcoursEvent[][] = [
  // A: in the RSA since Oct 2024, socio-pro (CCAS), registered 5 Oct, contract 10 Jan (20 h),
  // action 3.3 ending in a training, employment on 1 May.
  [
    entered('A', '2024-10-01', 'female', '1990-07-01', 'single', '2024-09-25'),
    { type: 'FranceTravailRegistered', data: { registeredOn: '2024-10-05' } },
    oriented('2024-10-20', 'socio_professional', 'ccas_cias'),
    {
      type: 'DiagnosticRecorded',
      data: { diagnosticId: id(), diagnosedOn: '2024-11-01', barriers: ['mobility', 'housing'] },
    },
    ...held('2025-01-15'),
    contract('2025-01-10', '2025-07-09', 20),
    ...action('3.3', '2025-02-01', '2025-02-10', '2025-04-30', 'training'),
    ...held('2025-02-15'),
    { type: 'BarrierLifted', data: { barrier: 'mobility', liftedOn: '2025-03-01' } },
    { type: 'EmploymentStarted', data: { employmentId: id(), startedOn: '2025-05-01', kind: 'permanent' } },
    ...held('2025-05-20'),
  ],
  // B: entered 10 Jan, socio-pro 20 Jan, held 28 Jan (8 days), action 1.2 dropped, contract 1 Mar (10 h), suspension 1 Apr lifted 20 Apr.
  [
    entered('B', '2025-01-10', 'male', '2001-06-30', 'couple'),
    oriented('2025-01-20', 'socio_professional', 'ccas_cias'),
    ...held('2025-01-28'),
    ...action('1.2', '2025-02-01', '2025-02-05', '2025-02-28', 'dropout'),
    contract('2025-03-01', '2025-08-31', 10),
    suspension('2025-04-01', '2025-05-31'),
    {
      type: 'SuspensionLiftedByRemobilisation',
      data: { sanctionId: 's-2025-04-01', remobilisedOn: '2025-04-20' },
    },
  ],
  // C: entered 1 Feb, employment track with France Travail, suspended from 1 Mar to 31 Jul,
  // exited 15 Apr (still followed: within 6 months).
  [
    entered('C', '2025-02-01', 'female', '1970-01-01', 'single_parent'),
    oriented('2025-02-10', 'employment', 'france_travail'),
    suspension('2025-03-01', '2025-07-31'),
    { type: 'RsaExited', data: { exitedOn: '2025-04-15', reason: 'employment' } },
  ],
  // D: in the RSA since 2024, never oriented: neither accompanied nor in the stock.
  [entered('D', '2024-01-01', 'male', '1985-01-01', 'single')],
  // E: entered 1 Mar, socio-pro 5 Mar, first held appointment 25 Mar (20 days), no contract, exited 1 Jun.
  [
    entered('E', '2025-03-01', 'male', '1980-03-01', 'couple_with_children'),
    oriented('2025-03-05', 'socio_professional', 'association'),
    ...held('2025-03-25'),
    { type: 'RsaExited', data: { exitedOn: '2025-06-01', reason: 'income' } },
  ],
];

function snapshot(): FactsSnapshot {
  const book = { versions: [] };
  const views = histories.map((events) =>
    events.reduce<ParcoursView | undefined>((v, e) => evolveView(v, e, book), undefined)!,
  );
  return { facts: views.flatMap((v) => v.cycles), book };
}
const report = computeIndicators(snapshot(), H1);
const figure = (code: string) => report.groups[0].indicators.find((i) => i.code === code)!;

describe("réseau pour l'emploi dashboard", () => {
  it('describes the persons in accompaniment on 30 June (A, B, C, E; D never oriented)', () => {
    expect(figure('reseau_emploi.public_description')).toMatchObject({
      value: 4,
      breakdown: {
        'sex:female': 2,
        'sex:male': 2,
        // A turns 35 on 1 July: 34; B is 24 on the day; C 55; E 45.
        'age:25-34': 1,
        'age:<25': 1,
        'age:55-64': 1,
        'age:45-54': 1,
        'household:single': 1,
        'household:couple': 1,
        'household:single_parent': 1,
        'household:couple_with_children': 1,
        // A entered 1 Oct 2024: 6 months on 1 Apr, 12 months on 1 Oct.
        'seniority:6-12m': 1,
        'seniority:<6m': 3,
        'track:socio_professional': 3,
        'track:employment': 1,
        'territory:T': 4,
      },
    });
  });

  it('measures registration → first contract (A: 5 Oct → 10 Jan = 97 days; B, unregistered: entry 10 Jan → 1 Mar = 50)', () => {
    expect(figure('reseau_emploi.registration_to_contract_days_mean')).toMatchObject({
      numerator: 147,
      denominator: 2,
      value: 73.5,
    });
    expect(figure('reseau_emploi.registration_to_contract_days_median')).toMatchObject({
      denominator: 2,
      value: 73.5,
    });
  });

  it('counts ruptures: oriented by 30 Mar and no held appointment after it (B, C, E; A held one on 20 May)', () => {
    expect(figure('reseau_emploi.ruptures')).toMatchObject({ numerator: 3, denominator: 4 });
  });

  it('counts the mobilisation of the offer (A and B prescribed and entered)', () => {
    expect(figure('reseau_emploi.offer_prescribed')).toMatchObject({ numerator: 2, denominator: 4 });
    expect(figure('reseau_emploi.offer_entered')).toMatchObject({ numerator: 2, denominator: 4 });
  });

  it('measures the persistence of freins at 6 months (A: recorded 1 Nov, checked 1 May: mobility lifted, housing open)', () => {
    expect(figure('reseau_emploi.barrier_persistence')).toMatchObject({
      numerator: 1,
      denominator: 2,
      value: 0.5,
    });
  });

  it('counts access to and presence in employment (A)', () => {
    expect(figure('reseau_emploi.employment_access')).toMatchObject({ numerator: 1, denominator: 4 });
    expect(figure('reseau_emploi.in_employment_at_end')).toMatchObject({ numerator: 1, denominator: 4 });
  });

  it('measures intensity: contracts in force on 30 June are A (20 h) and B (10 h); 5 held appointments for 4 persons over 181 days', () => {
    expect(figure('reseau_emploi.weekly_hours_mean')).toMatchObject({
      numerator: 30,
      denominator: 2,
      value: 15,
    });
    expect(figure('reseau_emploi.weekly_hours_target_share')).toMatchObject({ numerator: 1, denominator: 2 });
    const meetings = figure('reseau_emploi.meetings_per_person_month');
    expect(meetings).toMatchObject({ numerator: 5, denominator: 4 });
    // 5 / 4 / (181 / 30.4375 = 5.9466 months) = 0.2102
    expect(meetings.value).toBeCloseTo(0.2102, 4);
  });

  it("counts suspensions: 2 decided, C's in progress on 30 June, B's lifted, none definitive", () => {
    expect(figure('reseau_emploi.suspensions')).toMatchObject({
      value: 2,
      breakdown: { decided: 2, in_progress: 1, lifted_by_remobilisation: 1, made_definitive: 0 },
    });
  });
});

describe('CIE action rows', () => {
  it('counts action entries by dispositif, and those with a positive outcome (A: training; B: dropout, nothing within 6 months)', () => {
    expect(figure('cie.action_beneficiaries')).toMatchObject({ value: 2, breakdown: { '3.3': 1, '1.2': 1 } });
    expect(figure('cie.action_positive_outcome')).toMatchObject({
      numerator: 1,
      denominator: 2,
      breakdown: { '3.3': 1 },
    });
  });
});

describe('équilibré quality (B and E: socio-pro orientations of the half-year)', () => {
  it('checks 15 days to the first appointment (B: 8 days; E: 20 days)', () => {
    expect(figure('equilibre.first_appointment_within_15_days')).toMatchObject({
      numerator: 1,
      denominator: 2,
    });
  });

  it('checks the contract rate (B), the 15 weekly hours (B has 10) and exits within 12 months (E)', () => {
    expect(figure('equilibre.contract_rate')).toMatchObject({ numerator: 1, denominator: 2 });
    expect(figure('equilibre.weekly_hours_respected')).toMatchObject({ numerator: 0, denominator: 1 });
    expect(figure('equilibre.exits_within_12_months')).toMatchObject({ numerator: 1, denominator: 2 });
  });
});
