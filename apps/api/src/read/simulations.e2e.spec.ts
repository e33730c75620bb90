import type { EventStore } from '@parcours/event-store';
import { EVENT_STORE } from '@parcours/runtime';
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
 * POST /api/indicators/simulations on January 2025, by territoire:
 * - Arrageois: A entered 6 Jan, oriented 20 Jan; B entered 10 Jan, oriented 25 Feb;
 * - Calaisis: C entered 15 Jan, never oriented; D entered 3 Jan, oriented 8 Jan, out of the RSA on 20 Jan,
 *   back on 24 Jan and oriented again on 28 Jan.
 * Every figure below is worked out by hand from these.
 */
describe('what if: indicators under a draft (POST /api/indicators/simulations)', () => {
  let api: TestApi;
  const dep = () => bearer(tokens.departement());

  beforeAll(async () => {
    api = await startApi('embedded');
    await seedReferenceData(api);
    await api.http
      .post('/api/organisations')
      .set(dep())
      .send({ organisationId: 'org-cal', name: 'CCAS Calais', kind: 'ccas_cias', territories: ['CALAISIS'] })
      .expect(201);
    const system = () => bearer(tokens.system());
    const enter = async (territory: string, enteredOn: string) =>
      (
        await api.http
          .post('/api/parcours')
          .set(system())
          .send(entryBody({ territory, demandOn: '2025-01-02', rightOpenedOn: '2025-01-02', enteredOn }))
          .expect(201)
      ).body.id as string;
    const orient = (
      id: string,
      organisationId: string,
      territory: string,
      decidedOn: string,
      notifiedOn: string,
    ) =>
      api.http
        .post(`/api/parcours/${id}/orientations`)
        .set(bearer(tokens.slai(territory)))
        .send({ track: 'social', organisationId, decidedOn, notifiedOn })
        .expect(201);
    const a = await enter('ARRAGEOIS', '2025-01-06');
    await orient(a, 'org-ccas', 'ARRAGEOIS', '2025-01-19', '2025-01-20');
    const b = await enter('ARRAGEOIS', '2025-01-10');
    await orient(b, 'org-ccas', 'ARRAGEOIS', '2025-02-24', '2025-02-25');
    await enter('CALAISIS', '2025-01-15');
    const d = await enter('CALAISIS', '2025-01-03');
    await orient(d, 'org-cal', 'CALAISIS', '2025-01-07', '2025-01-08');
    await api.http
      .post(`/api/parcours/${d}/exit`)
      .set(system())
      .send({ exitedOn: '2025-01-20', reason: 'income' })
      .expect(201);
    await api.http
      .post(`/api/parcours/${d}/reentry`)
      .set(system())
      .send({ demandOn: '2025-01-22', rightOpenedOn: '2025-01-23', enteredOn: '2025-01-24' })
      .expect(201);
    await orient(d, 'org-cal', 'CALAISIS', '2025-01-27', '2025-01-28');
    await projectionsCaughtUp(api);
  });
  afterAll(() => api?.close());

  const simulate = (body: object, token = tokens.departement()) =>
    api.http.post('/api/indicators/simulations').set(bearer(token)).send(body);
  const figureOf = (
    res: { body: { groups: { group: string; indicators: { code: string }[] }[] } },
    group: string,
    code: string,
  ) => res.body.groups.find((g) => g.group === group)!.indicators.find((i) => i.code === code);
  const log = async () =>
    (await api.app.get<symbol, EventStore>(EVENT_STORE).readAll({ maxCount: 10_000 })).events;

  it('a draft parameter version (orientation within 2 months instead of 1) beside the figure in force; nothing written', async () => {
    const before = await log();
    const res = await simulate({
      from: '2025-01-01',
      to: '2025-01-31',
      groupBy: 'territory',
      codes: ['calpae.oriented_within_1_month'],
      parameters: { orientationCalpaeMonths: 2 },
    }).expect(200);
    // Arrageois: A within a month (20 Jan ≤ 6 Feb); B on 25 Feb, past 10 Feb but within 10 March.
    expect(figureOf(res, 'ARRAGEOIS', 'calpae.oriented_within_1_month')).toMatchObject({
      inForce: { numerator: 1, denominator: 2, value: 0.5, parameters: { orientationCalpaeMonths: 1 } },
      draft: { numerator: 2, denominator: 2, value: 1, parameters: { orientationCalpaeMonths: 2 } },
      difference: 0.5,
    });
    expect(await log()).toEqual(before);
    // The draft is not a version: the parameters in force are unchanged.
    const parameters = await api.http.get('/api/parameters').set(dep()).expect(200);
    expect(parameters.body.versions).toEqual([]);
  });

  it('a definition version other than the one in force: persons instead of cycles in accompaniment', async () => {
    const res = await simulate({
      from: '2025-01-01',
      to: '2025-01-31',
      groupBy: 'territory',
      codes: ['calpae.persons_in_accompaniment'],
      definitionVersions: { 'calpae.persons_in_accompaniment': 2 },
    }).expect(200);
    // Calaisis at 31 Jan: D's first cycle (out 20 Jan, less than 6 months ago) and its second, both oriented: two
    // cycles (version 1, in force in 2025), one person (version 2). C was never oriented.
    expect(figureOf(res, 'CALAISIS', 'calpae.persons_in_accompaniment')).toMatchObject({
      inForce: { version: 1, value: 2 },
      draft: { version: 2, value: 1 },
      difference: -1,
    });
    // Arrageois: A only (B oriented after the period).
    expect(figureOf(res, 'ARRAGEOIS', 'calpae.persons_in_accompaniment')).toMatchObject({
      inForce: { value: 1 },
      draft: { value: 1 },
      difference: 0,
    });
  });

  it.each([
    ['a value of the wrong type', { parameters: { orientationCalpaeMonths: 'two' } }, 'parameters'],
    ['an unknown parameter', { parameters: { orientationDelay: 2 } }, 'parameters'],
    [
      'a definition version that does not exist',
      { definitionVersions: { 'calpae.persons_in_accompaniment': 3 } },
      'definitionVersions',
    ],
    ['an unknown indicator', { definitionVersions: { 'calpae.nope': 1 } }, 'definitionVersions'],
    [
      'an unknown code to compute',
      { codes: ['calpae.nope'], parameters: { orientationCalpaeMonths: 2 } },
      'codes',
    ],
  ])('400 with the field: %s', async (_what, draft, field) => {
    const res = await simulate({ from: '2025-01-01', to: '2025-01-31', ...draft }).expect(400);
    expect(res.body.fields?.map((f: { field: string }) => f.field) ?? [res.body.field]).toContain(field);
  });

  it('422 for the rules between values a real parameter version obeys, and for an empty draft', async () => {
    const invalid = await simulate({
      from: '2025-01-01',
      to: '2025-01-31',
      parameters: { contractMinMonths: 13 },
    }).expect(422);
    expect(invalid.body).toMatchObject({ code: 'PARAMETER_INVALID', field: 'parameters.contractMinMonths' });
    const empty = await simulate({ from: '2025-01-01', to: '2025-01-31' }).expect(422);
    expect(empty.body.code).toBe('SIMULATION_EMPTY');
    const reversed = await simulate({ from: '2025-02-01', to: '2025-01-31', parameters: { dueSoonDays: 3 } });
    expect(reversed.status).toBe(422);
  });

  it('the Département only', async () => {
    const draft = { from: '2025-01-01', to: '2025-01-31', parameters: { orientationCalpaeMonths: 2 } };
    await simulate(draft, tokens.slai()).expect(403);
    await simulate(draft, tokens.etat()).expect(403);
  });
});
