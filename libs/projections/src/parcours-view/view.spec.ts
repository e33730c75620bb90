import { DEFAULT_PARAMETERS, ParcoursEvent } from '@parcours/domain';
import { echeanceStatus, evolveView, ParcoursView } from './view';

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
const oriented = (notifiedOn: string, track: string, reorientationRequestId?: string): ParcoursEvent => ({
  type: 'Oriented',
  data: {
    orientationId: `o-${notifiedOn}`,
    track: track as never,
    organisationId: 'org',
    organisationKind: 'ccas_cias',
    decidedOn: notifiedOn,
    notifiedOn,
    reorientationRequestId,
  },
});

function fold(events: ParcoursEvent[], book = { versions: [] as never[] }): ParcoursView {
  return events.reduce<ParcoursView | undefined>((v, e) => evolveView(v, e, book), undefined)!;
}
/**
 * The last date the view knows of: when an échéance opened, was met or cancelled (the end of accompaniment is met
 * ahead, on its due date).
 */
const lastKnown = (v: ParcoursView) =>
  v.echeances
    .flatMap((e) => [e.startsOn, e.cancelledOn ?? '', e.kind === 'accompaniment_end' ? '' : (e.metOn ?? '')])
    .sort()
    .at(-1)!;
/** The échéances still to meet on a date (upcoming, due soon or overdue), by default the last the view knows of. */
const open = (v: ParcoursView, on = lastKnown(v)) =>
  v.echeances
    .filter((e) => ['upcoming', 'due_soon', 'overdue'].includes(echeanceStatus(e, on)))
    .map((e) => [e.kind, e.dueOn]);
const statusOf = (v: ParcoursView, kind: string, on: string) =>
  v.echeances.filter((e) => e.kind === kind).map((e) => echeanceStatus(e, on));

