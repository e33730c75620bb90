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
 * GET /api/indicators/revisions on January 2025, three entries and an
 * orientation recorded late (the store's clock moved between them); every
 * figure worked out by hand below.
 */
describe('revisions of the indicators by late records (GET /api/indicators/revisions)', () => {
  let api: TestApi;
  let a: string;
  let now = new Date('2025-01-06T10:00:00Z');
  const at = (day: string) => (now = new Date(`${day}T10:00:00Z`));

  beforeAll(async () => {
    api = await startApi('embedded', () => now);
    await seedReferenceData(api);
    const enter = async (enteredOn: string) =>
      (
        await api.http
          .post('/api/parcours')
          .set(bearer(tokens.system()))
          .send(entryBody({ demandOn: '2025-01-02', rightOpenedOn: '2025-01-03', enteredOn }))
          .expect(201)
      ).body.id as string;
    // A entered 6 Jan, recorded that day; B entered 20 Jan, recorded 15 Feb; A oriented 20 Jan, recorded 10 March;
    // C entered 25 Jan, recorded 10 April. Today: 30 June.
    at('2025-01-06');
    a = await enter('2025-01-06');
    at('2025-02-15');
    await enter('2025-01-20');
    at('2025-03-10');
    await api.http
      .post(`/api/parcours/${a}/orientations`)
      .set(bearer(tokens.slai()))
      .send({
        track: 'social',
        organisationId: 'org-ccas',
        decidedOn: '2025-01-19',
        notifiedOn: '2025-01-20',
      })
      .expect(201);
    at('2025-04-10');
    await enter('2025-01-25');
    at('2025-06-30');
    await projectionsCaughtUp(api);
  });
  afterAll(() => api?.close());

  const CODES = 'codes=calpae.new_entrants,calpae.oriented_within_1_month';
  const revisions = (token: string, query: string) =>
    api.http.get(`/api/indicators/revisions?${query}`).set(bearer(token));
  const figure = (body: { groups: { indicators: { code: string }[] }[] }, code: string) =>
    body.groups[0].indicators.find((i) => i.code === code);

  it('each figure at the end of the period, one and three months later, and now, with the revision', async () => {
    const res = await revisions(tokens.departement(), `from=2025-01-01&to=2025-01-31&${CODES}`).expect(200);
    expect(res.body.knownAt).toEqual({
      atPeriodEnd: '2025-01-31',
      oneMonthLater: '2025-02-28',
      threeMonthsLater: '2025-04-30',
      now: '2025-06-30',
    });
    // Known at the end of January: A only; B by the end of February; C by the end of April.
    expect(figure(res.body, 'calpae.new_entrants')).toMatchObject({
      figures: {
        atPeriodEnd: { value: 1 },
        oneMonthLater: { value: 2 },
        threeMonthsLater: { value: 3 },
        now: { value: 3 },
      },
      revisedBy: 2,
    });
    // A's orientation (within the month of its entry) is known from 10 March: 0 of 1, 0 of 2, then 1 of 3.
    expect(figure(res.body, 'calpae.oriented_within_1_month')).toMatchObject({
      figures: {
        atPeriodEnd: { numerator: 0, denominator: 1, value: 0 },
        oneMonthLater: { numerator: 0, denominator: 2, value: 0 },
        threeMonthsLater: { numerator: 1, denominator: 3, value: 1 / 3 },
        now: { numerator: 1, denominator: 3, value: 1 / 3 },
      },
      revisedBy: 1 / 3,
    });
  });

  it('a moment still to come is null', async () => {
    const res = await revisions(tokens.departement(), `from=2025-05-01&to=2025-05-31&${CODES}`).expect(200);
    expect(res.body.knownAt).toEqual({
      atPeriodEnd: '2025-05-31',
      oneMonthLater: '2025-06-30',
      threeMonthsLater: null,
      now: '2025-06-30',
    });
    expect(figure(res.body, 'calpae.new_entrants')).toMatchObject({
      figures: {
        atPeriodEnd: { value: 0 },
        oneMonthLater: { value: 0 },
        threeMonthsLater: null,
        now: { value: 0 },
      },
      revisedBy: 0,
    });
  });

  it('every indicator when no code is given, and a SLAI sees its territoire only', async () => {
    const all = await revisions(tokens.departement(), 'from=2025-01-01&to=2025-01-31').expect(200);
    expect(all.body.groups[0].indicators.length).toBeGreaterThan(40);
    const calaisis = await revisions(
      tokens.slai('CALAISIS'),
      `from=2025-01-01&to=2025-01-31&${CODES}`,
    ).expect(200);
    expect(figure(calaisis.body, 'calpae.new_entrants')).toMatchObject({
      figures: { atPeriodEnd: { value: 0 }, now: { value: 0 } },
      revisedBy: 0,
    });
    await revisions(tokens.referent(), `from=2025-01-01&to=2025-01-31`).expect(403);
  });

  it('a monthly series (GET /api/indicators/series) gives for each month the report of that month alone', async () => {
    for (const asOf of [undefined, '2025-02-28']) {
      const q = `codes=calpae.new_entrants,calpae.oriented_within_1_month${asOf ? `&asOf=${asOf}` : ''}`;
      const series = await api.http
        .get(`/api/indicators/series?from=2025-01-01&to=2025-02-15&${q}`)
        .set(bearer(tokens.departement()))
        .expect(200);
      // January whole, then February cut to the period.
      expect(series.body.months.map((m: { from: string; to: string }) => [m.from, m.to])).toEqual([
        ['2025-01-01', '2025-01-31'],
        ['2025-02-01', '2025-02-15'],
      ]);
      for (const month of series.body.months) {
        const alone = await api.http
          .get(`/api/indicators?from=${month.from}&to=${month.to}&${q}`)
          .set(bearer(tokens.departement()))
          .expect(200);
        expect(month).toEqual(alone.body);
      }
    }
    // Known at the end of February: A and B entered in January, not C.
    const known = await api.http
      .get('/api/indicators/series?from=2025-01-01&to=2025-01-31&codes=calpae.new_entrants&asOf=2025-02-28')
      .set(bearer(tokens.departement()))
      .expect(200);
    expect(known.body.months[0].groups[0].indicators[0].value).toBe(2);
    const long = await api.http
      .get('/api/indicators/series?from=2023-01-01&to=2025-01-31')
      .set(bearer(tokens.departement()))
      .expect(422);
    expect(long.body).toMatchObject({ code: 'PERIOD_TOO_LONG', field: 'to' });
  });

  it('the échéances as known at a date: the orientation recorded on 10 March was not known on 28 February', async () => {
    const echeance = async (asOf?: string) =>
      (
        await api.http
          .get(
            `/api/echeances?on=2025-02-28&parcours=${a}&kind=orientation_legal${asOf ? `&asOf=${asOf}` : ''}`,
          )
          .set(bearer(tokens.departement()))
          .expect(200)
      ).body.items;
    // Entered 6 January: the legal orientation is due 6 weeks later, 17 February.
    expect(await echeance('2025-02-28')).toEqual([
      expect.objectContaining({ dueOn: '2025-02-17', metOn: null, status: 'overdue', daysLate: 11 }),
    ]);
    // Known now: met on 20 January (the orientation's notification), on time.
    expect(await echeance()).toEqual([
      expect.objectContaining({ dueOn: '2025-02-17', metOn: '2025-01-20', status: 'met_on_time' }),
    ]);
    await api.http.get('/api/echeances?asOf=2025-07-01').set(bearer(tokens.departement())).expect(422);
  });

  it('refuses an unknown indicator and a period ending before it starts (422), a malformed date (400)', async () => {
    const unknown = await revisions(tokens.departement(), 'from=2025-01-01&to=2025-01-31&codes=nope').expect(
      422,
    );
    expect(unknown.body.code).toBe('INDICATOR_UNKNOWN');
    const reversed = await revisions(tokens.departement(), 'from=2025-02-01&to=2025-01-31').expect(422);
    expect(reversed.body.code).toBe('PERIOD_END_BEFORE_START');
    await revisions(tokens.departement(), 'from=2025-02-30&to=2025-03-31').expect(400);
    // asOf has no meaning here: refused as an unknown parameter.
    await revisions(tokens.departement(), 'from=2025-01-01&to=2025-01-31&asOf=2025-02-01').expect(400);
  });
});
