import { INestApplication } from '@nestjs/common';
import { loadConfig } from '@parcours/config';
import type { EventStore } from '@parcours/event-store';
import { PgliteSqlClient, SqlEventStore } from '@parcours/event-store';
import { EVENT_STORE } from '@parcours/runtime';
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import request from 'supertest';
import {
  bearer,
  entryBody,
  NOW,
  seedReferenceData,
  TEST_SECRET,
  TestApi,
  tokens,
} from '../../../../test/support/api';
import { createApp, reservePort, startupFailureMessage } from '../bootstrap';

/** The person of the walk-through: none of these may reach a log line. */
const PERSON = { lastName: 'Quérard', firstName: 'Zébulon', birthDate: '1987-09-23', nir: '187097512345642' };

/** Every line written by the logger, as written. */
class CapturedLines extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void) {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
}

describe('logs of a walk-through', () => {
  const captured = new CapturedLines();
  let app: INestApplication;
  let api: TestApi;
  let parcoursId: string;
  const correlationId = 'walk-through.42';

  beforeAll(async () => {
    // As test/support/api.ts builds it, but with the JSON logger writing to memory.
    const sql = await PgliteSqlClient.open({ schema: 'logs' });
    const eventStore = new SqlEventStore(sql, () => NOW);
    await eventStore.migrate();
    app = await createApp(loadConfig({ PARCOURS_JWT_SECRET: TEST_SECRET }), {
      stores: { eventStore, sql, close: () => sql.close() },
      clock: () => NOW,
      logDestination: captured,
    });
    await app.init();
    api = { app, http: request(app.getHttpServer()), close: () => app.close() };
    await seedReferenceData(api);

    const slai = bearer(tokens.slai());
    const referent = bearer(tokens.referent());
    const entry = await api.http
      .post('/api/parcours')
      .set(bearer(tokens.system()))
      .set('X-Correlation-Id', correlationId)
      .send(entryBody({ person: { ...PERSON, sex: 'male' } }))
      .expect(201);
    expect(entry.headers['x-correlation-id']).toBe(correlationId);
    parcoursId = entry.body.id;
    const p = `/api/parcours/${parcoursId}`;
    await api.http
      .post(`${p}/orientations`)
      .set(slai)
      .send({
        track: 'social',
        organisationId: 'org-ccas',
        decidedOn: '2025-01-20',
        notifiedOn: '2025-01-21',
      })
      .expect(201);
    await api.http
      .post(`${p}/referent`)
      .set(slai)
      .send({ referentId: 'ref-ccas-1', assignedOn: '2025-01-22' })
      .expect(201);
    await api.http
      .post(`${p}/appointments`)
      .set(referent)
      .send({
        scheduledOn: '2025-02-05',
        scheduledFor: '2025-02-12',
        kind: 'individual',
        channel: 'in_person',
      })
      .expect(201);
    await api.http
      .post(`${p}/contracts`)
      .set(referent)
      .send({
        kind: 'contrat_engagement',
        signedOn: '2025-03-03',
        startsOn: '2025-03-03',
        endsOn: '2025-09-02',
        weeklyHours: 15,
        objectives: [],
      })
      .expect(201);
    // Refused: a second entry carrying the person, a malformed NIR and free text, and an orientation by the wrong role.
    await api.http
      .post('/api/parcours')
      .set(bearer(tokens.system()))
      .send(
        entryBody({
          person: { ...PERSON, sex: 'male', nir: `${PERSON.nir}X` },
          note: 'Permis de conduire pour Zébulon Quérard',
        }),
      )
      .expect(400);
    await api.http
      .post(`${p}/orientations`)
      .set(referent)
      .send({
        track: 'social',
        organisationId: 'org-ccas',
        decidedOn: '2025-01-20',
        notifiedOn: '2025-01-21',
      })
      .expect(403);
    await api.http
      .get(
        `/api/persons?lastName=${encodeURIComponent(PERSON.lastName)}` +
          `&firstName=${encodeURIComponent(PERSON.firstName)}&birthDate=${PERSON.birthDate}`,
      )
      .set(bearer(tokens.departement()))
      .expect(200);
    await api.http.get(p).set(bearer(tokens.departement())).expect(200);
    await api.http.get(`${p}/history`).set(bearer(tokens.departement())).expect(200);
    // An invalid correlation id is replaced, not echoed.
    const invalid = await api.http
      .get(p)
      .set(bearer(tokens.departement()))
      .set('X-Correlation-Id', `${PERSON.lastName} ${'x'.repeat(120)}`)
      .expect(200);
    expect(invalid.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
  afterAll(async () => {
    await api.close();
  });

  const entries = () => captured.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  const requestLines = () => entries().filter((e) => e.req !== undefined && e.durationMs !== undefined);

  it('writes JSON lines only, the route table at boot as one line', () => {
    expect(captured.lines.length).toBeGreaterThan(10);
    for (const line of captured.lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(entries().filter((e) => /^\d+ routes mapped$/.test(String(e.msg)))).toHaveLength(1);
    expect(entries().filter((e) => String(e.msg).startsWith('Mapped {'))).toEqual([]);
    // eslint-disable-next-line no-control-regex -- ESC starts an ANSI colour code, which the logs must not hold
    expect(captured.lines.join('\n')).not.toMatch(/\u001b\[/);
  });

  it('writes one line per request with the route pattern, status, duration, identity and correlation id', () => {
    const lines = requestLines();
    const contract = lines.find((e) => (e.req as { route: string }).route === '/api/parcours/:id/contracts');
    expect(contract).toMatchObject({
      req: { method: 'POST' },
      res: { statusCode: 201 },
      sub: 'user-ref-ccas-1',
      role: 'referent',
    });
    expect(typeof contract!.durationMs).toBe('number');
    expect(lines.find((e) => e.correlationId === correlationId)).toMatchObject({
      req: { method: 'POST', route: '/api/parcours' },
      res: { statusCode: 201 },
      sub: 'caf-flow',
      role: 'system',
    });
    expect(lines.filter((e) => (e.res as { statusCode: number }).statusCode === 403)).toHaveLength(1);
    expect(lines.find((e) => (e.req as { route: string }).route === '/api/persons')).toMatchObject({
      res: { statusCode: 200 },
      sub: 'dep-1',
    });
    for (const e of lines) expect(e.correlationId).toEqual(expect.any(String));
  });

  it('logs no name, first name, birth date, NIR, free text nor token', () => {
    const all = captured.lines.join('\n');
    const forbidden = [
      PERSON.lastName,
      PERSON.firstName,
      PERSON.birthDate,
      PERSON.nir,
      encodeURIComponent(PERSON.lastName),
      'Permis de conduire',
      'Bearer ',
      'eyJ',
    ];
    expect(forbidden.filter((value) => all.includes(value))).toEqual([]);
  });

  it('declares the correlation header, optional in every request and present in every answer', async () => {
    const document = (await api.http.get('/api/docs/json').expect(200)).body as {
      paths: Record<
        string,
        Record<
          string,
          {
            parameters: { name: string; required?: boolean }[];
            responses: Record<string, { headers?: object }>;
          }
        >
      >;
    };
    const operations = Object.values(document.paths).flatMap((item) => Object.values(item));
    expect(operations.length).toBeGreaterThan(50);
    for (const op of operations) {
      expect(op.parameters.filter((p) => p.name === 'X-Correlation-Id')).toEqual([
        expect.objectContaining({ required: false }),
      ]);
      for (const response of Object.values(op.responses))
        expect(response.headers).toHaveProperty('X-Correlation-Id');
    }
  });

  it('stores the correlation id and a causation id in the metadata of the events', async () => {
    const { events } = await app.get<EventStore>(EVENT_STORE).readAll();
    const correlated = events.filter((e) => e.metadata.correlationId === correlationId);
    expect(correlated.map((e) => e.type)).toContain('ParcoursEntered');
    for (const e of correlated) expect(e.metadata.causationId).toEqual(expect.any(String));
    expect(
      new Set(events.filter((e) => e.streamId.includes(parcoursId)).map((e) => e.metadata.causationId)).size,
    ).toBeGreaterThanOrEqual(5);
  });
});

describe('start-up failures', () => {
  const config = {
    port: 0,
    host: '127.0.0.1',
    store: 'postgres' as const,
    databaseUrl: 'postgres://parcours:secret@db.example:5432/parcours',
  };

  it('refuses a port in use before anything starts, naming it in one line', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const error = await reservePort(port, '127.0.0.1').then(
        () => undefined,
        (e: unknown) => e,
      );
      const message = startupFailureMessage(error, { ...config, port });
      expect(message).toContain(`port ${port}`);
      expect(message).not.toContain('\n');
    } finally {
      taken.close();
    }
  });

  it('names DATABASE_URL without its password nor a stack when PostgreSQL does not answer', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const message = startupFailureMessage(new AggregateError([refused], ''), config);
    expect(message).toContain('DATABASE_URL=postgres://parcours:***@db.example:5432/parcours');
    expect(message).not.toContain('secret');
    expect(message).not.toMatch(/\n| {4}at /);
  });
});
