import type { EventStore, SqlClient } from '@parcours/event-store';
import { createProjectionRunner, ProjectionRunner } from '@parcours/projections';
import { EVENT_STORE, SQL } from '@parcours/runtime';
import {
  bearer,
  entryBody,
  projectionsCaughtUp,
  seedReferenceData,
  startApi,
  TestApi,
  tokens,
} from '../../../../test/support/api';

const dep = () => bearer(tokens.departement());

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Operations: a projection that meets an event it cannot handle stops
 * there, visibly; `resume` restarts its loop in the running process after the
 * fix; `rebuild` gives a way out; /ready tells it, in detail to the Département only.
 */
describe('GET /api/projections, resume and rebuild, on the embedded store with the worker in the process', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi('embedded');
    await seedReferenceData(api);
  });
  afterAll(async () => {
    await api.close();
  });

  it('lists each projection with its kind, state and lag, to the Département only', async () => {
    await projectionsCaughtUp(api);
    const res = await api.http.get('/api/projections').set(dep()).expect(200);
    expect(res.body).toEqual([
      expect.objectContaining({
        name: 'parcours',
        kind: 'projection',
        status: 'running',
        eventsBehind: 0,
        error: null,
        retries: 0,
      }),
      expect.objectContaining({
        name: 'person-index',
        kind: 'projection',
        status: 'running',
        eventsBehind: 0,
        error: null,
        retries: 0,
      }),
      expect.objectContaining({
        name: 'record-lateness',
        kind: 'projection',
        status: 'running',
        eventsBehind: 0,
        error: null,
        retries: 0,
      }),
      expect.objectContaining({
        name: 'sanction-procedures',
        kind: 'projection',
        status: 'running',
        eventsBehind: 0,
        error: null,
        retries: 0,
      }),
    ]);
    await api.http.get('/api/projections').set(bearer(tokens.slai())).expect(403);
    await api.http.get('/api/projections').expect(401);
  });

  it('refuses an unknown projection (404) and a name that is not an identifier (400)', async () => {
    for (const action of ['resume', 'rebuild']) {
      const unknown = await api.http.post(`/api/projections/nope/${action}`).set(dep()).expect(404);
      expect(unknown.body).toMatchObject({ statusCode: 404, code: 'PROJECTION_UNKNOWN' });
      for (const bad of ['__proto__', 'constructor', 'a%20b', '-x']) {
        const res = await api.http.post(`/api/projections/${bad}/${action}`).set(dep());
        expect([bad, res.status, res.body.code]).toEqual([bad, 400, 'VALIDATION_FAILED']);
      }
      await api.http.post(`/api/projections/parcours/${action}`).set(bearer(tokens.referent())).expect(403);
    }
    // The relay exists only with Kafka configured.
    await api.http.post('/api/projections/kafka-relay/resume').set(dep()).expect(404);
  });

  it('stops at an event it cannot handle, shows it, and resumes after the fix; a rebuild then restores every row', async () => {
    const sql = api.app.get<symbol, SqlClient>(SQL);
    await projectionsCaughtUp(api);
    const first = (
      await api.http.post('/api/parcours').set(bearer(tokens.system())).send(entryBody()).expect(201)
    ).body.id as string;
    await projectionsCaughtUp(api);

    // A defect: a table of the read model is gone, so the next event cannot be folded.
    await sql.query('drop table rm_portfolio');
    const second = (
      await api.http
        .post('/api/parcours')
        .set(bearer(tokens.system()))
        .send(entryBody({ territory: 'CALAISIS' }))
        .expect(201)
    ).body.id as string;
    const failed = await until('the projection to fail', async () => {
      const all = (await api.http.get('/api/projections').set(dep()).expect(200)).body as {
        name: string;
        status: string;
        error: string;
        eventsBehind: number;
      }[];
      return all.find((p) => p.name === 'parcours' && p.status === 'failed');
    });
    expect(failed.error).toContain(`stream parcours-${second}`);
    expect(failed.eventsBehind).toBe(1);

    // Readiness: 503; the reason, with the event, for the Département only.
    await api.http.get('/ready').expect(503, { status: 'not_ready' });
    await api.http.get('/ready').set(bearer(tokens.slai())).expect(503, { status: 'not_ready' });
    const ready = await api.http.get('/ready').set(dep()).expect(503);
    expect(ready.body.checks.projections).toMatch(new RegExp(`parcours failed: .*parcours-${second}`));

    // It does not move by itself.
    await new Promise((r) => setTimeout(r, 300));
    expect((await api.http.get('/api/projections').set(dep())).body[0]).toMatchObject({
      status: 'failed',
      eventsBehind: 1,
    });

    // The fix, then resume: the loop of this process starts again and catches up.
    await api.app.get(ProjectionRunner).migrate();
    const resumed = await api.http.post('/api/projections/parcours/resume').set(dep()).expect(200);
    expect(resumed.body).toMatchObject({ name: 'parcours', kind: 'projection', error: null });
    expect(['running', 'retrying']).toContain(resumed.body.status);
    await projectionsCaughtUp(api);
    await api.http.get('/ready').expect(200, { status: 'ready' });
    expect(await sql.query('select parcours_id from rm_portfolio')).toEqual([{ parcours_id: second }]);

    // The recreated table missed the first parcours: a rebuild from the log restores it.
    const rebuilt = await api.http.post('/api/projections/parcours/rebuild').set(dep()).expect(200);
    expect(rebuilt.body).toEqual({ name: 'parcours', events: expect.any(Number) });
    expect(rebuilt.body.events).toBeGreaterThanOrEqual(2);
    await projectionsCaughtUp(api);
    expect(
      (await sql.query<{ parcours_id: string }>('select parcours_id from rm_portfolio order by 1'))
        .map((r) => r.parcours_id)
        .sort(),
    ).toEqual([first, second].sort());
  });
});