describe('échéances of a parcours', () => {
  it('an exit closes the contact gap and the suspension end; a re-entry starts clean (DOMAIN.md §2.9)', () => {
    const held: ParcoursEvent[] = [
      {
        type: 'AppointmentScheduled',
        data: {
          appointmentId: 'a',
          scheduledFor: '2025-02-03',
          scheduledOn: '2025-01-31',
          kind: 'individual',
          channel: 'in_person',
          referentId: 'r',
        },
      },
      { type: 'AppointmentHeld', data: { appointmentId: 'a', heldOn: '2025-02-03' } },
    ];
    const suspended: ParcoursEvent[] = [
      {
        type: 'BreachReported',
        data: {
          breachId: 'b',
          kind: 'unreachable',
          obligation: 'appointments',
          occurredOn: '2025-03-01',
          reportedOn: '2025-03-01',
        },
      },
      {
        type: 'SuspensionDecided',
        data: {
          breachId: 'b',
          sanctionId: 's',
          decidedOn: '2025-03-20',
          startsOn: '2025-03-20',
          endsOn: '2025-05-19',
          sharePercent: 50,
          months: 2,
          repeated: false,
        },
      },
    ];
    const before = fold([entered, oriented('2025-01-31', 'social'), ...held, ...suspended]);
    expect(open(before).map(([kind]) => kind)).toEqual(
      expect.arrayContaining(['contact_gap', 'suspension_end']),
    );
    const exited = fold([
      entered,
      oriented('2025-01-31', 'social'),
      ...held,
      ...suspended,
      { type: 'RsaExited', data: { exitedOn: '2025-04-30', reason: 'income' } },
    ]);
    expect(open(exited)).toEqual([['accompaniment_end', '2025-10-30']]);
    const reentered = fold([
      entered,
      oriented('2025-01-31', 'social'),
      ...held,
      ...suspended,
      { type: 'RsaExited', data: { exitedOn: '2025-04-30', reason: 'income' } },
      {
        ...entered,
        data: {
          ...(entered.data as Extract<ParcoursEvent, { type: 'ParcoursEntered' }>['data']),
          cycle: 2,
          demandOn: '2025-06-01',
          rightOpenedOn: '2025-06-01',
          enteredOn: '2025-06-02',
        },
      } as ParcoursEvent,
    ]);
    expect(open(reentered).map(([kind]) => kind)).toEqual(['orientation_legal', 'orientation_target']);
  });

  it('a person already in the RSA on 1 January 2025 owes a contract by 31 December 2026 (décret n° 2024-1244)', () => {
    const before2025: ParcoursEvent = {
      ...entered,
      data: {
        ...(entered.data as Extract<ParcoursEvent, { type: 'ParcoursEntered' }>['data']),
        enteredOn: '2024-06-03',
        demandOn: '2024-06-01',
        rightOpenedOn: '2024-06-01',
      },
    } as ParcoursEvent;
    const contract = (signedOn: string): ParcoursEvent => ({
      type: 'ContractSigned',
      data: {
        contractId: `c-${signedOn}`,
        kind: 'cer',
        signedOn,
        startsOn: signedOn,
        endsOn: '2026-12-31',
        weeklyHours: 15,
        objectives: [],
        renewal: false,
      },
    });
    const legacy = (v: ParcoursView) => v.echeances.find((e) => e.kind === 'legacy_contract');
    expect(legacy(fold([before2025]))).toMatchObject({ startsOn: '2025-01-01', dueOn: '2026-12-31' });
    // A contract of 2024 (a CER) does not meet it; one signed in 2025 does.
    expect(
      legacy(fold([before2025, oriented('2024-07-01', 'social'), contract('2024-09-01')]))?.metOn,
    ).toBeUndefined();
    expect(
      legacy(fold([before2025, oriented('2024-07-01', 'social'), contract('2025-03-03')])),
    ).toMatchObject({ metOn: '2025-03-03' });
    // Entered in 2025: not concerned.
    expect(legacy(fold([entered]))).toBeUndefined();
  });

  it(
    'intensive accompaniment: one échéance per calendar month, met by its second ' +
      'entretien held, the months after an early end cancelled',
    () => {
      const held = (id: string, on: string): ParcoursEvent[] => [
        {
          type: 'AppointmentScheduled',
          data: {
            appointmentId: id,
            scheduledFor: on,
            scheduledOn: on,
            kind: 'individual',
            channel: 'phone',
            referentId: 'r',
          },
        },
        { type: 'AppointmentHeld', data: { appointmentId: id, heldOn: on } },
      ];
      const v = fold([
        entered,
        oriented('2025-01-31', 'social'),
        {
          type: 'IntensiveAccompanimentStarted',
          data: { startedOn: '2025-02-10', plannedEndOn: '2025-04-09' },
        },
        ...held('a1', '2025-02-12'),
        ...held('a2', '2025-02-26'),
        ...held('a3', '2025-03-05'),
        { type: 'IntensiveAccompanimentEnded', data: { endedOn: '2025-03-20' } },
      ]);
      const months = v.echeances
        .filter((e) => e.kind === 'intensive_contact')
        .map((e) => [e.startsOn, e.dueOn, e.metOn ?? null, e.cancelledOn ?? null]);
      expect(months).toEqual([
        ['2025-02-10', '2025-02-28', '2025-02-26', null],
        ['2025-03-01', '2025-03-31', null, null],
        ['2025-04-01', '2025-04-30', null, '2025-03-20'],
      ]);
    },
  );

  it('a withdrawn or annulled sanction closes its suspension end (L262-47)', () => {
    const v = fold([
      entered,
      oriented('2025-01-31', 'social'),
      {
        type: 'BreachReported',
        data: {
          breachId: 'b',
          kind: 'unreachable',
          obligation: 'appointments',
          occurredOn: '2025-03-01',
          reportedOn: '2025-03-01',
        },
      },
      {
        type: 'SuspensionDecided',
        data: {
          breachId: 'b',
          sanctionId: 's',
          decidedOn: '2025-03-20',
          startsOn: '2025-03-20',
          endsOn: '2025-05-19',
          sharePercent: 50,
          months: 2,
          repeated: false,
        },
      },
      { type: 'SanctionWithdrawn', data: { sanctionId: 's', decidedOn: '2025-04-02', kind: 'annulment' } },
    ]);
    expect(v.echeances.find((e) => e.kind === 'suspension_end')).toMatchObject({ cancelledOn: '2025-04-02' });
    expect(v.cycles[0].suspensions[0]).toMatchObject({ withdrawnOn: '2025-04-02' });
  });

  it('opens the orientation deadlines at entry: 6 weeks (legal) and 15 days (target)', () => {
    expect(open(fold([entered]))).toEqual([
      ['orientation_legal', '2025-02-17'],
      ['orientation_target', '2025-01-21'],
    ]);
  });

  it('meets them with the first orientation and opens first appointment (15 days) and first contract (1 month)', () => {
    const v = fold([entered, oriented('2025-01-31', 'social')]);
    expect(v.echeances.filter((e) => e.metOn).map((e) => [e.kind, echeanceStatus(e, '2025-06-30')])).toEqual([
      ['orientation_legal', 'met_on_time'],
      ['orientation_target', 'met_late'],
    ]);
    // 31 Jan + 1 month = 28 Feb.
    expect(open(v)).toEqual([
      ['first_appointment', '2025-02-15'],
      ['first_contract', '2025-02-28'],
    ]);
  });

  it('restarts the first-contract delay when a réorientation comes before any contract', () => {
    const v = fold([
      entered,
      oriented('2025-01-20', 'social'),
      {
        type: 'ReorientationRequested',
        data: { requestId: 'r', requestedOn: '2025-02-01', motive: 'other' },
      },
      oriented('2025-02-10', 'employment', 'r'),
    ]);
    expect(
      v.echeances.filter((e) => e.kind === 'first_contract').map((e) => [e.dueOn, e.cancelledOn ?? null]),
    ).toEqual([
      ['2025-02-20', '2025-02-10'],
      ['2025-03-10', null],
    ]);
  });

  it(
    'follows the équilibré review: 12 months into a socio-professional parcours, ' +
      'again after a review that continues, ended by another track',
    () => {
      const v = fold([entered, oriented('2025-01-20', 'socio_professional')]);
      expect(open(v)).toContainEqual(['balanced_review', '2026-01-20']);
      const reviewed = evolveView(
        v,
        { type: 'BalancedReviewHeld', data: { reviewedOn: '2026-01-15', outcome: 'continue' } },
        { versions: [] },
      )!;
      const reviews = reviewed.echeances.filter((e) => e.kind === 'balanced_review');
      expect(reviews.map((e) => [e.dueOn, e.metOn ?? null])).toEqual([
        ['2026-01-20', '2026-01-15'],
        ['2027-01-15', null],
      ]);
      const moved = evolveView(reviewed, oriented('2026-02-01', 'employment', 'r2'), { versions: [] })!;
      expect(open(moved).filter(([k]) => k === 'balanced_review')).toEqual([]);
    },
  );

  it('uses the parameters in force when the échéance opens', () => {
    const book = {
      versions: [
        {
          version: 3,
          effectiveFrom: '2025-01-01',
          values: { ...DEFAULT_PARAMETERS, orientationTargetDays: 30 },
        },
      ],
    };
    const e = fold([entered], book as never).echeances.find((x) => x.kind === 'orientation_target')!;
    expect([e.dueOn, e.parametersVersion]).toEqual(['2025-02-05', 3]);
  });

  it('computes the status from the date asked: upcoming, due soon 7 days before, overdue the day after', () => {
    const e = { dueOn: '2025-03-10', warnFrom: '2025-03-03' };
    expect(echeanceStatus(e, '2025-03-02')).toBe('upcoming');
    expect(echeanceStatus(e, '2025-03-03')).toBe('due_soon');
    expect(echeanceStatus(e, '2025-03-10')).toBe('due_soon');
    expect(echeanceStatus(e, '2025-03-11')).toBe('overdue');
    expect(echeanceStatus({ ...e, metOn: '2025-03-12' }, '2025-03-11')).toBe('overdue');
    expect(echeanceStatus({ ...e, metOn: '2025-03-12' }, '2025-03-12')).toBe('met_late');
  });

  it('closes the contract échéance with the bilan, and turns to the end of accompaniment at exit', () => {
    const signed: ParcoursEvent = {
      type: 'ContractSigned',
      data: {
        contractId: 'c',
        kind: 'contrat_engagement',
        signedOn: '2025-02-01',
        startsOn: '2025-02-01',
        endsOn: '2025-07-31',
        weeklyHours: 15,
        objectives: [],
        renewal: false,
      },
    };
    const v = fold([
      entered,
      oriented('2025-01-20', 'social'),
      signed,
      { type: 'ContractReviewed', data: { contractId: 'c', reviewedOn: '2025-07-20', outcome: 'exit' } },
      { type: 'RsaExited', data: { exitedOn: '2025-07-31', reason: 'income' } },
    ]);
    expect(v.echeances.find((e) => e.kind === 'contract_end')).toMatchObject({
      dueOn: '2025-07-31',
      warnFrom: '2025-07-01',
      metOn: '2025-07-20',
    });
    expect(open(v)).toEqual([['accompaniment_end', '2026-01-31']]);
  });

  // S001: the accompaniment goes on at most 6 months after the end of payment, then ends by itself (DOMAIN.md §3).
  it('the end of accompaniment after exit is met by law at the window end, or earlier when recorded, and never stays overdue', () => {
    const exited: ParcoursEvent[] = [
      entered,
      oriented('2025-01-20', 'social'),
      { type: 'RsaExited', data: { exitedOn: '2025-03-31', reason: 'income' } },
    ];
    const lapsed = fold(exited);
    expect(statusOf(lapsed, 'accompaniment_end', '2025-09-22')).toEqual(['upcoming']);
    expect(statusOf(lapsed, 'accompaniment_end', '2025-09-29')).toEqual(['due_soon']);
    expect(statusOf(lapsed, 'accompaniment_end', '2025-09-30')).toEqual(['met_on_time']);
    expect(statusOf(lapsed, 'accompaniment_end', '2027-01-01')).toEqual(['met_on_time']);
    const ended = fold([...exited, { type: 'AccompanimentEnded', data: { endedOn: '2025-05-15' } }]);
    expect(ended.echeances.find((e) => e.kind === 'accompaniment_end')).toMatchObject({
      dueOn: '2025-09-30',
      metOn: '2025-05-15',
    });
    const reentered = fold([
      ...exited,
      {
        ...entered,
        data: {
          ...(entered.data as Extract<ParcoursEvent, { type: 'ParcoursEntered' }>['data']),
          cycle: 2,
          demandOn: '2025-06-01',
          rightOpenedOn: '2025-06-01',
          enteredOn: '2025-06-02',
        },
      } as ParcoursEvent,
    ]);
    const cut = reentered.echeances.find((e) => e.kind === 'accompaniment_end');
    expect([cut?.metOn, cut?.cancelledOn]).toEqual([undefined, '2025-06-02']);
    expect(statusOf(reentered, 'accompaniment_end', '2025-06-01')).toEqual(['upcoming']);
  });

  const contract = (signedOn: string): ParcoursEvent => ({
    type: 'ContractSigned',
    data: {
      contractId: `c-${signedOn}`,
      kind: 'contrat_engagement',
      signedOn,
      startsOn: signedOn,
      endsOn: '2026-12-31',
      weeklyHours: 15,
      objectives: [],
      renewal: false,
    },
  });
  const joint = (v: ParcoursView) =>
    v.echeances
      .filter((e) => e.kind === 'joint_review')
      .map((e) => ({ dueOn: e.dueOn, metOn: e.metOn, cancelledOn: e.cancelledOn }));

  it(
    'a contract of the social parcours is reviewed jointly 6 months later, 12 when ' +
      'the situation warrants it (L262-31, D262-65-2-1)',
    () => {
      expect(joint(fold([entered, oriented('2025-01-20', 'social'), contract('2025-02-03')]))).toEqual([
        { dueOn: '2025-08-03', metOn: undefined, cancelledOn: undefined },
      ]);
      // Not for the other parcours.
      expect(joint(fold([entered, oriented('2025-01-20', 'employment'), contract('2025-02-03')]))).toEqual(
        [],
      );
      // Extended: the six-month one is replaced by one at twelve months from the same contract.
      expect(
        joint(
          fold([
            entered,
            oriented('2025-01-20', 'social'),
            contract('2025-02-03'),
            { type: 'JointReviewExtended', data: { decidedOn: '2025-07-01' } },
          ]),
        ),
      ).toEqual([
        { dueOn: '2025-08-03', metOn: undefined, cancelledOn: '2025-07-01' },
        { dueOn: '2026-02-03', metOn: undefined, cancelledOn: undefined },
      ]);
      // Held and kept in the social parcours: the next one 6 months on; a réorientation elsewhere cancels it.
      const held = fold([
        entered,
        oriented('2025-01-20', 'social'),
        contract('2025-02-03'),
        { type: 'JointReviewHeld', data: { reviewedOn: '2025-08-01', outcome: 'social_track_maintained' } },
      ]);
      expect(joint(held)).toEqual([
        { dueOn: '2025-08-03', metOn: '2025-08-01', cancelledOn: undefined },
        { dueOn: '2026-02-01', metOn: undefined, cancelledOn: undefined },
      ]);
      const moved = fold([
        entered,
        oriented('2025-01-20', 'social'),
        contract('2025-02-03'),
        oriented('2025-04-01', 'employment', 'r'),
      ]);
      expect(joint(moved)).toEqual([{ dueOn: '2025-08-03', metOn: undefined, cancelledOn: '2025-04-01' }]);
      // An exit ends what binds in the cycle (DOMAIN.md §2.9).
      expect(
        joint(
          fold([
            entered,
            oriented('2025-01-20', 'social'),
            contract('2025-02-03'),
            { type: 'RsaExited', data: { exitedOn: '2025-05-31', reason: 'income' } },
          ]),
        )[0].cancelledOn,
      ).toBe('2025-05-31');
    },
  );

  it(
    'an accompaniment interrupted without exit awaits a new orientation within a ' +
      'month, and stops what only a référent could meet (DOMAIN.md §5.2)',
    () => {
      const held: ParcoursEvent[] = [
        {
          type: 'AppointmentScheduled',
          data: {
            appointmentId: 'a',
            scheduledFor: '2025-02-03',
            scheduledOn: '2025-01-31',
            kind: 'individual',
            channel: 'in_person',
            referentId: 'r',
          },
        },
        { type: 'AppointmentHeld', data: { appointmentId: 'a', heldOn: '2025-02-03' } },
      ];
      const interrupted = fold([
        entered,
        oriented('2025-01-20', 'social'),
        ...held,
        {
          type: 'AccompanimentInterrupted',
          data: { interruptedOn: '2025-03-10', reason: 'person_unreachable' },
        },
      ]);
      expect(open(interrupted, '2025-03-11').map(([kind]) => kind)).toEqual([
        'first_contract',
        'orientation_after_interruption',
      ]);
      expect(interrupted.echeances.find((e) => e.kind === 'orientation_after_interruption')).toMatchObject({
        dueOn: '2025-04-10',
      });
      expect(interrupted.cycles[0].interruptions).toEqual([{ on: '2025-03-10', afterOrientations: 1 }]);
      const reoriented = fold([
        entered,
        oriented('2025-01-20', 'social'),
        ...held,
        {
          type: 'AccompanimentInterrupted',
          data: { interruptedOn: '2025-03-10', reason: 'person_unreachable' },
        },
        oriented('2025-04-02', 'employment'),
      ]);
      expect(reoriented.echeances.find((e) => e.kind === 'orientation_after_interruption')).toMatchObject({
        metOn: '2025-04-02',
      });
    },
  );
});

