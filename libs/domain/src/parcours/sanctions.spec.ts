import { followed, given, history, Refusal, refuses, testContext } from '../testing/parcours-specification';
import { ParcoursCommand } from './commands';
import { ParcoursEvent } from './events';

/**
 * The sanction procedure as the law fixes it (DOMAIN.md §4.1; L262-37 CASF in
 * its 2025 version, R262-68, R262-68-1, R262-68-6, L262-47; loi 2023-1196 for
 * the activity hours). One scenario per rule, each with the article it enforces.
 */
const breach = (breachId: string, obligation: string, occurredOn: string): ParcoursEvent => ({
  type: 'BreachReported',
  data: { breachId, kind: 'unexcused_missed_appointment', obligation, occurredOn, reportedOn: occurredOn },
});
const informed = (breachId: string, informedOn: string): ParcoursEvent => ({
  type: 'BeneficiaryInformedOfBreach',
  data: { breachId, informedOn },
});
const observations = (breachId: string, receivedOn: string): ParcoursEvent => ({
  type: 'BreachObservationsReceived',
  data: { breachId, receivedOn },
});
const opinion = (breachId: string, givenOn: string): ParcoursEvent => ({
  type: 'EpOpinionGiven',
  data: { breachId, givenOn, opinion: 'sanction' },
});
const suspension = (
  breachId: string,
  sanctionId: string,
  decidedOn: string,
  endsOn: string,
  months = 2,
): ParcoursEvent => ({
  type: 'SuspensionDecided',
  data: {
    breachId,
    sanctionId,
    decidedOn,
    startsOn: decidedOn,
    endsOn,
    sharePercent: 50,
    months,
    repeated: false,
  },
});
const decide = (breachId: string, decidedOn: string, months = 2, sharePercent = 50): ParcoursCommand => ({
  type: 'DecideBreach',
  breachId,
  decidedOn,
  decision: 'suspension',
  sharePercent,
  months,
});
/** A manquement of `obligation` on 3 March, informed on 3 March, observations on 10 March, EP opinion on 20 March. */
const procedure = (breachId: string, obligation: string, occurredOn = '2025-03-03'): ParcoursEvent[] => [
  breach(breachId, obligation, occurredOn),
  informed(breachId, occurredOn),
  observations(breachId, '2025-03-10'),
  opinion(breachId, '2025-03-20'),
];
const withContract = (weeklyHours = 15, objectives = ['permis_b']): ParcoursEvent[] => [
  ...followed(),
  {
    type: 'ContractSigned',
    data: {
      contractId: 'c-1',
      kind: 'contrat_engagement',
      signedOn: '2025-02-01',
      startsOn: '2025-02-01',
      endsOn: '2025-07-31',
      weeklyHours,
      objectives,
      renewal: false,
    },
  },
];

describe('suppression (L262-37 II 1° and III)', () => {
  const suspended = [
    ...followed(),
    ...procedure('b-1', 'appointments'),
    suspension('b-1', 's-1', '2025-03-25', '2025-05-24'),
  ];
  const suppress = (decidedOn: string): ParcoursCommand => ({
    type: 'MakeSuspensionDefinitive',
    sanctionId: 's-1',
    decidedOn,
    kind: 'suppression',
  });
  const suppressionOpinion = (givenOn: string): ParcoursEvent => ({
    type: 'SuppressionEpOpinionGiven',
    data: { sanctionId: 's-1', givenOn, opinion: 'sanction' },
  });

  it('is refused on the day the suspension started: only at its end, if the person still does not comply', () => {
    given([...suspended, suppressionOpinion('2025-03-25')])
      .when(suppress('2025-03-25'))
      .thenViolation('SUPPRESSION_BEFORE_SUSPENSION_END', 'decidedOn');
    given([...suspended, suppressionOpinion('2025-05-20')])
      .when(suppress('2025-05-24'))
      .thenViolation('SUPPRESSION_BEFORE_SUSPENSION_END', 'decidedOn');
  });

  it('needs the équipe pluridisciplinaire’s opinion on the suppression, before the decision (L262-37 III)', () => {
    given(suspended).when(suppress('2025-05-26')).thenViolation('EP_OPINION_REQUIRED');
    given([...suspended, suppressionOpinion('2025-05-28')])
      .when(suppress('2025-05-26'))
      .thenViolation('DECISION_BEFORE_EP_OPINION', 'decidedOn');
    given([...suspended, suppressionOpinion('2025-05-25')])
      .when(suppress('2025-05-26'))
      .then([
        {
          type: 'SuspensionMadeDefinitive',
          data: { sanctionId: 's-1', decidedOn: '2025-05-26', kind: 'suppression' },
        },
      ]);
  });

  it('records the EP opinion on the suppression once, not before the suspension', () => {
    given(suspended)
      .when({
        type: 'GiveSuppressionEpOpinion',
        sanctionId: 's-1',
        givenOn: '2025-03-20',
        opinion: 'sanction',
      })
      .thenViolation('OPINION_BEFORE_SUSPENSION', 'givenOn');
    given([...suspended, suppressionOpinion('2025-05-20')])
      .when({
        type: 'GiveSuppressionEpOpinion',
        sanctionId: 's-1',
        givenOn: '2025-05-21',
        opinion: 'sanction',
      })
      .thenViolation('EP_OPINION_ALREADY_GIVEN');
  });
});

