import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { loadConfig } from '@parcours/config';
import { PgSqlClient, SqlEventStore } from '@parcours/event-store';
import request from 'supertest';
import { createApp } from '../../apps/api/src/bootstrap';
import { bearer, entryBody, NOW, projectionsCaughtUp, TEST_SECRET, tokens } from '../support/api';
import { createTestSchema, describeWithPostgres, postgresUrl } from '../support/services';
import { TcpProxy } from './tcp-proxy';

/**
 * While the store is unreachable (connections refused, open ones
 * cut) the API answers 503 STORE_UNAVAILABLE with Retry-After, never a 500,
 * and /ready says why; when it is back, everything works again by itself.
 */
describeWithPostgres('the API while PostgreSQL is unreachable', () => {
  jest.setTimeout(120_000);
  const target = new URL(postgresUrl());
  const proxy = new TcpProxy(19410, { host: target.hostname, port: Number(target.port || 5432) });
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let app: INestApplication;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    await proxy.up();
    schema = await createTestSchema('outage');
    const sql = new PgSqlClient({
      connectionString: proxy.through(postgresUrl()),
      schema: schema.schema,
      connectionTimeoutMillis: 2000,
    });
    const eventStore = new SqlEventStore(sql, () => NOW);
    await eventStore.migrate();
    app = await createApp(loadConfig({ PARCOURS_JWT_SECRET: TEST_SECRET }), {
      stores: { eventStore, sql, close: () => sql.close() },
      clock: () => NOW,
      logger: false,
    });
    await app.init();
    await http()
      .post('/api/territories')
      .set(bearer(tokens.departement()))
      .send({ territoryId: 'ARRAGEOIS', name: 'Arrageois' })
      .expect(201);
  });
  afterAll(async () => {
    await proxy.up();
    await app?.close();
    await proxy.down();
    await schema?.drop();
  });

  const someParcours = randomUUID();
  const requests: [string, () => request.Test][] = [
    [
      'an entry',
      () =>
        http()
          .post('/api/parcours')
          .set(bearer(tokens.system()))
          .set('Idempotency-Key', 'entry-during-outage')
          .send(entryBody()),
    ],
    [
      'a command on a parcours',
      () =>
        http()
          .post(`/api/parcours/${someParcours}/exit`)
          .set(bearer(tokens.system()))
          .send({ exitedOn: '2025-05-31', reason: 'income' }),
    ],
    [
      'a reference write',
      () =>
        http()
          .post('/api/territories')
          .set(bearer(tokens.departement()))
          .send({ territoryId: 'CALAISIS', name: 'Calaisis' }),
    ],
    ['a parcours read', () => http().get(`/api/parcours/${someParcours}`).set(bearer(tokens.departement()))],
    ['a read model', () => http().get('/api/echeances').set(bearer(tokens.departement()))],
    ['the projections', () => http().get('/api/projections').set(bearer(tokens.departement()))],
    ['a resume', () => http().post('/api/projections/parcours/resume').set(bearer(tokens.departement()))],
  ];

  it('answers 503 STORE_UNAVAILABLE with Retry-After to every request, /ready 503; then recovers on its own', async () => {
    await projectionsCaughtUp({ app, http: http(), close: async () => undefined });
    await proxy.down();
    for (const [what, send] of requests) {
      const res = await send();
      expect([what, res.status, res.body.code]).toEqual([what, 503, 'STORE_UNAVAILABLE']);
      expect(res.body.message).toMatch(/indisponible/);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
    await http().get('/ready').expect(503, { status: 'not_ready' });
    const ready = await http().get('/ready').set(bearer(tokens.departement())).expect(503);
    expect(ready.body.checks.eventStore).toMatch(/^failed/);
    expect(ready.body.checks.readDatabase).toMatch(/ECONNREFUSED/);
    await http().get('/health').expect(200);

    await proxy.up();
    // The command refused during the outage, sent again with its key: recorded once.
    const first = await requests[0][1]();
    expect(first.status).toBe(201);
    const again = await requests[0][1]();
    expect(again.body).toEqual(first.body);
    await projectionsCaughtUp({ app, http: http(), close: async () => undefined });
    await http().get('/ready').expect(200, { status: 'ready' });
    expect(
      await schema.client.query(`select count(*)::int as n from events where stream_id like 'parcours-%'`),
    ).toEqual([{ n: 1 }]);
  });
});
