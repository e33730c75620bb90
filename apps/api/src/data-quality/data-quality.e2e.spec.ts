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
 * GET /api/data-quality/lateness: each step recorded at a chosen moment (the
 * store's clock), the delays and their percentiles worked out by hand below.
 */
describe('record lateness by organisme (GET /api/data-quality/lateness)', () => {
  let api: TestApi;
  let now = new Date('2025-01-06T10:00:00Z');
  const at = (day: string) => (now = new Date(`${day}T10:00:00Z`));

  beforeAll(async () => {
    api = await startApi('embedded', () => now);
    await seedReferenceData(api);
    const system = () => bearer(tokens.system());
    const slai = () => bearer(tokens.slai());
    const enter = async (body: Record<string, unknown>) =>
      (await api.http.post('/api/parcours').set(system()).send(entryBody(body)).expect(201)).body
        .id as string;
    const orient = (id: string, decidedOn: string, notifiedOn: string) =>
      api.http
        .post(`/api/parcours/${id}/orientations`)
        .set(slai())
        .send({ track: 'social', organisationId: 'org-ccas', decidedOn, notifiedOn })
        .expect(201);
    const assign = (id: string, assignedOn: string) =>
      api.http
        .post(`/api/parcours/${id}/referent`)
        .set(slai())
        .send({ referentId: 'ref-ccas-1', assignedOn })
        .expect(201);

    // A: entered 6 Jan (recorded that day: 0), oriented 21 Jan (0), référent 22 Jan recorded 10 March (47).
    // B: entered 10 Jan recorded 15 Jan (5), oriented 20 Jan recorded 30 Jan (10), référent 25 Jan recorded 5 Feb (11).
    // C (Calaisis): entered 8 Jan recorded 20 Feb (43).
    at('2025-01-06');
    const a = await enter({ demandOn: '2025-01-02', rightOpenedOn: '2025-01-03', enteredOn: '2025-01-06' });
    at('2025-01-15');
    const b = await enter({ demandOn: '2025-01-02', rightOpenedOn: '2025-01-03', enteredOn: '2025-01-10' });
    at('2025-01-21');
    await orient(a, '2025-01-20', '2025-01-21');
    at('2025-01-30');
    await orient(b, '2025-01-19', '2025-01-20');
    at('2025-02-05');
    await assign(b, '2025-01-25');
    at('2025-02-20');
    await enter({
      territory: 'CALAISIS',
      demandOn: '2025-01-02',
      rightOpenedOn: '2025-01-03',
      enteredOn: '2025-01-08',
    });
    at('2025-03-10');
    await assign(a, '2025-01-22');
    await projectionsCaughtUp(api);
  });
  afterAll(() => api?.close());

  const lateness = (token: string, query: string) =>
    api.http.get(`/api/data-quality/lateness?${query}`).set(bearer(token));

  it('the Département: by organisme, event type and month, worst share of late records first', async () => {
    const res = await lateness(tokens.departement(), 'from=2025-01&to=2025-01').expect(200);
    expect(res.body).toMatchObject({ from: '2025-01', to: '2025-01', lateAfterDays: 30, territory: null });
    expect(res.body.lines).toEqual([
      // 47 and 11 days: median 29; p90 = 11 + 0.9 × 36 = 43.4; one of two past 30 days.
      {
        organisationId: 'org-ccas',
        eventType: 'ReferentAssigned',
        month: '2025-01',
        records: 2,
        medianDaysLate: 29,
        p90DaysLate: expect.closeTo(43.4, 10),
        late: 1,
        lateShare: 0.5,
      },
      // Before any orientation, no organisme: 0, 5 and 43 days; p90 at rank 1.8 = 5 + 0.8 × 38 = 35.4.
      {
        organisationId: null,
        eventType: 'ParcoursEntered',
        month: '2025-01',
        records: 3,
        medianDaysLate: 5,
        p90DaysLate: expect.closeTo(35.4, 10),
        late: 1,
        lateShare: 1 / 3,
      },
      // 0 and 10 days: median 5, p90 9.
      {
        organisationId: 'org-ccas',
        eventType: 'Oriented',
        month: '2025-01',
        records: 2,
        medianDaysLate: 5,
        p90DaysLate: 9,
        late: 0,
        lateShare: 0,
      },
    ]);
  });

  it('the threshold is a parameter of the request: past 10 days, both référent records are late', async () => {
    const res = await lateness(tokens.departement(), 'from=2025-01&to=2025-01&lateAfterDays=10').expect(200);
    const share = (type: string) => res.body.lines.find((l: { eventType: string }) => l.eventType === type);
    expect(share('ReferentAssigned')).toMatchObject({ late: 2, lateShare: 1 });
    // 10 days is not more than 10.
    expect(share('Oriented')).toMatchObject({ late: 0 });
    expect(share('ParcoursEntered')).toMatchObject({ late: 1 });
  });

  it('counts by the month of the business date: February holds none of these', async () => {
    const res = await lateness(tokens.departement(), 'from=2025-02&to=2025-12').expect(200);
    expect(res.body.lines).toEqual([]);
  });

  it('filters by event type and organisme', async () => {
    const res = await lateness(
      tokens.departement(),
      'from=2025-01&to=2025-01&organisationId=org-ccas&eventType=Oriented',
    ).expect(200);
    expect(res.body.lines.map((l: { eventType: string }) => l.eventType)).toEqual(['Oriented']);
  });

  it('a SLAI sees its territoire only: the Calaisis entry is not counted', async () => {
    const res = await lateness(tokens.slai('ARRAGEOIS'), 'from=2025-01&to=2025-01').expect(200);
    expect(res.body.territory).toBe('ARRAGEOIS');
    expect(
      res.body.lines.find((l: { eventType: string }) => l.eventType === 'ParcoursEntered'),
    ).toMatchObject({
      records: 2,
      medianDaysLate: 2.5,
      p90DaysLate: 4.5,
      late: 0,
    });
    const calaisis = await lateness(tokens.slai('CALAISIS'), 'from=2025-01&to=2025-01').expect(200);
    expect(calaisis.body.lines).toEqual([
      expect.objectContaining({ organisationId: null, eventType: 'ParcoursEntered', records: 1, late: 1 }),
    ]);
    await lateness(tokens.slai('ARRAGEOIS'), 'from=2025-01&to=2025-01&territory=CALAISIS').expect(403);
  });

  it.each([
    ['a référent', () => tokens.referent(), 403],
    ['the État', () => tokens.etat(), 403],
  ])('%s may not read it', async (_who, token, status) => {
    await lateness(token(), 'from=2025-01&to=2025-01').expect(status);
  });

  it.each([
    ['from=2025-13&to=2025-12', 'from'],
    ['from=2025-01', 'to'],
    ['from=2025-01&to=2025-02&lateAfterDays=-1', 'lateAfterDays'],
    ['from=2025-01&to=2025-02&eventType=Nope', 'eventType'],
  ])('refuses %s with 400 on %s', async (query, field) => {
    const res = await lateness(tokens.departement(), query).expect(400);
    expect(res.body.fields?.map((f: { field: string }) => f.field) ?? [res.body.field]).toContain(field);
  });

  it('refuses a period ending before it starts (422)', async () => {
    const res = await lateness(tokens.departement(), 'from=2025-03&to=2025-01').expect(422);
    expect(res.body.code).toBe('PERIOD_END_BEFORE_START');
  });
});