describe('the API beside a separate worker (PARCOURS_WORKER_IN_PROCESS=false)', () => {
  let api: TestApi;
  let runner: ProjectionRunner;
  beforeAll(async () => {
    api = await startApi('embedded', undefined, {
      PARCOURS_WORKER_IN_PROCESS: 'false',
      PARCOURS_READY_MAX_LAG: '1',
    });
    // The worker's runner, as another process would hold it: same database.
    runner = createProjectionRunner(
      api.app.get<symbol, EventStore>(EVENT_STORE),
      api.app.get<symbol, SqlClient>(SQL),
    );
    await runner.migrate();
  });
  afterAll(async () => {
    await api.close();
  });

  it('reads the state from the checkpoints, and /ready answers 503 while a projection lags beyond PARCOURS_READY_MAX_LAG', async () => {
    const system = bearer(tokens.system());
    await api.http.post('/api/parcours').set(system).send(entryBody()).expect(201);
    await api.http.get('/ready').expect(200);
    await api.http
      .post('/api/parcours')
      .set(system)
      .send(entryBody({ territory: 'CALAISIS' }))
      .expect(201);
    const lagging = await api.http.get('/ready').set(dep()).expect(503);
    expect(lagging.body.checks.projections).toMatch(/parcours 2 events behind \(more than 1\)/);
    expect((await api.http.get('/api/projections').set(dep()).expect(200)).body).toEqual([
      expect.objectContaining({
        name: 'parcours',
        kind: 'projection',
        status: 'running',
        eventsBehind: 2,
        eventsProcessed: 0,
      }),
      expect.objectContaining({
        name: 'person-index',
        kind: 'projection',
        status: 'running',
        eventsBehind: 2,
        eventsProcessed: 0,
      }),
      expect.objectContaining({
        name: 'record-lateness',
        kind: 'projection',
        status: 'running',
        eventsBehind: 2,
        eventsProcessed: 0,
      }),
      expect.objectContaining({
        name: 'sanction-procedures',
        kind: 'projection',
        status: 'running',
        eventsBehind: 2,
        eventsProcessed: 0,
      }),
    ]);
    await runner.catchUp('parcours');
    await runner.catchUp('person-index');
    await runner.catchUp('record-lateness');
    await runner.catchUp('sanction-procedures');
    await api.http.get('/ready').set(dep()).expect(200);
    // Resume through this API clears the checkpoint the other process watches.
    await api.app
      .get<symbol, SqlClient>(SQL)
      .query(`update projection_checkpoints set status = 'failed', error = 'boom' where name = 'parcours'`);
    await api.http.get('/ready').expect(503);
    const resumed = await api.http.post('/api/projections/parcours/resume').set(dep()).expect(200);
    expect(resumed.body).toMatchObject({ name: 'parcours', status: 'running', error: null, eventsBehind: 0 });
    await api.http.get('/ready').expect(200);
  });
});
