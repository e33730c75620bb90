import {
  bearer,
  entryBody,
  NOW,
  projectionsCaughtUp,
  seedReferenceData,
  startApi,
  TestApi,
  tokens,
} from '../../../../test/support/api';

/**
 * Retention (DOMAIN.md §7): the data of a person are erased
 * `retentionMonthsAfterEnd` (24) months after the end of their accompaniment —
 * its recorded end, or the close of the 6 months after exit.
 */
describe('the retention job', () => {
  let api: TestApi;
  let today = NOW;
  const dep = () => bearer(tokens.departement());
  const post = (path: string, auth: Record<string, string>, body: object = {}) =>
    api.http.post(path).set(auth).send(body);
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    api = await startApi('embedded', () => today);
    await seedReferenceData(api);
    const enter = async (name: string, exitedOn?: string, endedOn?: string) => {
      const id = (
        await post(
          '/api/parcours',
          bearer(tokens.system()),
          entryBody({ person: { lastName: name, firstName: 'Test', birthDate: '1980-05-05', sex: 'male' } }),
        ).expect(201)
      ).body.id;
      await post(`/api/parcours/${id}/orientations`, bearer(tokens.slai()), {
        track: 'social',
        organisationId: 'org-ccas',
        decidedOn: '2025-01-20',
        notifiedOn: '2025-01-21',
      }).expect(201);
      if (exitedOn)
        await post(`/api/parcours/${id}/exit`, bearer(tokens.system()), {
          exitedOn,
          reason: 'income',
        }).expect(201);
      if (endedOn) await post(`/api/parcours/${id}/accompaniment-end`, dep(), { endedOn }).expect(201);
      ids[name] = id;
    };
    await enter('Lapsed', '2025-01-31'); // the accompaniment closed by itself on 31 July 2025
    await enter('Ended', '2025-03-31', '2025-04-15');
    await enter('Recent', '2025-06-15'); // closes on 15 December 2025: due after 15 December 2027
    await enter('Present');
    await projectionsCaughtUp(api);
  });
  afterAll(async () => {
    await api.close();
  });

  it('erases, on 2 August 2027, those whose accompaniment ended more than 24 months before, and only them', async () => {
    today = new Date('2027-08-02T10:00:00Z');
    const indicators = async () =>
      (await api.http.get('/api/indicators?from=2025-01-01&to=2025-12-31').set(dep()).expect(200)).body;
    const before = await indicators();
    const dry = await post('/api/persons/retention?dryRun=true', dep()).expect(200);
    expect(dry.body.erased.map((x: { parcoursId: string }) => x.parcoursId).sort()).toEqual(
      [ids.Lapsed, ids.Ended].sort(),
    );
    expect(
      dry.body.erased.find((x: { parcoursId: string }) => x.parcoursId === ids.Ended).accompanimentEndedOn,
    ).toBe('2025-04-15');
    // A dry run erases nothing.
    expect(
      (await api.http.get(`/api/parcours/${ids.Lapsed}`).set(dep()).expect(200)).body.person.lastName,
    ).toBe('Lapsed');

    await post('/api/persons/retention', bearer(tokens.slai())).expect(403);
    const run = await post('/api/persons/retention', dep()).expect(200);
    expect(run.body).toMatchObject({ on: '2027-08-02', failed: [] });
    expect(run.body.erased).toHaveLength(2);
    await projectionsCaughtUp(api);
    for (const name of ['Lapsed', 'Ended']) {
      const state = (await api.http.get(`/api/parcours/${ids[name]}`).set(dep()).expect(200)).body;
      expect(state.person).toMatchObject({ lastName: '[effacé]', erased: true });
    }
    for (const name of ['Recent', 'Present'])
      expect(
        (await api.http.get(`/api/parcours/${ids[name]}`).set(dep()).expect(200)).body.person.lastName,
      ).toBe(name);
    expect(await indicators()).toEqual(before);
    // Nothing left to do: a second run erases nothing.
    expect((await post('/api/persons/retention', dep()).expect(200)).body.erased).toEqual([]);
  });
});
