import { SqlPersonDirectory } from '@parcours/projections';
import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Identity } from '@parcours/auth';
import { loadConfig } from '@parcours/config';
import { PgliteSqlClient, SqlClient, SqlEventStore } from '@parcours/event-store';
import { SQL } from '@parcours/runtime';
import request from 'supertest';
import {
  bearer,
  followedParcours,
  NOW,
  projectionsCaughtUp,
  seedReferenceData,
  startApi,
  StoreUnderTest,
  TEST_SECRET,
  TestApi,
  tokens,
} from '../../../../test/support/api';
import { AppModule } from '../app.module';
import { AUDIT_TRAIL_OPTIONS, AuditTrail } from './audit-trail';
import { auditOfParcours, AuditRecord } from './audit.queries';
import { PERSONAL_DATA_EXTENSION, PURPOSE_HEADER } from './personal-data';

const stores: StoreUnderTest[] = process.env.PARCOURS_TEST_POSTGRES_MISSING
  ? ['embedded']
  : ['embedded', 'postgres'];

type Operation = {
  parameters?: {
    in: string;
    name: string;
    required?: boolean;
    schema?: { pattern?: string; maxLength?: number };
  }[];
  [key: string]: unknown;
};
type Document = { paths: Record<string, Record<string, Operation>> };

/** GET routes that return personal data: their answers name persons or parcours. The audit's own route is exempt. */
const PERSONAL = [/^\/api\/(parcours|me|persons|echeances)(\/|$)/, /^\/api\/referents\/[^/]+\/portfolio$/];
const isPersonal = (path: string) => !path.startsWith('/api/audit') && PERSONAL.some((p) => p.test(path));

/**
 * Every other GET route, each judged to return no personal data: reference
 * data, aggregates, the state of the service. A new GET route must be added
 * here or marked @PersonalData — the walk below fails until it is decided.
 */
const NOT_PERSONAL = new Set([
  '/health',
  '/ready',
  '/api/territories',
  '/api/organisations',
  '/api/referents',
  '/api/actions',
  '/api/parameters',
  '/api/projections',
  // Counts per référent and organisme: no beneficiary is named.
  '/api/supervision',
  '/api/indicators',
  '/api/indicators/definitions',
  '/api/indicators/series',
  '/api/indicators/export',
  // Pseudonymised rows for the État (keyed ids, no name, no birth date).
  '/api/indicators/extract',
  '/api/audit',
  // Counts and delays by organisme, event type and month; figures as known at several dates; sanctions counted.
  '/api/data-quality/lateness',
  '/api/indicators/revisions',
  '/api/sanctions/compliance',
]);

/** The Express pattern of an OpenAPI path: what the audit records as the route. */
const routeOf = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

/** Personal routes the DPO reads: a person's access report (RGPD art. 15), which the DPO answers. Their reads are audited too. */
const DPO_MAY_READ = new Set(['/api/persons/{id}/access-report']);

/** What a marked route needs besides its path to answer with data (a search needs a criterion). */
const QUERY_OF: Record<string, string> = { '/api/persons': 'lastName=Martin' };

const dpo = () => bearer(tokens.of({ sub: 'dpo-1', role: 'dpo' }));
const agent = (sub: string, identity: Omit<Identity, 'sub'>) => bearer(tokens.of({ sub, ...identity }));
const referentAgent = (sub: string) =>
  agent(sub, { role: 'referent', referentId: 'ref-ccas-1', organisationId: 'org-ccas' });

