import {
  bearer,
  entryBody,
  projectionsCaughtUp,
  seedReferenceData,
  startApi,
  TestApi,
  tokens,
} from '../../../../test/support/api';

/**
 * What the law asks besides the steps, through the HTTP API: the joint review
 * of the social parcours (L262-31, D262-65-2-1), the accompagnement global,
 * an accompaniment interrupted without exit (ruptures, DOMAIN.md §5.2), and a
 * transfer in from another département with the history it brings.
 */
describe('follow-up steps the law asks for, through the API', () => {
  let api: TestApi;
  const slai = () => bearer(tokens.slai());
  const referent = () => bearer(tokens.referent());
  const post = (path: string, auth: Record<string, string>, body: object) =>
    api.http.post(path).set(auth).send(body);

  beforeAll(async () => {
    api = await startApi('embedded');
    await seedReferenceData(api);
  });
  afterAll(async () => {
    await api.close();
  });

  async function followed(track = 'social', body: Record<string, unknown> = {}): Promise<string> {
    const entry = await post('/api/parcours', bearer(tokens.system()), entryBody(body)).expect(201);
    const p = `/api/parcours/${entry.body.id}`;
    await post(`${p}/orientations`, slai(), {
      track,
      organisationId: 'org-ccas',
      decidedOn: '2025-01-20',
      notifiedOn: '2025-01-21',
    }).expect(201);
    await post(`${p}/referent`, slai(), { referentId: 'ref-ccas-1', assignedOn: '2025-01-22' }).expect(201);
    return p;
  }
  const echeances = async (p: string, kind: string, on = '2025-06-30') => {
    await projectionsCaughtUp(api);
    const res = await api.http
      .get(`/api/echeances?kind=${kind}&on=${on}&pageSize=200`)
      .set(bearer(tokens.departement()))
      .expect(200);
    return res.body.items.filter((e: { parcoursId: string }) => `/api/parcours/${e.parcoursId}` === p);
  };

  it(
    'opens the joint review of a social-track contract at 6 months, puts it off to 12 ' +
      'once, and closes it when held (L262-31)',
    async () => {
      const p = await followed();
      const refused = await post(`${p}/joint-review`, slai(), {
        reviewedOn: '2025-02-10',
        outcome: 'social_track_maintained',
      }).expect(422);
      expect(refused.body.code).toBe('JOINT_REVIEW_NOT_AWAITED');
      await post(`${p}/contracts`, referent(), {
        kind: 'contrat_engagement',
        signedOn: '2025-02-03',
        startsOn: '2025-02-03',
        endsOn: '2025-08-02',
        weeklyHours: 15,
        objectives: [],
      }).expect(201);
      expect((await echeances(p, 'joint_review')).map((e: { dueOn: string }) => e.dueOn)).toEqual([
        '2025-08-03',
      ]);
      // The history dates a contract by its signature, not by whichever date jsonb puts first.
      const history = await api.http.get(`${p}/history`).set(slai()).expect(200);
      expect(history.body.find((e: { type: string }) => e.type === 'ContractSigned').businessDate).toBe(
        '2025-02-03',
      );
      // The référent does not hold the équipe pluridisciplinaire's review.
      await post(`${p}/joint-review/extension`, referent(), { decidedOn: '2025-06-01' }).expect(403);
      await post(`${p}/joint-review/extension`, slai(), { decidedOn: '2025-06-01' }).expect(201);
      const twice = await post(`${p}/joint-review/extension`, slai(), { decidedOn: '2025-06-02' }).expect(
        422,
      );
      expect(twice.body.code).toBe('JOINT_REVIEW_ALREADY_EXTENDED');
      expect(
        (await echeances(p, 'joint_review')).map((e: { dueOn: string; status: string }) => [
          e.dueOn,
          e.status,
        ]),
      ).toEqual([
        ['2025-08-03', 'cancelled'],
        ['2026-02-03', 'upcoming'],
      ]);
      await post(`${p}/joint-review`, slai(), {
        reviewedOn: '2025-06-20',
        outcome: 'reorientation_proposed',
      }).expect(201);
      expect((await echeances(p, 'joint_review')).map((e: { status: string }) => e.status)).toEqual([
        'cancelled',
        'met_on_time',
      ]);
      const bad = await post(`${p}/joint-review`, slai(), {
        reviewedOn: '2025-06-21',
        outcome: 'maybe',
      }).expect(400);
      expect(bad.body.fields.map((f: { field: string }) => f.field)).toEqual(['outcome']);
    },
  );

  it('records the accompagnement global: orientation, start by a binôme, end', async () => {
    const p = await followed('employment');
    await post(`${p}/global-accompaniment/start`, referent(), {
      startedOn: '2025-02-10',
      binomeId: 'binome-1',
    }).expect(422);
    await post(`${p}/global-accompaniment/orientation`, slai(), { orientedOn: '2025-02-01' }).expect(201);
    const early = await post(`${p}/global-accompaniment/start`, referent(), {
      startedOn: '2025-01-31',
      binomeId: 'binome-1',
    }).expect(422);
    expect(early.body).toMatchObject({ code: 'GLOBAL_START_BEFORE_ORIENTATION', field: 'startedOn' });
    await post(`${p}/global-accompaniment/start`, referent(), {
      startedOn: '2025-02-18',
      binomeId: 'binome-1',
    }).expect(201);
    await post(`${p}/global-accompaniment/end`, referent(), { endedOn: '2025-06-18' }).expect(201);
    const history = await api.http.get(`${p}/history`).set(slai()).expect(200);
    expect(history.body.map((e: { type: string }) => e.type).slice(-3)).toEqual([
      'GlobalAccompanimentOriented',
      'GlobalAccompanimentStarted',
      'GlobalAccompanimentEnded',
    ]);
  });

  it('interrupts an accompaniment without exit: the person leaves the portfolio and a new orientation is due within a month', async () => {
    const p = await followed();
    await post(`${p}/interruption`, referent(), {
      interruptedOn: '2025-03-10',
      reason: 'person_unreachable',
    }).expect(201);
    expect(
      (await echeances(p, 'orientation_after_interruption', '2025-03-11')).map(
        (e: { dueOn: string }) => e.dueOn,
      ),
    ).toEqual(['2025-04-10']);
    // No référent any more: the former one no longer reaches the parcours.
    await post(`${p}/appointments`, referent(), {
      scheduledOn: '2025-03-12',
      scheduledFor: '2025-03-20',
      kind: 'individual',
      channel: 'phone',
    }).expect(403);
    const before = await post(`${p}/orientations`, slai(), {
      track: 'employment',
      organisationId: 'org-ccas',
      decidedOn: '2025-03-01',
      notifiedOn: '2025-03-05',
    }).expect(422);
    expect(before.body).toMatchObject({ code: 'ORIENTATION_BEFORE_INTERRUPTION', field: 'notifiedOn' });
    await post(`${p}/orientations`, slai(), {
      track: 'employment',
      organisationId: 'org-ccas',
      decidedOn: '2025-03-20',
      notifiedOn: '2025-03-21',
    }).expect(201);
    expect(
      (await echeances(p, 'orientation_after_interruption')).map((e: { status: string }) => e.status),
    ).toEqual(['met_on_time']);
  });

  it('enters a transfer from another département with its history; the legal clocks run from the arrival', async () => {
    const transferredFrom = {
      departementCode: '59',
      history: [
        { step: 'orientation', on: '2023-04-01', track: 'social' },
        { step: 'contract', on: '2023-05-01' },
      ],
    };
    const body = entryBody({
      demandOn: '2023-03-01',
      rightOpenedOn: '2023-03-15',
      enteredOn: '2025-05-02',
      transferredFrom,
    });
    const entry = await post('/api/parcours', bearer(tokens.system()), body).expect(201);
    const p = `/api/parcours/${entry.body.id}`;
    const history = await api.http.get(`${p}/history`).set(slai()).expect(200);
    expect(history.body[0]).toMatchObject({
      type: 'ParcoursEntered',
      businessDate: '2025-05-02',
      data: { transferredFrom },
    });
    // 6 weeks from the arrival, not from the right's opening in 2023.
    expect((await echeances(p, 'orientation_legal')).map((e: { dueOn: string }) => e.dueOn)).toEqual([
      '2025-06-13',
    ]);
    const late = await post(
      '/api/parcours',
      bearer(tokens.system()),
      entryBody({
        transferredFrom: { departementCode: '59', history: [{ step: 'contract', on: '2025-02-01' }] },
      }),
    ).expect(422);
    expect(late.body).toMatchObject({
      code: 'TRANSFER_HISTORY_AFTER_ARRIVAL',
      field: 'transferredFrom.history.0.on',
    });
    for (const history of [
      [{ step: 'holiday', on: '2023-01-01' }],
      [{ step: 'contract', on: '2023-01-01', note: 'x' }],
      ['contract'],
      'contract',
    ]) {
      await post(
        '/api/parcours',
        bearer(tokens.system()),
        entryBody({ transferredFrom: { departementCode: '59', history } }),
      ).expect(400);
    }
  });
});