describe('order of the procedure (DOMAIN.md §4.1: information, observations, then opinion and decision)', () => {
  it('refuses an EP opinion the day after the information, before any observation and before the delay is over', () => {
    const informedOnly = [
      ...followed(),
      breach('b-1', 'appointments', '2025-03-03'),
      informed('b-1', '2025-03-03'),
    ];
    given(informedOnly)
      .when({ type: 'GiveEpOpinion', breachId: 'b-1', givenOn: '2025-03-04', opinion: 'sanction' })
      .thenViolation('OBSERVATION_PERIOD_RUNNING', 'givenOn');
    // Once the 10 days (project rule, observationDays) are over, or the observations came, the opinion may follow.
    expect(
      given(informedOnly)
        .when({ type: 'GiveEpOpinion', breachId: 'b-1', givenOn: '2025-03-13', opinion: 'sanction' })
        .events(),
    ).toHaveLength(1);
    expect(
      given([...informedOnly, observations('b-1', '2025-03-05')])
        .when({ type: 'GiveEpOpinion', breachId: 'b-1', givenOn: '2025-03-05', opinion: 'sanction' })
        .events(),
    ).toHaveLength(1);
  });
});

describe('the decision weighs the observations and the opinion: it cannot precede them', () => {
  it('refuses a suspension dated before the observations or before the EP opinion', () => {
    // Informed 3 March, observations 12 March, EP opinion 20 March.
    const steps = [
      ...followed(),
      breach('b-1', 'appointments', '2025-03-03'),
      informed('b-1', '2025-03-03'),
      observations('b-1', '2025-03-12'),
      opinion('b-1', '2025-03-20'),
    ];
    given(steps).when(decide('b-1', '2025-03-05')).thenViolation('DECISION_BEFORE_OBSERVATIONS', 'decidedOn');
    given(steps).when(decide('b-1', '2025-03-14')).thenViolation('DECISION_BEFORE_EP_OPINION', 'decidedOn');
    expect(given(steps).when(decide('b-1', '2025-03-20')).events()).toHaveLength(1);
  });
});

describe('a re-entry starts clean: nothing of the previous cycle binds (DOMAIN.md §2.9)', () => {
  const exitAndReturn: ParcoursEvent[] = [
    { type: 'RsaExited', data: { exitedOn: '2025-05-31', reason: 'income' } },
    {
      type: 'ParcoursEntered',
      data: {
        ...(history.entered().data as Extract<ParcoursEvent, { type: 'ParcoursEntered' }>['data']),
        cycle: 2,
        demandOn: '2025-06-02',
        rightOpenedOn: '2025-06-02',
        enteredOn: '2025-06-02',
      },
    },
    history.oriented('2025-06-03'),
    history.referent('ref-1', '2025-06-03'),
  ];

  it('a manquement of the previous cycle cannot be sanctioned in the new one', () => {
    given([...followed(), ...procedure('b-1', 'appointments'), ...exitAndReturn])
      .when(decide('b-1', '2025-06-10'))
      .thenViolation('BREACH_OF_PREVIOUS_CYCLE');
  });

  it('an open-ended exemption of the previous cycle exempts nothing in the new one', () => {
    const exemption: ParcoursEvent = {
      type: 'ExemptionGranted',
      data: { exemptionId: 'x-1', reason: 'health', from: '2025-02-01' },
    };
    const sign: ParcoursCommand = {
      type: 'SignContract',
      kind: 'contrat_engagement',
      signedOn: '2025-06-05',
      startsOn: '2025-06-05',
      endsOn: '2025-12-04',
      weeklyHours: 0,
      objectives: [],
    };
    given([...followed(), exemption, ...exitAndReturn])
      .when(sign)
      .thenViolation('ACTIVITY_HOURS_NIL_WITHOUT_EXEMPTION');
  });
});