describe('a log the schemas admit but decide never writes', () => {
  const book = { versions: [] as never[] };

  it('skips steps before any entry, and a type it does not know', () => {
    expect(
      evolveView(undefined, { type: 'RsaExited', data: { exitedOn: '2025-03-01', reason: 'income' } }, book),
    ).toBeUndefined();
    const v = fold([entered]);
    expect(evolveView(v, { type: 'ParcoursDeleted', data: {} } as never, book)).toEqual(v);
  });

  it('numbers cycles forward even when an entry repeats a cycle number', () => {
    const v = fold([
      entered,
      { ...entered, data: { ...entered.data, enteredOn: '2025-02-01' } } as ParcoursEvent,
    ]);
    expect(v.cycles.map((c) => [c.cycle, c.enteredOn])).toEqual([
      [1, '2025-01-06'],
      [2, '2025-02-01'],
    ]);
    expect(new Set(v.echeances.map((e) => e.id)).size).toBe(v.echeances.length);
  });

  it('closes the échéance of the contract reviewed even when the contract id was opened twice', () => {
    const signed = (startsOn: string): ParcoursEvent => ({
      type: 'ContractSigned',
      data: {
        contractId: 'c',
        kind: 'cer',
        signedOn: startsOn,
        startsOn,
        endsOn: '2025-12-31',
        weeklyHours: 15,
        objectives: [],
        renewal: false,
      },
    });
    const v = fold([
      entered,
      oriented('2025-01-20', 'social'),
      signed('2025-02-01'),
      signed('2025-03-01'),
      { type: 'ContractReviewed', data: { contractId: 'c', reviewedOn: '2025-04-01', outcome: 'exit' } },
    ]);
    expect(v.echeances.filter((e) => e.kind === 'contract_end').map((e) => [e.id, e.metOn])).toEqual([
      ['p:1:contract_end:c', '2025-03-01'],
      ['p:1:contract_end:c#2', '2025-04-01'],
    ]);
  });
});