describe.each(stores)('the audit of reads on the %s store', (store) => {
  let api: TestApi;
  let now = NOW;
  let p1: string;
  let p2: string;
  let sql: SqlClient;
  let doc: Document;

  const audit = async (
    query: string,
  ): Promise<{ total: number; page: number; pageSize: number; items: AuditRecord[] }> =>
    (await api.http.get(`/api/audit?${query}`).set(dpo()).expect(200)).body;

  beforeAll(async () => {
    api = await startApi(store, () => now);
    sql = api.app.get<SqlClient>(SQL);
    await seedReferenceData(api);
    p1 = await followedParcours(api);
    p2 = await followedParcours(api);
    await projectionsCaughtUp(api);
    doc = (await api.http.get('/api/docs/json').expect(200)).body;
  });
  afterAll(async () => {
    await api?.close();
  });

  it('records each read: who, which parcours, when, through which route pattern, and why', async () => {
    const ref = referentAgent('agent-a');
    await api.http.get(`/api/parcours/${p1}`).set(ref).set(PURPOSE_HEADER, 'suivi-rsa').expect(200);
    await api.http.get(`/api/parcours/${p1}/history`).set(ref).expect(200);
    await api.http.get('/api/me/portfolio').set(ref).set(PURPOSE_HEADER, 'rdv').expect(200);
    await api.http.get('/api/referents/ref-ccas-1/portfolio?pageSize=1').set(ref).expect(200);
    await api.http.get('/api/echeances').set(ref).expect(200);
    await api.http
      .get(`/api/parcours/${p2}/history`)
      .set(agent('agent-a2', { role: 'slai', territory: 'ARRAGEOIS' }))
      .expect(200);

    const { items, total } = await audit('actor=agent-a');
    expect(total).toBe(5);
    const who = { sub: 'agent-a', role: 'referent', referentId: 'ref-ccas-1', organisationId: 'org-ccas' };
    expect(items.map(({ id: _, ...r }) => ({ ...r, parcoursIds: [...r.parcoursIds].sort() }))).toEqual([
      {
        readAt: NOW.toISOString(),
        actor: who,
        method: 'GET',
        route: '/api/parcours/:id',
        purpose: 'suivi-rsa',
        parcoursIds: [p1],
      },
      {
        readAt: NOW.toISOString(),
        actor: who,
        method: 'GET',
        route: '/api/parcours/:id/history',
        parcoursIds: [p1],
      },
      {
        readAt: NOW.toISOString(),
        actor: who,
        method: 'GET',
        route: '/api/me/portfolio',
        purpose: 'rdv',
        parcoursIds: [p1, p2].sort(),
      },
      // One line asked, one parcours recorded: what was returned, not what exists.
      {
        readAt: NOW.toISOString(),
        actor: who,
        method: 'GET',
        route: '/api/referents/:id/portfolio',
        parcoursIds: [expect.any(String)],
      },
      // Several échéances of the same parcours: each parcours once.
      {
        readAt: NOW.toISOString(),
        actor: who,
        method: 'GET',
        route: '/api/echeances',
        parcoursIds: [p1, p2].sort(),
      },
    ]);
    expect((await audit('actor=agent-a2')).items.map((r) => [r.actor, r.route, r.parcoursIds])).toEqual([
      [{ sub: 'agent-a2', role: 'slai', territory: 'ARRAGEOIS' }, '/api/parcours/:id/history', [p2]],
    ]);
  });

  it.each([['not a code'], ['x'.repeat(101)], ['__proto__'], ['a/b'], ['']])(
    'refuses the purpose %j with a 400, and records nothing',
    async (purpose) => {
      const res = await api.http
        .get(`/api/parcours/${p1}`)
        .set(referentAgent('agent-c'))
        .set(PURPOSE_HEADER, purpose)
        .expect(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', field: PURPOSE_HEADER });
      expect((await audit('actor=agent-c')).total).toBe(0);
    },
  );

  it('records nothing when no personal data is answered: refused, unknown, or an empty list', async () => {
    await api.http
      .get(`/api/parcours/${p1}`)
      .set(agent('agent-d', { role: 'referent', referentId: 'ref-ccas-2', organisationId: 'org-ccas' }))
      .expect(403);
    await api.http
      .get('/api/parcours/unknown-parcours')
      .set(agent('agent-d', { role: 'departement' }))
      .expect(404);
    await api.http
      .get('/api/referents/ref-ft-1/portfolio')
      .set(agent('agent-d', { role: 'departement' }))
      .expect(200);
    expect((await audit('actor=agent-d')).total).toBe(0);
  });

  it('lets the DPO and the Département read the audit, filtered by parcours, agent and Paris days, and paged', async () => {
    const dep = () => agent('agent-e', { role: 'departement' });
    try {
      now = new Date('2025-06-28T10:00:00Z');
      await api.http.get(`/api/parcours/${p1}`).set(dep()).expect(200);
      // 22:30 UTC on the 29th is half past midnight on the 30th in Paris.
      now = new Date('2025-06-29T22:30:00Z');
      await api.http.get(`/api/parcours/${p2}`).set(dep()).expect(200);
    } finally {
      now = NOW;
    }
    await api.http.get(`/api/parcours/${p1}/history`).set(dep()).set(PURPOSE_HEADER, 'controle').expect(200);

    const all = await audit('actor=agent-e');
    expect(all.items.map((r) => [r.readAt, r.parcoursIds[0], r.purpose])).toEqual([
      ['2025-06-28T10:00:00.000Z', p1, undefined],
      ['2025-06-29T22:30:00.000Z', p2, undefined],
      [NOW.toISOString(), p1, 'controle'],
    ]);
    expect((await audit(`actor=agent-e&parcoursId=${p1}`)).items.map((r) => r.readAt)).toEqual([
      '2025-06-28T10:00:00.000Z',
      NOW.toISOString(),
    ]);
    expect((await audit('actor=agent-e&from=2025-06-30&to=2025-06-30')).total).toBe(2);
    expect((await audit('actor=agent-e&from=2025-06-29&to=2025-06-29')).total).toBe(0);
    expect((await audit('actor=agent-e&to=2025-06-28')).items.map((r) => r.readAt)).toEqual([
      '2025-06-28T10:00:00.000Z',
    ]);
    expect(await audit('actor=agent-e&pageSize=1&page=2')).toMatchObject({
      total: 3,
      page: 2,
      pageSize: 1,
      items: [{ readAt: '2025-06-29T22:30:00.000Z' }],
    });
    // The parcours filter alone finds the reads of every agent, portfolio and échéances lists included.
    expect((await audit(`parcoursId=${p2}`)).items.every((r) => r.parcoursIds.includes(p2))).toBe(true);

    await api.http.get('/api/audit?actor=agent-e').set(bearer(tokens.departement())).expect(200);
    await api.http.get('/api/audit?from=2025-06-30&to=2025-06-01').set(dpo()).expect(422);
    for (const bad of ['parcoursId=__proto__', 'page=0', 'pageSize=501', 'from=2025-13-01', 'actor=a%20b'])
      await api.http.get(`/api/audit?${bad}`).set(dpo()).expect(400);
    for (const other of [tokens.referent(), tokens.slai(), tokens.etat(), tokens.system()])
      await api.http.get('/api/audit').set(bearer(other)).expect(403);
  });

  it('gives the DPO nothing else personal: every audited route, supervision, indicators and commands are refused', async () => {
    const marked = Object.entries(doc.paths).filter(
      ([path, item]) => item.get?.[PERSONAL_DATA_EXTENSION] === true && !DPO_MAY_READ.has(path),
    );
    expect(marked.length).toBeGreaterThanOrEqual(5);
    for (const [path] of marked) {
      const url =
        path.replace('{id}', path.startsWith('/api/referents') ? 'ref-ccas-1' : p1) +
        (QUERY_OF[path] ? `?${QUERY_OF[path]}` : '');
      const res = await api.http.get(url).set(dpo());
      expect([url, res.status]).toEqual([url, 403]);
    }
    await api.http.get('/api/supervision?territory=ARRAGEOIS').set(dpo()).expect(403);
    await api.http.get('/api/indicators?from=2025-01-01&to=2025-03-31').set(dpo()).expect(403);
    await api.http.get('/api/indicators/extract?from=2025-01-01&to=2025-03-31').set(dpo()).expect(403);
    await api.http
      .post(`/api/parcours/${p1}/appointments`)
      .set(dpo())
      .send({
        scheduledFor: '2025-07-10',
        scheduledOn: '2025-06-30',
        kind: 'individual',
        channel: 'in_person',
      })
      .expect(403);
    expect((await audit('actor=dpo-1')).total).toBe(0);
  });

  it('refuses in the database itself to update, delete or truncate audit rows', async () => {
    await api.http.get(`/api/parcours/${p1}`).set(referentAgent('agent-g')).expect(200);
    const [record] = (await audit('actor=agent-g')).items;
    const rows = async () =>
      sql.query<{ actor_sub: string }>('select actor_sub from audit_reads where id = $1', [record.id]);
    await expect(
      sql.query(`update audit_reads set actor_sub = 'someone-else' where id = $1`, [record.id]),
    ).rejects.toThrow(/append-only/);
    await expect(sql.query('delete from audit_reads where id = $1', [record.id])).rejects.toThrow(
      /append-only/,
    );
    await expect(sql.query('truncate audit_reads')).rejects.toThrow(/append-only/);
    expect(await rows()).toEqual([{ actor_sub: 'agent-g' }]);
  });

  it("gives the access report every read of one parcours, oldest first, naming no other person's parcours", async () => {
    await api.http.get('/api/me/portfolio').set(referentAgent('agent-h')).expect(200);
    await api.app.get(AuditTrail).flush();
    const reads = await auditOfParcours(sql, p2);
    expect(reads.length).toBeGreaterThanOrEqual(3);
    expect(reads.every((r) => r.parcoursIds.length === 1 && r.parcoursIds[0] === p2)).toBe(true);
    expect(reads.map((r) => r.readAt)).toEqual([...reads.map((r) => r.readAt)].sort());
    expect(reads.at(-1)).toMatchObject({ actor: { sub: 'agent-h' }, route: '/api/me/portfolio' });
  });

  it(
    'marks every GET route that returns personal data in the OpenAPI document, with ' +
      'its X-Purpose header; every other GET route is judged not personal',
    () => {
      const unmarked: string[] = [];
      const undecided: string[] = [];
      for (const [path, item] of Object.entries(doc.paths)) {
        const get = item.get;
        if (!get) continue;
        const marked = get[PERSONAL_DATA_EXTENSION] === true;
        if (marked) {
          const purpose = get.parameters?.find((p) => p.in === 'header' && p.name === PURPOSE_HEADER);
          expect([
            path,
            purpose?.required ?? false,
            purpose?.schema?.maxLength,
            typeof purpose?.schema?.pattern,
          ]).toEqual([path, false, 100, 'string']);
        }
        if (isPersonal(path) && !marked) unmarked.push(path);
        if (!isPersonal(path) && !marked && !NOT_PERSONAL.has(path)) undecided.push(path);
      }
      // A route under a personal prefix without @PersonalData returns personal data unaudited.
      expect(unmarked).toEqual([]);
      // A new GET route elsewhere: mark it @PersonalData, or add it to NOT_PERSONAL with why.
      expect(undecided).toEqual([]);
      expect(doc.paths['/api/audit'].get[PERSONAL_DATA_EXTENSION]).toBeUndefined();
    },
  );

  /** A suspension on a parcours followed since January: its legal file is a personal route too. */
  async function sanctionOn(parcoursId: string): Promise<string> {
    const slai = bearer(tokens.slai());
    const call = async (path: string, body: object) =>
      (await api.http.post(`/api/parcours/${parcoursId}${path}`).set(slai).send(body).expect(201)).body;
    const { breachId } = await api.http
      .post(`/api/parcours/${parcoursId}/breaches`)
      .set(bearer(tokens.referent()))
      .send({
        kind: 'unreachable',
        obligation: 'appointments',
        occurredOn: '2025-03-03',
        reportedOn: '2025-03-03',
      })
      .expect(201)
      .then((r) => r.body);
    await call(`/breaches/${breachId}/information`, { informedOn: '2025-03-03' });
    await call(`/breaches/${breachId}/ep-opinion`, { givenOn: '2025-03-20', opinion: 'sanction' });
    return (
      await call(`/breaches/${breachId}/decision`, {
        decidedOn: '2025-03-25',
        decision: 'suspension',
        sharePercent: 50,
        months: 1,
      })
    ).sanctionId;
  }

  it('records a read of every route marked in the document, called as a client would', async () => {
    // A list records a read when it names someone: one pair for the Département to confirm.
    await new SqlPersonDirectory(sql).flag(p1, [p2]);
    const sanctionId = await sanctionOn(p1);
    const marked = Object.entries(doc.paths)
      .filter(([, item]) => item.get?.[PERSONAL_DATA_EXTENSION] === true)
      .map(([path]) => path);
    const uncallable: string[] = [];
    for (const path of marked) {
      const url = path.replace(/\{(\w+)\}/g, (_, name: string) => {
        // One person, one parcours: a person is named by the id of their parcours.
        if (name === 'id' && (path.startsWith('/api/parcours/') || path.startsWith('/api/persons/')))
          return p1;
        if (name === 'id' && path.startsWith('/api/referents/')) return 'ref-ccas-1';
        if (name === 'sanctionId') return sanctionId;
        uncallable.push(path);
        return name;
      });
      const caller = path.startsWith('/api/me/')
        ? referentAgent('agent-j')
        : agent('agent-j', { role: 'departement' });
      const query = QUERY_OF[path] ? `?${QUERY_OF[path]}` : '';
      const res = await api.http
        .get(url + query)
        .set(caller)
        .set(PURPOSE_HEADER, 'walk');
      expect([path, res.status]).toEqual([path, 200]);
    }
    // A new marked route with other path parameters: say above how to call it.
    expect(uncallable).toEqual([]);
    const recorded = new Set(
      (await audit('actor=agent-j&pageSize=500')).items
        .filter((r) => r.purpose === 'walk')
        .map((r) => r.route),
    );
    expect([...recorded].sort()).toEqual(marked.map(routeOf).sort());
  });
});

/** Back-pressure: a small buffer, and an audit table the database refuses to write to. */
describe('the audit of reads while its table cannot be written', () => {
  let api: TestApi;
  let sql: PgliteSqlClient;
  let p1: string;

  beforeAll(async () => {
    sql = await PgliteSqlClient.open({ schema: 'e2e' });
    const eventStore = new SqlEventStore(sql, () => NOW);
    await eventStore.migrate();
    const module = await Test.createTestingModule({
      imports: [
        AppModule.forRoot(loadConfig({ PARCOURS_JWT_SECRET: TEST_SECRET }), {
          stores: { eventStore, sql, close: () => sql.close() },
          clock: () => NOW,
        }),
      ],
    })
      .overrideProvider(AUDIT_TRAIL_OPTIONS)
      .useValue({ flushIntervalMs: 20, batchSize: 500, capacity: 3, shutdownTimeoutMs: 2000 })
      .compile();
    const app = module.createNestApplication({ logger: false });
    await app.init();
    // The outage's warnings are expected here.
    Logger.overrideLogger(false);
    api = { app, http: request(app.getHttpServer()), close: () => app.close() };
    await seedReferenceData(api);
    p1 = await followedParcours(api);
    await projectionsCaughtUp(api);
  });
  afterAll(async () => {
    await api?.close();
  });

  it(
    'serves reads while the buffer holds them, answers 503 STORE_UNAVAILABLE when ' +
      'full, and loses none once the table is back',
    async () => {
      const count = async () =>
        Number(
          (
            await sql.query<{ n: number }>(
              `select count(*)::int as n from audit_reads where actor_sub = 'agent-k'`,
            )
          )[0].n,
        );
      const dep = agent('agent-k', { role: 'departement' });
      await sql.query('alter table audit_reads rename to audit_reads_away');
      const statuses: number[] = [];
      let refused: request.Response | undefined;
      for (let i = 0; i < 5; i++) {
        const res = await api.http.get(`/api/parcours/${p1}`).set(dep);
        statuses.push(res.status);
        if (res.status === 503) refused = res;
      }
      expect(statuses).toEqual([200, 200, 200, 503, 503]);
      expect(refused?.body).toMatchObject({ code: 'STORE_UNAVAILABLE' });
      expect(refused?.headers['retry-after']).toBe('2');
      await sql.query('alter table audit_reads_away rename to audit_reads');
      const started = Date.now();
      while ((await count()) < 3 && Date.now() - started < 10_000)
        await new Promise((r) => setTimeout(r, 50));
      // Exactly the three reads served: none lost, none of the refused ones.
      expect(await count()).toBe(3);
      await api.http.get(`/api/parcours/${p1}`).set(dep).expect(200);
    },
  );
});
