import { INestApplication } from '@nestjs/common';
import { Identity, mintToken } from '@parcours/auth';
import { loadConfig } from '@parcours/config';
import { PgliteSqlClient, SqlEventStore, Stores } from '@parcours/event-store';
import request from 'supertest';
import { createApp } from '../../apps/api/src/bootstrap';
import { createTestSchema } from './services';

export const TEST_SECRET = 'end-to-end-secret-of-at-least-32-characters';
/** "Today" of the end-to-end tests: 30 June 2025 in Paris. */
export const NOW = new Date('2025-06-30T10:00:00Z');

export type StoreUnderTest = 'embedded' | 'postgres';

/** The clock of the API under test: tokens are issued by it, so that a test moving "today" still holds valid ones. */
let tokenClock: () => Date = () => NOW;

export interface TestApi {
  app: INestApplication;
  http: ReturnType<typeof request>;
  close(): Promise<void>;
}

/** The API on a fresh store: an in-memory PGlite, or a schema of its own in the real PostgreSQL. */
export async function startApi(
  store: StoreUnderTest,
  clock: () => Date = () => NOW,
  env: Record<string, string> = {},
): Promise<TestApi> {
  tokenClock = clock;
  let stores: Stores;
  let drop: () => Promise<void> = async () => undefined;
  if (store === 'embedded') {
    const sql = await PgliteSqlClient.open({ schema: 'e2e' });
    const eventStore = new SqlEventStore(sql, clock);
    await eventStore.migrate();
    stores = { eventStore, sql, close: () => sql.close() };
  } else {
    const schema = await createTestSchema('e2e');
    const eventStore = new SqlEventStore(schema.client, clock);
    await eventStore.migrate();
    stores = { eventStore, sql: schema.client, close: async () => undefined };
    drop = schema.drop;
  }
  const app = await createApp(loadConfig({ PARCOURS_JWT_SECRET: TEST_SECRET, ...env }), {
    stores,
    clock,
    logger: false,
  });
  await app.init();
  return {
    app,
    http: request(app.getHttpServer()),
    async close() {
      await app.close();
      await drop();
    },
  };
}

export const tokens = {
  departement: () => mintToken({ sub: 'dep-1', role: 'departement' }, TEST_SECRET, 3600, tokenClock()),
  slai: (territory = 'ARRAGEOIS') =>
    mintToken({ sub: `slai-${territory}`, role: 'slai', territory }, TEST_SECRET, 3600, tokenClock()),
  referent: (referentId = 'ref-ccas-1', organisationId = 'org-ccas') =>
    mintToken(
      { sub: `user-${referentId}`, role: 'referent', referentId, organisationId },
      TEST_SECRET,
      3600,
      tokenClock(),
    ),
  system: () => mintToken({ sub: 'caf-flow', role: 'system' }, TEST_SECRET, 3600, tokenClock()),
  etat: () => mintToken({ sub: 'drees', role: 'etat' }, TEST_SECRET, 3600, tokenClock()),
  of: (identity: Identity) => mintToken(identity, TEST_SECRET, 3600, tokenClock()),
};

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Territoires, organismes, référents and one action, as the Département would set them up. */
export async function seedReferenceData(api: TestApi): Promise<void> {
  const dep = bearer(tokens.departement());
  const post = async (path: string, body: object) => {
    const res = await api.http.post(path).set(dep).send(body);
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
  };
  await post('/api/territories', { territoryId: 'ARRAGEOIS', name: 'Arrageois' });
  await post('/api/territories', { territoryId: 'CALAISIS', name: 'Calaisis' });
  await post('/api/organisations', {
    organisationId: 'org-ccas',
    name: 'CCAS Arras',
    kind: 'ccas_cias',
    territories: ['ARRAGEOIS'],
  });
  await post('/api/organisations', {
    organisationId: 'org-ft',
    name: 'France Travail Arras',
    kind: 'france_travail',
    territories: ['ARRAGEOIS'],
  });
  await post('/api/referents', {
    referentId: 'ref-ccas-1',
    organisationId: 'org-ccas',
    territory: 'ARRAGEOIS',
    displayName: 'Camille D',
  });
  await post('/api/referents', {
    referentId: 'ref-ccas-2',
    organisationId: 'org-ccas',
    territory: 'ARRAGEOIS',
    displayName: 'Sam B',
  });
  await post('/api/referents', {
    referentId: 'ref-ft-1',
    organisationId: 'org-ft',
    territory: 'ARRAGEOIS',
    displayName: 'Alex R',
  });
  await post('/api/actions', {
    actionId: 'act-mobilite',
    dispositifCode: '3.3',
    theme: 'Mobilité',
    provider: 'Association Route',
    places: 20,
    startsOn: '2025-01-01',
    endsOn: '2025-12-31',
  });
}

export const entryBody = (overrides: Record<string, unknown> = {}) => ({
  person: { lastName: 'Martin', firstName: 'Léa', birthDate: '1990-04-12', sex: 'female' },
  household: { type: 'single_parent', size: 2, cafNumber: '1234567' },
  territory: 'ARRAGEOIS',
  demandOn: '2025-01-02',
  rightOpenedOn: '2025-01-03',
  enteredOn: '2025-01-06',
  ...overrides,
});

/** A parcours entered, oriented to the CCAS and followed by ref-ccas-1; returns its id. */
export async function followedParcours(api: TestApi): Promise<string> {
  const slai = bearer(tokens.slai());
  const entry = await api.http.post('/api/parcours').set(bearer(tokens.system())).send(entryBody());
  if (entry.status !== 201) throw new Error(`entry: ${entry.status} ${JSON.stringify(entry.body)}`);
  const id = entry.body.id as string;
  await api.http
    .post(`/api/parcours/${id}/orientations`)
    .set(slai)
    .send({ track: 'social', organisationId: 'org-ccas', decidedOn: '2025-01-20', notifiedOn: '2025-01-21' })
    .expect(201);
  await api.http
    .post(`/api/parcours/${id}/referent`)
    .set(slai)
    .send({ referentId: 'ref-ccas-1', assignedOn: '2025-01-22' })
    .expect(201);
  return id;
}

/** Waits until every projection has processed every event (the worker runs in the API process). */
export async function projectionsCaughtUp(api: TestApi, timeoutMs = 20000): Promise<void> {
  const started = Date.now();
  for (;;) {
    const res = await api.http.get('/api/projections').set(bearer(tokens.departement()));
    const all = res.body as { eventsBehind: number; status: string; error: string | null }[];
    if (all.some((p) => p.status === 'failed')) throw new Error(`projection failed: ${JSON.stringify(all)}`);
    if (all.length > 0 && all.every((p) => p.eventsBehind === 0)) return;
    if (Date.now() - started > timeoutMs)
      throw new Error(`projections did not catch up: ${JSON.stringify(all)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