describe('repeated manquement (L262-37 II 2°, R262-68 2°): the same obligation again within the delay, across cycles', () => {
  const first = [
    ...followed(),
    ...procedure('b-1', 'appointments'),
    suspension('b-1', 's-1', '2025-03-25', '2025-05-24'),
  ];

  it('is not repeated when an earlier suspension concerned another obligation', () => {
    const history2 = [
      ...first,
      ...procedure('b-2', 'contract_signature', '2025-06-02').map(shift('2025-06')),
    ];
    given(history2)
      .when(decide('b-2', '2025-06-25', 3))
      .thenViolation('SANCTION_DURATION_OUT_OF_SCALE', 'months');
    expect(
      given(history2)
        .when(decide('b-2', '2025-06-25', 2))
        .events()[0],
    ).toMatchObject({ data: { repeated: false } });
  });

  it('is repeated for the same obligation within 12 months (repeatedBreachDelayMonths), up to 4 months', () => {
    const history2 = [...first, ...procedure('b-2', 'appointments', '2025-06-02').map(shift('2025-06'))];
    expect(
      given(history2)
        .when(decide('b-2', '2025-06-25', 4))
        .events()[0],
    ).toMatchObject({ data: { repeated: true, months: 4 } });
  });

  it('is not repeated beyond the delay', () => {
    const history2 = [...first, ...procedure('b-2', 'appointments', '2025-06-02').map(shift('2025-06'))];
    const ctx = testContext({ parameters: { repeatedBreachDelayMonths: 2 } });
    expect(
      given(history2)
        .when(decide('b-2', '2025-06-25', 2), ctx)
        .events()[0],
    ).toMatchObject({ data: { repeated: false } });
  });

  it('counts across cycles: after an exit and a re-entry the same manquement is repeated, not a first', () => {
    const reentered: ParcoursEvent[] = [
      ...first,
      { type: 'RsaExited', data: { exitedOn: '2025-05-31', reason: 'income' } },
      {
        type: 'ParcoursEntered',
        data: {
          ...(history.entered().data as Extract<ParcoursEvent, { type: 'ParcoursEntered' }>['data']),
          cycle: 2,
          demandOn: '2025-06-02',
          rightOpenedOn: '2025-06-02',
          enteredOn: '2025-06-02',
        },
      },
      history.oriented('2025-06-03'),
      ...procedure('b-2', 'appointments', '2025-06-04').map(shift('2025-06')),
    ];
    expect(
      given(reentered)
        .when(decide('b-2', '2025-06-25', 3))
        .events()[0],
    ).toMatchObject({ data: { repeated: true } });
  });

  it('does not count a withdrawn or annulled sanction (L262-47): the next one is a first', () => {
    const withdrawn: ParcoursEvent = {
      type: 'SanctionWithdrawn',
      data: { sanctionId: 's-1', decidedOn: '2025-04-15', kind: 'annulment' },
    };
    const history2 = [
      ...first,
      withdrawn,
      ...procedure('b-2', 'appointments', '2025-06-02').map(shift('2025-06')),
    ];
    given(history2)
      .when(decide('b-2', '2025-06-25', 3))
      .thenViolation('SANCTION_DURATION_OUT_OF_SCALE');
  });
});

