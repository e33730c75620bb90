import { INestApplication } from '@nestjs/common';
import { mintToken } from '@parcours/auth';
import { DEVELOPMENT_JWT_SECRET, loadConfig } from '@parcours/config';
import { openStores } from '@parcours/event-store';
import request from 'supertest';
import { createApp } from '../bootstrap';

const departement = mintToken({ sub: 'dep-1', role: 'departement' }, DEVELOPMENT_JWT_SECRET, 3600);
const referent = mintToken(
  { sub: 'ref-1', role: 'referent', referentId: 'ref-1', organisationId: 'org-1' },
  DEVELOPMENT_JWT_SECRET,
  3600,
);

describe('GET /health and /ready on the embedded store', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const config = loadConfig({ PARCOURS_STORE: 'memory' });
    app = await createApp(config, { stores: await openStores(config), logger: false });
    await app.init();
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers liveness', async () => {
    await request(app.getHttpServer()).get('/health').expect(200, { status: 'ok' });
  });

  it('answers readiness with each check to the Département, the status only to anyone else', async () => {
    const res = await request(app.getHttpServer())
      .get('/ready')
      .set('Authorization', `Bearer ${departement}`)
      .expect(200);
    expect(res.body).toEqual({
      status: 'ready',
      checks: { eventStore: 'ok', readDatabase: 'ok', projections: 'ok' },
    });
    await request(app.getHttpServer()).get('/ready').expect(200, { status: 'ready' });
    await request(app.getHttpServer())
      .get('/ready')
      .set('Authorization', `Bearer ${referent}`)
      .expect(200, { status: 'ready' });
    await request(app.getHttpServer())
      .get('/ready')
      .set('Authorization', 'Bearer not-a-token')
      .expect(200, { status: 'ready' });
  });
});

describe('GET /ready when the event store is not migrated', () => {
  it('answers 503 and names the failing check', async () => {
    const { PgliteSqlClient, SqlEventStore } = await import('@parcours/event-store');
    const sql = await PgliteSqlClient.open({ schema: 'not_migrated' });
    const stores = { eventStore: new SqlEventStore(sql), sql, close: () => sql.close() };
    const app = await createApp(loadConfig({}), { stores, logger: false });
    await app.init();
    try {
      await request(app.getHttpServer()).get('/ready').expect(503, { status: 'not_ready' });
      const res = await request(app.getHttpServer())
        .get('/ready')
        .set('Authorization', `Bearer ${departement}`)
        .expect(503);
      expect(res.body.status).toBe('not_ready');
      expect(res.body.checks.eventStore).toMatch(/not migrated/);
      expect(res.body.checks.readDatabase).toBe('ok');
    } finally {
      await app.close();
    }
  });
});
