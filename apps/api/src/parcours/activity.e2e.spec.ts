import {
  bearer,
  followedParcours,
  projectionsCaughtUp,
  seedReferenceData,
  startApi,
  TestApi,
  tokens,
} from '../../../../test/support/api';

/**
 * The activity plan of a contract and the hours done week by week (loi 2023-1196, DOMAIN.md §4.2),
 * through the HTTP API, down to the indicators computed from them (test clock: 30 June 2025).
 */
describe('activity plan and hours done, through the API', () => {
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

  /** A followed parcours with a 15-hour contract from Monday 3 February. */
  async function contracted(): Promise<{ p: string; k: string }> {
    const p = `/api/parcours/${await followedParcours(api)}`;
    const contract = await post(`${p}/contracts`, referent(), {
      kind: 'contrat_engagement',
      signedOn: '2025-02-03',
      startsOn: '2025-02-03',
      endsOn: '2025-08-02',
      weeklyHours: 15,
      objectives: [],
    }).expect(201);
    return { p, k: `${p}/contracts/${contract.body.contractId}` };
  }

  it('plans the 15 hours, records eight weeks, and the indicators count them as worked out by hand', async () => {
    const { k } = await contracted();
    await post(`${k}/activity-plan`, referent(), {
      setOn: '2025-02-03',
      activities: [
        { kind: 'insertion_action', weeklyHours: 9 },
        { kind: 'job_search', weeklyHours: 6 },
      ],
    }).expect(201);
    const weeks: [string, number, string?][] = [
      ['2025-02-03', 15],
      ['2025-02-10', 12],
      ['2025-02-17', 15],
      ['2025-02-24', 18],
      ['2025-03-03', 0, 'illness'],
      ['2025-03-10', 15],
      ['2025-03-17', 10],
      ['2025-03-24', 15],
    ];
    for (const [weekOf, hours, shortfallReason] of weeks)
      await post(`${k}/activity-hours`, referent(), { weekOf, hours, shortfallReason }).expect(201);
    // The week of 17 March declared again: the new figure replaces the first.
    await post(`${k}/activity-hours`, referent(), { weekOf: '2025-03-17', hours: 14 }).expect(201);

    await projectionsCaughtUp(api);
    const res = await api.http
      .get(
        // The first test of the file: its parcours is the only one of the département yet.
        '/api/indicators?from=2025-02-01&to=2025-03-31&codes=' +
          'reseau_emploi.activity_hours_done_mean,reseau_emploi.activity_hours_done_median,' +
          'reseau_emploi.activity_weeks_fully_done,reseau_emploi.activity_plan_15h_share',
      )
      .set(bearer(tokens.departement()))
      .expect(200);
    const f = Object.fromEntries(res.body.groups[0].indicators.map((i: { code: string }) => [i.code, i]));
    // Done: 15 + 12 + 15 + 18 + 0 + 15 + 14 + 15 = 104 over 8 weeks; sorted 0,12,14,15,15,15,15,18: median 15.
    expect(f['reseau_emploi.activity_hours_done_mean']).toMatchObject({
      numerator: 104,
      denominator: 8,
      value: 13,
    });
    expect(f['reseau_emploi.activity_hours_done_median']).toMatchObject({ value: 15 });
    // At least 15: weeks of 3, 17 and 24 February, 10 and 24 March = 5 of 8 (the justified 0 is still short).
    expect(f['reseau_emploi.activity_weeks_fully_done']).toMatchObject({ numerator: 5, denominator: 8 });
    expect(f['reseau_emploi.activity_plan_15h_share']).toMatchObject({ numerator: 1, denominator: 1 });

    // The portfolio shows the weeks below the plan without a reason: 10 February (12) and 17 March (14).
    const portfolio = await api.http.get('/api/me/portfolio?on=2025-04-01').set(referent()).expect(200);
    const line = portfolio.body.items.find((i: { parcoursId: string }) => k.includes(i.parcoursId));
    expect(line.activityShortWeeks).toBe(2);

    // The manquement for hours not done names the weeks below the plan without a reason (10 and 17 March's 14).
    const p = k.slice(0, k.indexOf('/contracts/'));
    const breach = {
      kind: 'activity_hours_not_done',
      obligation: 'activity_hours',
      occurredOn: '2025-03-30',
      reportedOn: '2025-04-01',
    };
    const notShort = await post(`${p}/breaches`, referent(), { ...breach, weeks: ['2025-03-03'] }).expect(
      422,
    );
    expect(notShort.body).toMatchObject({ code: 'BREACH_WEEK_NOT_SHORT', field: 'weeks' });
    await post(`${p}/breaches`, referent(), { ...breach, weeks: ['2025-02-10', '2025-02-10'] }).expect(400);
    await post(`${p}/breaches`, referent(), { ...breach, weeks: ['2025-03-17', '2025-02-10'] }).expect(201);
    const history = await api.http.get(`${p}/history`).set(slai()).expect(200);
    expect(history.body.find((e: { type: string }) => e.type === 'BreachReported').data.weeks).toEqual([
      '2025-02-10',
      '2025-03-17',
    ]);
  });

  it('refuses a plan that does not make the contract’s hours, and a week not starting on a Monday', async () => {
    const { k } = await contracted();
    const short = await post(`${k}/activity-plan`, referent(), {
      setOn: '2025-02-03',
      activities: [{ kind: 'job_search', weeklyHours: 10 }],
    }).expect(422);
    expect(short.body).toMatchObject({ code: 'ACTIVITY_PLAN_SUM_MISMATCH', field: 'activities' });
    const tuesday = await post(`${k}/activity-hours`, referent(), { weekOf: '2025-02-11', hours: 15 }).expect(
      422,
    );
    expect(tuesday.body).toMatchObject({ code: 'WEEK_MUST_START_ON_MONDAY', field: 'weekOf' });
  });

  it.each([
    ['an unknown activity', { setOn: '2025-02-03', activities: [{ kind: 'gardening', weeklyHours: 15 }] }],
    ['hours as text', { setOn: '2025-02-03', activities: [{ kind: 'job_search', weeklyHours: '15' }] }],
    ['an activity that is not an object', { setOn: '2025-02-03', activities: ['job_search'] }],
    ['no date', { activities: [{ kind: 'job_search', weeklyHours: 15 }] }],
  ])('answers 400 for a plan with %s, and records nothing', async (_, body) => {
    const { p, k } = await contracted();
    const before = await api.http.get(`${p}/history`).set(slai()).expect(200);
    const res = await post(`${k}/activity-plan`, referent(), body).expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    const after = await api.http.get(`${p}/history`).set(slai()).expect(200);
    expect(after.body).toHaveLength(before.body.length);
  });

  it('answers 404 for hours of a contract that does not exist', async () => {
    const { p } = await contracted();
    const res = await post(`${p}/contracts/00000000-0000-4000-8000-000000000000/activity-hours`, referent(), {
      weekOf: '2025-02-10',
      hours: 15,
    }).expect(404);
    expect(res.body.code).toBe('CONTRACT_NOT_FOUND');
  });
});