describe('cap of the suspended share (R262-68-6)', () => {
  it('keeps the single-parent increase through a household change that does not state it (a CAF change carries no such flag)', () => {
    const events: ParcoursEvent[] = [
      history.entered('2025-01-06', { household: { type: 'single', size: 1, singleParentIncrease: true } }),
      history.oriented(),
      history.referent(),
    ];
    expect(
      given(events)
        .when({ type: 'ChangeHousehold', household: { type: 'single', size: 1 }, changedOn: '2025-02-01' })
        .events()[0],
    ).toMatchObject({
      data: { household: { singleParentIncrease: true } },
    });
  });

  const single = (household: object) => [
    history.entered('2025-01-06', { household: household as never }),
    history.oriented(),
    history.referent(),
    ...procedure('b-1', 'appointments'),
  ];

  it.each([
    ['a single parent in a household of 1 (the household type says so)', { type: 'single_parent', size: 1 }],
    [
      'a person receiving the single-parent increase (L262-9)',
      { type: 'single', size: 1, singleParentIncrease: true },
    ],
    ['a household of more than one person', { type: 'couple', size: 2 }],
  ])('caps it at 50 %% for %s', (_, household) => {
    given(single(household))
      .when(decide('b-1', '2025-03-25', 2, 100))
      .thenViolation('SANCTION_SHARE_ABOVE_HOUSEHOLD_CAP', 'sharePercent');
    expect(
      given(single(household))
        .when(decide('b-1', '2025-03-25', 2, 50))
        .events(),
    ).toHaveLength(1);
  });

  it('does not cap a person alone without the increase', () => {
    expect(
      given(single({ type: 'single', size: 1 }))
        .when(decide('b-1', '2025-03-25', 2, 100))
        .events(),
    ).toHaveLength(1);
  });
});

describe('the obligation breached (Conseil d’État n° 418975; an exemption suspends the obligations it covers)', () => {
  const report = (obligation: string, occurredOn = '2025-03-03'): ParcoursCommand => ({
    type: 'ReportBreach',
    kind: 'activity_hours_not_done',
    obligation,
    occurredOn,
    reportedOn: occurredOn,
  });
  const health: ParcoursEvent = {
    type: 'ExemptionGranted',
    data: { exemptionId: 'x-1', reason: 'health', from: '2025-03-01', to: '2025-04-30' },
  };

  it('refuses hours not done during a health exemption', () => {
    given([...withContract(), health])
      .when(report('activity_hours'))
      .thenViolation('BREACH_OBLIGATION_EXEMPTED', 'obligation');
    given([...withContract(), health])
      .when(report('permis_b'))
      .thenViolation('BREACH_OBLIGATION_EXEMPTED', 'obligation');
    // After the exemption the obligation binds again.
    expect(
      given([...withContract(), health])
        .when(report('activity_hours', '2025-05-02'))
        .events()[0],
    ).toMatchObject({ data: { obligation: 'activity_hours' } });
  });

  const reviewed: ParcoursEvent = {
    type: 'ContractReviewed',
    data: { contractId: 'c-1', reviewedOn: '2025-04-01', outcome: 'end_of_contract' },
  };
  it.each<Refusal>([
    {
      name: 'a step absent from the contract in force',
      history: withContract(),
      command: report('garde_enfant'),
      code: 'BREACH_OBLIGATION_NOT_IN_CONTRACT',
      field: 'obligation',
    },
    {
      name: 'a contract step without any contract',
      history: followed(),
      command: report('activity_hours'),
      code: 'BREACH_OBLIGATION_NOT_IN_CONTRACT',
      field: 'obligation',
    },
    {
      name: 'a step of a contract reviewed to its end',
      history: [...withContract(), reviewed],
      command: report('permis_b', '2025-04-15'),
      code: 'BREACH_OBLIGATION_NOT_IN_CONTRACT',
      field: 'obligation',
    },
  ])('refuses $name ($code)', refuses);

  it('accepts a legal obligation with or without a contract', () => {
    expect(given(followed()).when(report('appointments')).events()).toHaveLength(1);
    expect(given(withContract()).when(report('permis_b')).events()[0]).toMatchObject({
      data: { obligation: 'permis_b' },
    });
  });
});

