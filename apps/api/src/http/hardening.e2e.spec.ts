import { signJwt } from '@parcours/auth';
import type { SqlClient } from '@parcours/event-store';
import { SQL } from '@parcours/runtime';
import {
  bearer,
  entryBody,
  followedParcours,
  NOW,
  seedReferenceData,
  startApi,
  StoreUnderTest,
  TEST_SECRET,
  TestApi,
  tokens,
} from '../../../../test/support/api';

const stores: StoreUnderTest[] = process.env.PARCOURS_TEST_POSTGRES_MISSING
  ? ['embedded']
  : ['embedded', 'postgres'];

/**
 * Regression tests of input handling: each example that once
 * got through (or gave a 500) is refused with a clear error and writes nothing.
 */
describe.each(stores)('hardened input on the %s store', (store) => {
  let api: TestApi;
  let id: string;
  const dep = () => bearer(tokens.departement());
  const system = () => bearer(tokens.system());
  const slai = () => bearer(tokens.slai());

  beforeAll(async () => {
    api = await startApi(store);
    await seedReferenceData(api);
    id = await followedParcours(api);
  });
  afterAll(async () => {
    await api.close();
  });

  const eventCount = async () => {
    const [row] = await api.app
      .get<symbol, SqlClient>(SQL)
      .query<{ n: number }>('select count(*)::int as n from events');
    return row.n;
  };

  /** Sends a request that must be refused with `status`, and checks that nothing was appended. */
  async function refused(
    send: () => PromiseLike<{ status: number; body: Record<string, unknown> }>,
    status: number,
  ) {
    const before = await eventCount();
    const res = await send();
    expect({ status: res.status, body: res.body }).toMatchObject({
      status,
      body: { statusCode: status, code: expect.any(String), message: expect.any(String) },
    });
    expect(await eventCount()).toBe(before);
    return res.body;
  }

  describe('§1 every command is validated completely', () => {
    it('a household change without household is refused (it once froze the parcours projection)', async () => {
      const body = await refused(
        () => api.http.post(`/api/parcours/${id}/household`).set(system()).send({ changedOn: '2025-02-10' }),
        400,
      );
      expect(body.fields).toEqual([expect.objectContaining({ field: 'household' })]);
    });

    it.each([
      ['without household', { household: undefined }],
      ['without person', { person: undefined }],
      ['with person null', { person: null }],
      ['with household as an array', { household: [] }],
      ['with a string as person', { person: 'Martin' }],
    ])('an entry %s is a 400, never a 500', async (_, overrides) => {
      await refused(() => api.http.post('/api/parcours').set(system()).send(entryBody(overrides)), 400);
    });

    it('a body that is a JSON array or a primitive is refused', async () => {
      await refused(
        () =>
          api.http
            .post(`/api/parcours/${id}/exit`)
            .set(system())
            .send([{ exitedOn: '2025-05-31', reason: 'employment' }]),
        400,
      );
    });

    it.each([
      ['a fraction of months', { orientationCalpaeMonths: 1.5 }],
      ['a fraction of days', { orientationTargetDays: 0.5 }],
      ['an unknown name', { notAParameter: 3 }],
      ['a name of the object prototype', { constructor: 3 }],
      ['a string for a boolean', { epOpinionRequired: 'yes' }],
    ])('a parameter version with %s is refused', async (_, values) => {
      await refused(
        () => api.http.post('/api/parameters').set(dep()).send({ effectiveFrom: '2025-06-01', values }),
        400,
      );
    });

    it('GET /api/parameters shows every parameter with its default and its source', async () => {
      const res = await api.http.get('/api/parameters').set(dep()).expect(200);
      expect(Object.keys(res.body.sources).sort()).toEqual(Object.keys(res.body.defaults).sort());
      expect(res.body.defaults).toMatchObject({
        repeatedBreachDelayMonths: 12,
        activityHoursLegalMin: 15,
        maxDaysAhead: 366,
      });
      expect(res.body.sources.repeatedBreachDelayMonths).toMatch(/règle de projet/);
      expect(res.body.sources.householdShareCap).toMatch(/R262-68-6/);
    });

    it('weekly hours may be a fraction (17.5 h)', async () => {
      await api.http
        .post('/api/parameters')
        .set(dep())
        .send({ effectiveFrom: '2025-01-01', values: { weeklyHoursTarget: 17.5 } })
        .expect(201);
    });

    it('dates are bounded: 2999-12-31 is not a date, a year ahead is the horizon (parameter maxDaysAhead)', async () => {
      await refused(
        () =>
          api.http
            .post(`/api/parcours/${id}/exemptions`)
            .set(slai())
            .send({ reason: 'health', from: '2999-12-31' }),
        400,
      );
      const far = await refused(
        () =>
          api.http
            .post(`/api/parcours/${id}/exemptions`)
            .set(slai())
            .send({ reason: 'health', from: '2026-08-01' }),
        422,
      );
      expect(far).toMatchObject({ code: 'DATE_TOO_FAR_AHEAD', field: 'from' });
      await refused(
        () =>
          api.http.post(`/api/parcours/${id}/appointments`).set(slai()).send({
            scheduledFor: '2030-01-01',
            scheduledOn: '2025-06-01',
            kind: 'individual',
            channel: 'phone',
          }),
        422,
      );
      await api.http
        .post(`/api/parcours/${id}/exemptions`)
        .set(slai())
        .send({ reason: 'health', from: '2025-07-01', to: '2025-09-30' })
        .expect(201);
    });
  });

  describe('§3 no input gives a 500, none is wrongly accepted', () => {
    it.each(['1e300', '-1', '0', '1.5', 'abc', '10001'])('page=%s on a list route is a 400', async (page) => {
      await refused(() => api.http.get(`/api/echeances?page=${page}`).set(dep()), 400);
    });

    it.each([
      ['a NUL byte', 'abc%00def'],
      ['a reserved name', 'constructor'],
      ['__proto__', '__proto__'],
      ['a dot-dot', '..%2F..'],
      ['300 characters', 'a'.repeat(300)],
    ])('a path id with %s is a 400', async (_, bad) => {
      await refused(() => api.http.get(`/api/parcours/${bad}`).set(dep()), 400);
      await refused(
        () =>
          api.http
            .post(`/api/parcours/${id}/appointments/${bad}/held`)
            .set(dep())
            .send({ heldOn: '2025-03-01' }),
        400,
      );
    });

    it('PATCH /api/organisations/__proto__ creates no phantom organisation', async () => {
      await refused(
        () => api.http.patch('/api/organisations/__proto__').set(dep()).send({ active: false }),
        400,
      );
      const organisations = await api.http.get('/api/organisations').set(dep()).expect(200);
      expect(organisations.body.map((o: { organisationId: string }) => o.organisationId).sort()).toEqual([
        'org-ccas',
        'org-ft',
      ]);
    });

    it.each(['constructor', 'toString', 'hasOwnProperty', '__proto__'])(
      '%s is no identifier: territory, action, organisation, entry territory',
      async (name) => {
        await refused(
          () => api.http.post('/api/territories').set(dep()).send({ territoryId: name, name: 'Fantôme' }),
          400,
        );
        await refused(
          () =>
            api.http.post('/api/actions').set(dep()).send({
              actionId: name,
              dispositifCode: '3.3',
              theme: 'Mobilité',
              provider: 'X',
              places: 1,
              startsOn: '2025-01-01',
              endsOn: '2025-12-31',
            }),
          400,
        );
        await refused(
          () =>
            api.http
              .post('/api/organisations')
              .set(dep())
              .send({ organisationId: name, name: 'X', kind: 'ccas_cias', territories: ['ARRAGEOIS'] }),
          400,
        );
        await refused(
          () =>
            api.http
              .post('/api/parcours')
              .set(system())
              .send(entryBody({ territory: name })),
          400,
        );
      },
    );

    it('names of territories and organisations may hold digits', async () => {
      await api.http
        .post('/api/territories')
        .set(dep())
        .send({ territoryId: 'LENS-HENIN-2', name: 'Lens-Hénin 2' })
        .expect(201);
      await api.http
        .post('/api/organisations')
        .set(dep())
        .send({ organisationId: 'mds-62', name: 'MDS 62', kind: 'ccas_cias', territories: ['LENS-HENIN-2'] })
        .expect(201);
    });

    it.each([
      ['no exp', { sub: 'dep-x', role: 'departement', iat: NOW.getTime() / 1000 }],
      ['exp as a string', { sub: 'dep-x', role: 'departement', exp: String(NOW.getTime() / 1000 + 3600) }],
      [
        'a lifetime of a year (over PARCOURS_JWT_MAX_LIFETIME_SECONDS)',
        {
          sub: 'dep-x',
          role: 'departement',
          iat: NOW.getTime() / 1000,
          exp: NOW.getTime() / 1000 + 365 * 86400,
        },
      ],
      [
        'a year ahead and no iat',
        { sub: 'dep-x', role: 'departement', exp: NOW.getTime() / 1000 + 365 * 86400 },
      ],
    ])('a token with %s is refused', async (_, claims) => {
      const res = await api.http
        .get('/api/territories')
        .set(bearer(signJwt(claims, TEST_SECRET)))
        .expect(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    });

    it('a SLAI may not re-enter a parcours into another territory; the Département may', async () => {
      const other = await followedParcours(api);
      await api.http
        .post(`/api/parcours/${other}/exit`)
        .set(system())
        .send({ exitedOn: '2025-05-31', reason: 'employment' })
        .expect(201);
      const reentry = {
        demandOn: '2025-06-02',
        rightOpenedOn: '2025-06-03',
        enteredOn: '2025-06-04',
        territory: 'CALAISIS',
      };
      await refused(() => api.http.post(`/api/parcours/${other}/reentry`).set(slai()).send(reentry), 403);
      await api.http
        .post(`/api/parcours/${other}/reentry`)
        .set(slai())
        .send({ ...reentry, territory: 'ARRAGEOIS' })
        .expect(201);
    });
  });

  describe('§4 idempotency means the same request', () => {
    const key = (k: string) => ({ 'Idempotency-Key': `${store}-${k}` });

    it('the same key with another body is refused and the second command is not lost silently', async () => {
      const first = await api.http
        .post(`/api/parcours/${id}/diagnostics`)
        .set(dep())
        .set(key('diag'))
        .send({ diagnosedOn: '2025-02-01', barriers: ['mobility'] })
        .expect(201);
      const again = await api.http
        .post(`/api/parcours/${id}/diagnostics`)
        .set(dep())
        .set(key('diag'))
        .send({ barriers: ['mobility'], diagnosedOn: '2025-02-01' })
        .expect(201);
      expect(again.body).toEqual(first.body);
      const body = await refused(
        () =>
          api.http
            .post(`/api/parcours/${id}/diagnostics`)
            .set(dep())
            .set(key('diag'))
            .send({ diagnosedOn: '2025-02-02', barriers: ['housing'] }),
        422,
      );
      expect(body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'Idempotency-Key' });
    });

    it('the same key for another command or another parcours is refused', async () => {
      const other = await followedParcours(api);
      await api.http
        .post(`/api/parcours/${id}/france-travail-registration`)
        .set(dep())
        .set(key('ft'))
        .send({ registeredOn: '2025-01-10' })
        .expect(201);
      await refused(
        () =>
          api.http
            .post(`/api/parcours/${other}/france-travail-registration`)
            .set(dep())
            .set(key('ft'))
            .send({ registeredOn: '2025-01-10' }),
        422,
      );
      await refused(
        () =>
          api.http
            .post(`/api/parcours/${id}/diagnostics`)
            .set(dep())
            .set(key('ft'))
            .send({ diagnosedOn: '2025-02-01', barriers: [] }),
        422,
      );
    });

    it('two entries of different persons under one key: the second is refused, not answered with the first', async () => {
      const first = await api.http
        .post('/api/parcours')
        .set(system())
        .set(key('entry'))
        .send(entryBody())
        .expect(201);
      await refused(
        () =>
          api.http
            .post('/api/parcours')
            .set(system())
            .set(key('entry'))
            .send(
              entryBody({
                person: { lastName: 'Petit', firstName: 'Jo', birthDate: '1980-01-01', sex: 'male' },
              }),
            ),
        422,
      );
      const replay = await api.http
        .post('/api/parcours')
        .set(system())
        .set(key('entry'))
        .send(entryBody())
        .expect(201);
      expect(replay.body).toEqual(first.body);
    });

    it('the same request sent twice at once with If-Match: both answer as the one recorded', async () => {
      const other = await followedParcours(api);
      const state = await api.http.get(`/api/parcours/${other}`).set(dep()).expect(200);
      const send = () =>
        api.http
          .post(`/api/parcours/${other}/diagnostics`)
          .set(dep())
          .set(key('twice'))
          .set('If-Match', String(state.body.revision))
          .send({ diagnosedOn: '2025-02-01', barriers: ['mobility'] });
      const answers = await Promise.all([send(), send(), send()]);
      expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
      expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
      const history = await api.http.get(`/api/parcours/${other}/history`).set(dep()).expect(200);
      expect(history.body.filter((e: { type: string }) => e.type === 'DiagnosticRecorded')).toHaveLength(1);
    });

    it('a key whose request a rule refused may serve the corrected request', async () => {
      await refused(
        () =>
          api.http
            .post(`/api/parcours/${id}/employment`)
            .set(dep())
            .set(key('emp'))
            .send({ startedOn: '2025-07-01', kind: 'permanent' }),
        422,
      );
      await api.http
        .post(`/api/parcours/${id}/employment`)
        .set(dep())
        .set(key('emp'))
        .send({ startedOn: '2025-03-01', kind: 'permanent' })
        .expect(201);
    });
  });

  describe('§5 reference data under concurrency', () => {
    it('twenty parallel registrations of référents all succeed', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          api.http
            .post('/api/referents')
            .set(dep())
            .send({
              referentId: `ref-par-${i}`,
              organisationId: 'org-ccas',
              territory: 'ARRAGEOIS',
              displayName: `Agent ${String.fromCharCode(65 + i)}`,
            }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
      const referents = await api.http.get('/api/referents').set(dep()).expect(200);
      expect(
        referents.body.filter((r: { referentId: string }) => r.referentId.startsWith('ref-par-')),
      ).toHaveLength(20);
    });
  });
});
