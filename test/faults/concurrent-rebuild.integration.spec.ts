import {
  bearer,
  followedParcours,
  projectionsCaughtUp,
  seedReferenceData,
  startApi,
  StoreUnderTest,
  TestApi,
  tokens,
} from '../support/api';

const stores: StoreUnderTest[] = process.env.PARCOURS_TEST_POSTGRES_MISSING
  ? ['embedded']
  : ['embedded', 'postgres'];

/** Several rebuilds asked at once (two operators, a CLI and a script): one runs, the others are told so, none fails. */
describe.each(stores)('concurrent rebuilds on the %s store', (store) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi(store);
    await seedReferenceData(api);
    for (let i = 0; i < 5; i++) await followedParcours(api);
    await projectionsCaughtUp(api);
  });
  afterAll(async () => {
    await api.close();
  });

  it('answers 200 to one and 409 PROJECTION_REBUILDING to the others, and the read models stay whole', async () => {
    const dep = bearer(tokens.departement());
    const answers = await Promise.all(
      [1, 2, 3].map(() => api.http.post('/api/projections/parcours/rebuild').set(dep)),
    );
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    for (const r of answers.filter((a) => a.status === 409))
      expect(r.body.code).toBe('PROJECTION_REBUILDING');
    await projectionsCaughtUp(api);
    const portfolio = await api.http.get('/api/referents/ref-ccas-1/portfolio').set(dep).expect(200);
    expect(portfolio.body.total).toBe(5);
    // Afterwards a rebuild runs again (nothing left behind).
    await api.http.post('/api/projections/parcours/rebuild').set(dep).expect(200);
  });
});