describe('activity duration of the contract (loi 2023-1196; DOMAIN.md §4.2)', () => {
  const sign = (weeklyHours: number, extra: object = {}): ParcoursCommand =>
    ({
      type: 'SignContract',
      kind: 'contrat_engagement',
      signedOn: '2025-02-01',
      startsOn: '2025-02-01',
      endsOn: '2025-07-31',
      weeklyHours,
      objectives: [],
      ...extra,
    }) as ParcoursCommand;
  const exemption: ParcoursEvent = {
    type: 'ExemptionGranted',
    data: { exemptionId: 'x-1', reason: 'health', from: '2025-01-25' },
  };

  it('refuses 0 hours without an exemption, even with a reason', () => {
    given(followed()).when(sign(0)).thenViolation('ACTIVITY_HOURS_NIL_WITHOUT_EXEMPTION', 'weeklyHours');
    given(followed())
      .when(sign(0, { hoursReductionReason: 'health' }))
      .thenViolation('ACTIVITY_HOURS_NIL_WITHOUT_EXEMPTION', 'weeklyHours');
    expect(
      given([...followed(), exemption])
        .when(sign(0))
        .events(),
    ).toHaveLength(1);
  });

  it('refuses fewer than 15 hours without a reason of reduction', () => {
    given(followed())
      .when(sign(7))
      .thenViolation('ACTIVITY_HOURS_REDUCTION_REASON_REQUIRED', 'hoursReductionReason');
    expect(
      given(followed())
        .when(sign(7, { hoursReductionReason: 'child_care' }))
        .events()[0],
    ).toMatchObject({ data: { weeklyHours: 7, hoursReductionReason: 'child_care' } });
    expect(given(followed()).when(sign(15)).events()).toHaveLength(1);
  });
});

describe('remobilisation, recours and withdrawal (L262-37 I, R262-68-1, L262-47)', () => {
  const suspended = [
    ...followed(),
    ...procedure('b-1', 'appointments'),
    suspension('b-1', 's-1', '2025-03-25', '2025-05-24'),
  ];

  it('records a recours (RAPO) once, not before the decision', () => {
    given(suspended)
      .when({ type: 'AppealSanction', sanctionId: 's-1', appealedOn: '2025-03-20' })
      .thenViolation('APPEAL_BEFORE_DECISION', 'appealedOn');
    given(suspended)
      .when({ type: 'AppealSanction', sanctionId: 's-1', appealedOn: '2025-04-01' })
      .then([{ type: 'SanctionAppealed', data: { sanctionId: 's-1', appealedOn: '2025-04-01' } }]);
    given([...suspended, { type: 'SanctionAppealed', data: { sanctionId: 's-1', appealedOn: '2025-04-01' } }])
      .when({ type: 'AppealSanction', sanctionId: 's-1', appealedOn: '2025-04-02' })
      .thenViolation('SANCTION_ALREADY_APPEALED');
  });

  it('withdraws or annuls a sanction once; a withdrawn sanction can no longer be lifted nor made definitive', () => {
    const withdrawn: ParcoursEvent = {
      type: 'SanctionWithdrawn',
      data: { sanctionId: 's-1', decidedOn: '2025-04-10', kind: 'withdrawal' },
    };
    given(suspended)
      .when({ type: 'WithdrawSanction', sanctionId: 's-1', decidedOn: '2025-04-10', kind: 'withdrawal' })
      .then([withdrawn]);
    given([...suspended, withdrawn])
      .when({ type: 'WithdrawSanction', sanctionId: 's-1', decidedOn: '2025-04-11', kind: 'annulment' })
      .thenViolation('SANCTION_WITHDRAWN');
    given([...suspended, withdrawn])
      .when({ type: 'LiftSuspension', sanctionId: 's-1', remobilisedOn: '2025-04-12', monthsToRepay: 1 })
      .thenViolation('SANCTION_NOT_IN_PROGRESS');
  });
});

/** Moves the events of a procedure built for March into another month (same days). */
function shift(month: string) {
  return (e: ParcoursEvent): ParcoursEvent =>
    ({
      ...e,
      data: JSON.parse(JSON.stringify(e.data).replace(/2025-03-(\d\d)/g, `${month}-$1`)),
    }) as ParcoursEvent;
}
