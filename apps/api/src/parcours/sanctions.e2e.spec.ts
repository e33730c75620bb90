import {
  bearer,
  entryBody,
  seedReferenceData,
  startApi,
  StoreUnderTest,
  TestApi,
  tokens,
} from '../../../../test/support/api';

const stores: StoreUnderTest[] = process.env.PARCOURS_TEST_POSTGRES_MISSING
  ? ['embedded']
  : ['embedded', 'postgres'];

/**
 * The sanction procedure through the HTTP API: each sanction the API once accepted against
 * the law (DOMAIN.md §4.1; L262-37, R262-68, R262-68-6, L262-47; loi 2023-1196)
 * is refused with its rule code, and the procedure's new steps are routes.
 */
describe.each(stores)('the sanction procedure by the law, on the %s store', (store) => {
  let api: TestApi;
  const slai = () => bearer(tokens.slai());
  const referent = () => bearer(tokens.referent());
  const post = (path: string, auth: Record<string, string>, body: object) =>
    api.http.post(path).set(auth).send(body);

  beforeAll(async () => {
    api = await startApi(store);
    await seedReferenceData(api);
  });
  afterAll(async () => {
    await api.close();
  });

  /** A parcours followed by ref-ccas-1 with a contract of 15 h and the objective permis_b, for a household given. */
  async function parcours(household: object = { type: 'single', size: 1 }): Promise<string> {
    const entry = await post('/api/parcours', bearer(tokens.system()), entryBody({ household })).expect(201);
    const p = `/api/parcours/${entry.body.id}`;
    await post(`${p}/orientations`, slai(), {
      track: 'social',
      organisationId: 'org-ccas',
      decidedOn: '2025-01-20',
      notifiedOn: '2025-01-21',
    }).expect(201);
    await post(`${p}/referent`, slai(), { referentId: 'ref-ccas-1', assignedOn: '2025-01-22' }).expect(201);
    await post(`${p}/contracts`, referent(), {
      kind: 'contrat_engagement',
      signedOn: '2025-02-03',
      startsOn: '2025-02-03',
      endsOn: '2025-08-02',
      weeklyHours: 15,
      objectives: ['permis_b'],
    }).expect(201);
    return p;
  }

  /** Reports, informs (3 March), receives observations (10 March), EP opinion (20 March); returns the breach path. */
  async function procedure(
    p: string,
    obligation = 'appointments',
    occurredOn = '2025-03-03',
  ): Promise<string> {
    const breach = await post(`${p}/breaches`, referent(), {
      kind: 'contract_not_honoured',
      obligation,
      occurredOn,
      reportedOn: occurredOn,
    }).expect(201);
    const b = `${p}/breaches/${breach.body.breachId}`;
    await post(`${b}/information`, slai(), { informedOn: occurredOn }).expect(201);
    await post(`${b}/observations`, slai(), { receivedOn: occurredOn.replace(/-\d\d$/, '-10') }).expect(201);
    await post(`${b}/ep-opinion`, slai(), {
      givenOn: occurredOn.replace(/-\d\d$/, '-20'),
      opinion: 'sanction',
    }).expect(201);
    return b;
  }

  it(
    'refuses a suppression on the day the suspension started (L262-37 II 1°), and ' +
      'without the EP opinion on it (L262-37 III)',
    async () => {
      const p = await parcours();
      const b = await procedure(p);
      const decided = await post(`${b}/decision`, slai(), {
        decidedOn: '2025-03-25',
        decision: 'suspension',
        sharePercent: 50,
        months: 1,
      }).expect(201);
      const s = `${p}/sanctions/${decided.body.sanctionId}`;
      const early = await post(`${s}/definitive`, slai(), {
        decidedOn: '2025-03-25',
        kind: 'suppression',
      }).expect(422);
      expect(early.body).toMatchObject({ code: 'SUPPRESSION_BEFORE_SUSPENSION_END', field: 'decidedOn' });
      const noOpinion = await post(`${s}/definitive`, slai(), {
        decidedOn: '2025-04-28',
        kind: 'suppression',
      }).expect(422);
      expect(noOpinion.body.code).toBe('EP_OPINION_REQUIRED');
      await post(`${s}/ep-opinion`, slai(), { givenOn: '2025-04-26', opinion: 'sanction' }).expect(201);
      await post(`${s}/definitive`, slai(), { decidedOn: '2025-04-28', kind: 'suppression' }).expect(201);
    },
  );

  it('refuses an EP opinion the day after the information, before observations and before the delay is over', async () => {
    const p = await parcours();
    const breach = await post(`${p}/breaches`, referent(), {
      kind: 'unreachable',
      obligation: 'appointments',
      occurredOn: '2025-03-03',
      reportedOn: '2025-03-03',
    }).expect(201);
    const b = `${p}/breaches/${breach.body.breachId}`;
    await post(`${b}/information`, slai(), { informedOn: '2025-03-03' }).expect(201);
    const res = await post(`${b}/ep-opinion`, slai(), { givenOn: '2025-03-04', opinion: 'sanction' }).expect(
      422,
    );
    expect(res.body).toMatchObject({ code: 'OBSERVATION_PERIOD_RUNNING', field: 'givenOn' });
  });

  it('counts as repeated only the same obligation, across a re-entry (L262-37 II 2°)', async () => {
    const p = await parcours();
    await post(`${await procedure(p)}/decision`, slai(), {
      decidedOn: '2025-03-25',
      decision: 'suspension',
      sharePercent: 50,
      months: 1,
    }).expect(201);
    // Another obligation (the contract's objective): a first manquement, 1 or 2 months only.
    const other = await procedure(p, 'permis_b', '2025-05-05');
    const tooLong = await post(`${other}/decision`, slai(), {
      decidedOn: '2025-05-25',
      decision: 'suspension',
      sharePercent: 50,
      months: 3,
    }).expect(422);
    expect(tooLong.body.code).toBe('SANCTION_DURATION_OUT_OF_SCALE');
    // After an exit and a re-entry, the same obligation again: repeated, up to 4 months.
    await post(`${p}/exit`, bearer(tokens.system()), { exitedOn: '2025-05-31', reason: 'income' }).expect(
      201,
    );
    await post(`${p}/reentry`, bearer(tokens.system()), {
      demandOn: '2025-06-02',
      rightOpenedOn: '2025-06-02',
      enteredOn: '2025-06-02',
    }).expect(201);
    await post(`${p}/orientations`, slai(), {
      track: 'social',
      organisationId: 'org-ccas',
      decidedOn: '2025-06-03',
      notifiedOn: '2025-06-03',
    }).expect(201);
    await post(`${p}/referent`, slai(), { referentId: 'ref-ccas-1', assignedOn: '2025-06-03' }).expect(201);
    const again = await procedure(p, 'appointments', '2025-06-04');
    const repeated = await post(`${again}/decision`, slai(), {
      decidedOn: '2025-06-25',
      decision: 'suspension',
      sharePercent: 50,
      months: 3,
    }).expect(201);
    const history = await api.http.get(`${p}/history`).set(slai()).expect(200);
    expect(
      history.body.find((e: { type: string; revision: number }) => e.revision === repeated.body.revision),
    ).toMatchObject({ type: 'SuspensionDecided', data: { repeated: true, months: 3 } });
  });

  it('caps at 50 % a single parent whose household size is 1 (R262-68-6, L262-9)', async () => {
    const p = await parcours({ type: 'single_parent', size: 1 });
    const res = await post(`${await procedure(p)}/decision`, slai(), {
      decidedOn: '2025-03-25',
      decision: 'suspension',
      sharePercent: 100,
      months: 1,
    }).expect(422);
    expect(res.body).toMatchObject({ code: 'SANCTION_SHARE_ABOVE_HOUSEHOLD_CAP', field: 'sharePercent' });
  });

  it('refuses a manquement for hours not done during a health exemption, and one naming a step absent from the contract', async () => {
    const p = await parcours();
    await post(`${p}/exemptions`, slai(), { reason: 'health', from: '2025-03-01', to: '2025-04-30' }).expect(
      201,
    );
    const exempted = await post(`${p}/breaches`, referent(), {
      kind: 'activity_hours_not_done',
      obligation: 'activity_hours',
      occurredOn: '2025-03-10',
      reportedOn: '2025-03-11',
    }).expect(422);
    expect(exempted.body).toMatchObject({ code: 'BREACH_OBLIGATION_EXEMPTED', field: 'obligation' });
    const absent = await post(`${p}/breaches`, referent(), {
      kind: 'contract_not_honoured',
      obligation: 'garde_enfant',
      occurredOn: '2025-05-10',
      reportedOn: '2025-05-11',
    }).expect(422);
    expect(absent.body.code).toBe('BREACH_OBLIGATION_NOT_IN_CONTRACT');
  });

  it('refuses a contract of 0 hours without an exemption, and under 15 hours without a reason (loi 2023-1196)', async () => {
    const entry = await post('/api/parcours', bearer(tokens.system()), entryBody()).expect(201);
    const p = `/api/parcours/${entry.body.id}`;
    await post(`${p}/orientations`, slai(), {
      track: 'social',
      organisationId: 'org-ccas',
      decidedOn: '2025-01-20',
      notifiedOn: '2025-01-21',
    }).expect(201);
    await post(`${p}/referent`, slai(), { referentId: 'ref-ccas-1', assignedOn: '2025-01-22' }).expect(201);
    const contract = {
      kind: 'contrat_engagement',
      signedOn: '2025-02-03',
      startsOn: '2025-02-03',
      endsOn: '2025-08-02',
      objectives: [],
    };
    expect(
      (await post(`${p}/contracts`, referent(), { ...contract, weeklyHours: 0 }).expect(422)).body.code,
    ).toBe('ACTIVITY_HOURS_NIL_WITHOUT_EXEMPTION');
    expect(
      (await post(`${p}/contracts`, referent(), { ...contract, weeklyHours: 7 }).expect(422)).body.code,
    ).toBe('ACTIVITY_HOURS_REDUCTION_REASON_REQUIRED');
    await post(`${p}/contracts`, referent(), {
      ...contract,
      weeklyHours: 7,
      hoursReductionReason: 'child_care',
    }).expect(201);
  });

  it('records a recours and the annulment of a sanction, which then no longer counts as a first manquement (L262-47)', async () => {
    const p = await parcours();
    const decided = await post(`${await procedure(p)}/decision`, slai(), {
      decidedOn: '2025-03-25',
      decision: 'suspension',
      sharePercent: 50,
      months: 1,
    }).expect(201);
    const s = `${p}/sanctions/${decided.body.sanctionId}`;
    await post(`${s}/appeal`, slai(), { appealedOn: '2025-04-01' }).expect(201);
    await post(`${s}/withdrawal`, slai(), { decidedOn: '2025-04-15', kind: 'annulment' }).expect(201);
    await post(`${s}/remobilisation`, slai(), { remobilisedOn: '2025-04-16', monthsToRepay: 1 }).expect(422);
    const again = await procedure(p, 'appointments', '2025-05-05');
    const res = await post(`${again}/decision`, slai(), {
      decidedOn: '2025-05-25',
      decision: 'suspension',
      sharePercent: 50,
      months: 3,
    }).expect(422);
    expect(res.body.code).toBe('SANCTION_DURATION_OUT_OF_SCALE');
  });

  it('lets a person who left during a contract and came back sign a new contract in the new cycle (DOMAIN.md §2.9)', async () => {
    const p = await parcours();
    await post(`${p}/exit`, bearer(tokens.system()), { exitedOn: '2025-04-30', reason: 'income' }).expect(
      201,
    );
    await post(`${p}/reentry`, bearer(tokens.system()), {
      demandOn: '2025-05-20',
      rightOpenedOn: '2025-05-20',
      enteredOn: '2025-05-20',
    }).expect(201);
    await post(`${p}/orientations`, slai(), {
      track: 'social',
      organisationId: 'org-ccas',
      decidedOn: '2025-05-22',
      notifiedOn: '2025-05-22',
    }).expect(201);
    await post(`${p}/referent`, slai(), { referentId: 'ref-ccas-1', assignedOn: '2025-05-23' }).expect(201);
    await post(`${p}/contracts`, referent(), {
      kind: 'contrat_engagement',
      signedOn: '2025-06-01',
      startsOn: '2025-06-01',
      endsOn: '2025-11-30',
      weeklyHours: 15,
      objectives: [],
    }).expect(201);
  });

  it('records the end of an employment, from the référent or the France Travail flow', async () => {
    const p = await parcours();
    const started = await post(`${p}/employment`, bearer(tokens.system()), {
      startedOn: '2025-03-01',
      kind: 'fixed_term_under_6_months',
    }).expect(201);
    const end = `${p}/employment/${started.body.employmentId}/end`;
    expect((await post(end, referent(), { endedOn: '2025-02-01' }).expect(422)).body.code).toBe(
      'EMPLOYMENT_END_BEFORE_START',
    );
    await post(end, bearer(tokens.system()), { endedOn: '2025-05-31' }).expect(201);
    expect((await post(end, referent(), { endedOn: '2025-06-30' }).expect(422)).body.code).toBe(
      'EMPLOYMENT_ALREADY_ENDED',
    );
  });
});
