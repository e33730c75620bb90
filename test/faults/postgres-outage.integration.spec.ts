import { schemaCheckedStores } from '@parcours/runtime';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { Identity, mintToken } from '@parcours/auth';
import { PgSqlClient, SqlEventStore } from '@parcours/event-store';
import { IntegrationRelay, MessageSink, OutgoingMessage, PARCOURS_TOPIC } from '@parcours/messaging';
import { parcoursProjection, ProjectionRunner } from '@parcours/projections';
import { dumpReadModels } from '../../libs/projections/src/testing/histories';
import { entryBody, TEST_SECRET } from '../support/api';
import { createTestSchema, describeWithPostgres, postgresUrl } from '../support/services';
import { TcpProxy } from './tcp-proxy';

/** Ports of the range given to this test. */
const API_PORT = 19421;
const PROXY_PORT = 19420;

type Outcome = {
  key: string;
  status: number | 'network-error';
  code?: string;
  retryAfter?: string | null;
  phase: string;
};

/** Collects what the relay publishes, as the broker would acknowledge it. */
class Collector implements MessageSink {
  readonly ids = new Set<string>();
  async send(topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (topic === PARCOURS_TOPIC) for (const m of messages) this.ids.add(String(m.headers['message-id']));
  }
  async close(): Promise<void> {}
}

/** The API process, while it runs; `until` fails at once if it has died. */
let running: { child: ChildProcess; stderr: () => string } | undefined;

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 120_000,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    if (running && (running.child.exitCode !== null || running.child.signalCode !== null)) {
      throw new Error(
        `the API process exited (${running.child.exitCode ?? running.child.signalCode})` +
          ` while waiting for ${what}:\n${running.stderr().slice(-3000)}`,
      );
    }
    const value = await probe().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Database outages against the real PostgreSQL and the real API process
 * (apps/api/src/main.ts in a child process, worker inside): its connections
 * are terminated repeatedly under write load (pg_terminate_backend, 57P01,
 * once an "Unhandled 'error' event" that ended the process), then the
 * database is taken away altogether for a while (connections refused). The
 * process stays up; writes answer 503 STORE_UNAVAILABLE with Retry-After
 * while the store is down and /ready says not ready; afterwards the
 * projection and the relay resume on their own, catch up, and the read
 * models equal a rebuild; every write refused with 503, sent again with its
 * Idempotency-Key, is recorded once.
 */
describeWithPostgres('the API process while PostgreSQL goes away under load', () => {
  jest.setTimeout(300_000);
  const appName = `parcours_fault_${randomBytes(4).toString('hex')}`;
  const target = new URL(postgresUrl());
  const proxy = new TcpProxy(PROXY_PORT, { host: target.hostname, port: Number(target.port || 5432) });
  const base = `http://127.0.0.1:${API_PORT}`;
  const now = () => new Date();
  const token = (identity: Identity) => `Bearer ${mintToken(identity, TEST_SECRET, 3600, now())}`;
  const departement = () => token({ sub: 'dep-1', role: 'departement' });
  const system = () => token({ sub: 'caf-flow', role: 'system' });

  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let child: ChildProcess | undefined;
  let stderr = '';
  let admin: Client;
  let relaySql: PgSqlClient | undefined;
  let relay: IntegrationRelay | undefined;

  beforeAll(async () => {
    schema = await createTestSchema('fault');
    await proxy.up();
    admin = new Client({ connectionString: postgresUrl(), application_name: `${appName}_admin` });
    admin.on('error', () => undefined);
    await admin.connect();
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await proxy.up().catch(() => undefined);
    await relay?.stop().catch(() => undefined);
    await relaySql?.close().catch(() => undefined);
    await proxy.down();
    await admin?.end().catch(() => undefined);
    await schema?.drop();
  });

  /** The product's connection string: through the proxy, named so that only its own connections are terminated. */
  const productUrl = () => {
    const u = new URL(proxy.through(postgresUrl()));
    u.searchParams.set('application_name', appName);
    return u.toString();
  };

  function startApi(): ChildProcess {
    const api = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/api/src/main.ts'],
      {
        env: {
          ...process.env,
          NODE_OPTIONS: '',
          TS_NODE_TRANSPILE_ONLY: 'true',
          NODE_ENV: 'test',
          PARCOURS_STORE: 'postgres',
          DATABASE_URL: productUrl(),
          PARCOURS_PG_SCHEMA: schema.schema,
          PORT: String(API_PORT),
          HOST: '127.0.0.1',
          PARCOURS_JWT_SECRET: TEST_SECRET,
          PARCOURS_PROJECTION_BATCH_SIZE: '20',
          KAFKA_BROKERS: '',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    api.stderr!.on('data', (d) => (stderr += d));
    return api;
  }

  async function call(
    method: string,
    path: string,
    auth: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { Authorization: auth, ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: text ? JSON.parse(text) : undefined,
      retryAfter: res.headers.get('retry-after'),
    };
  }

  /** Terminates every backend of the product; returns how many. */
  async function terminate(): Promise<number> {
    const { rows } = await admin.query<{ n: number }>(
      `select count(*)::int as n from (select pg_terminate_backend(pid) from ` +
        `pg_stat_activity where application_name = $1 and pid <> pg_backend_pid()) t`,
      [appName],
    );
    return rows[0].n;
  }

  it('stays up, answers 503 while the store is down, and resumes on its own to a read side equal to a rebuild', async () => {
    child = startApi();
    running = { child, stderr: () => stderr };
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    await until(
      'the API to answer',
      async () => (await call('GET', '/ready', departement())).status === 200,
      180_000,
    );
    expect(
      (await call('POST', '/api/territories', departement(), { territoryId: 'ARRAGEOIS', name: 'Arrageois' }))
        .status,
    ).toBe(201);

    // The relay, with the same store, through the same proxy and under the same name.
    relaySql = new PgSqlClient({
      connectionString: productUrl(),
      schema: schema.schema,
      connectionTimeoutMillis: 2000,
    });
    const collector = new Collector();
    relay = new IntegrationRelay(new SqlEventStore(relaySql), relaySql, collector, {
      batchSize: 20,
      idleMs: 20,
      maxRetryDelayMs: 500,
    });
    await relay.migrate();
    relay.start();

    // Write load: entries, each with its Idempotency-Key, from four writers.
    let phase = 'before';
    let stop = false;
    const outcomes: Outcome[] = [];
    const writers = [0, 1, 2, 3].map(async (w) => {
      for (let i = 0; !stop; i++) {
        const key = `w${w}-${i}`;
        const started = phase;
        try {
          const res = await call('POST', '/api/parcours', system(), entryBody(), { 'Idempotency-Key': key });
          outcomes.push({
            key,
            status: res.status,
            code: res.body?.code,
            retryAfter: res.retryAfter,
            phase: started === phase ? phase : 'boundary',
          });
        } catch {
          outcomes.push({ key, status: 'network-error', phase });
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    });
    const created = () => outcomes.filter((o) => o.status === 201).length;
    try {
      // 1. Connections terminated again and again while writes go on.
      phase = 'terminating';
      let terminated = 0;
      for (let round = 0; round < 6; round++) {
        const before = created();
        await until('writes to go on', async () => created() >= before + 5);
        for (let burst = 0; burst < 20; burst++) terminated += await terminate();
      }
      expect(terminated).toBeGreaterThan(6);

      // 2. The database away altogether: refused, and open connections cut.
      await until('writes to go on', async () => created() > 0);
      await proxy.down();
      phase = 'down';
      const down503 = await until('a write refused with 503 while down', async () =>
        outcomes.find((o) => o.phase === 'down' && o.status === 503),
      );
      expect(down503).toMatchObject({ code: 'STORE_UNAVAILABLE' });
      expect(Number(down503.retryAfter)).toBeGreaterThan(0);
      const readyDown = await call('GET', '/ready', departement());
      expect(readyDown.status).toBe(503);
      expect(readyDown.body.status).toBe('not_ready');
      expect(readyDown.body.checks.readDatabase).toMatch(/^failed/);
      expect(await call('GET', '/ready', '')).toMatchObject({ status: 503, body: { status: 'not_ready' } });
      expect((await call('GET', '/api/projections', departement())).status).toBe(503);
      expect((await call('GET', '/health', '')).status).toBe(200);
      await until(
        'more writes refused while down',
        async () => outcomes.filter((o) => o.phase === 'down').length >= 20,
      );

      // 3. Back: writes recover, the load stops.
      await proxy.up();
      phase = 'after';
      await until('writes to recover', async () =>
        outcomes.some((o) => o.phase === 'after' && o.status === 201),
      );
    } finally {
      stop = true;
      await Promise.all(writers);
      if (process.env.PARCOURS_FAULT_DEBUG) {
        const summary: Record<string, number> = {};
        for (const o of outcomes)
          summary[`${o.phase} ${o.status} ${o.code ?? ''}`] =
            (summary[`${o.phase} ${o.status} ${o.code ?? ''}`] ?? 0) + 1;
        console.log(JSON.stringify(summary, null, 1), child?.exitCode, stderr.slice(-3000));
      }
    }

    // The process stayed up; it never answered anything but 201 or 503 STORE_UNAVAILABLE (with Retry-After).
    expect(child.exitCode).toBeNull();
    expect(child.signalCode).toBeNull();
    expect(stderr).not.toMatch(/Unhandled 'error' event|uncaught|unhandled rejection/i);
    const unexpected = outcomes.filter(
      (o) =>
        !(
          o.status === 201 ||
          (o.status === 503 && o.code === 'STORE_UNAVAILABLE' && Number(o.retryAfter) > 0)
        ),
    );
    expect(unexpected).toEqual([]);
    const down = outcomes.filter((o) => o.phase === 'down');
    expect(down.every((o) => o.status === 503)).toBe(true);
    expect(outcomes.filter((o) => o.phase === 'terminating' && o.status === 201).length).toBeGreaterThan(0);

    // Every refused write, sent again with its key, is recorded; every key once.
    for (const o of outcomes.filter((x) => x.status === 503)) {
      const res = await call('POST', '/api/parcours', system(), entryBody(), { 'Idempotency-Key': o.key });
      expect([o.key, res.status]).toEqual([o.key, 201]);
    }
    const keys = new Set(outcomes.map((o) => o.key));
    const [{ n: streams }] = await schema.client.query<{ n: number }>(
      `select count(*)::int as n from streams where stream_id like 'parcours-%'`,
    );
    expect(streams).toBe(keys.size);

    // The projection and the relay resumed on their own and caught up.
    const caughtUp = await until('the projection to catch up', async () => {
      const res = await call('GET', '/api/projections', departement());
      const parcours = (res.body as { name: string; status: string; eventsBehind: number }[]).find(
        (p) => p.name === 'parcours',
      );
      return parcours?.eventsBehind === 0 && parcours.status === 'running' ? parcours : undefined;
    });
    expect(caughtUp).toMatchObject({ error: null });
    expect((await call('GET', '/ready', departement())).status).toBe(200);
    await until('the relay to catch up', async () => (await relay!.status()).eventsBehind === 0);
    expect(await relay.status()).toMatchObject({ status: 'running', error: null });
    // The store as the product reads it: personal fields opened with their keys.
    const store = schemaCheckedStores({
      eventStore: new SqlEventStore(schema.client),
      sql: schema.client,
      close: async () => undefined,
    }).eventStore;
    const entries = (await store.readAll({ maxCount: 100_000 })).events.filter((e) =>
      e.streamId.startsWith('parcours-'),
    );
    expect(entries.length).toBe(keys.size);
    expect(entries.every((e) => collector.ids.has(e.id))).toBe(true);

    running = undefined;
    child.kill('SIGTERM');
    await exited;
    child = undefined;

    // The read models equal a rebuild from the log.
    const live = await dumpReadModels(schema.client);
    expect(live.rm_portfolio.length).toBe(keys.size);
    await new ProjectionRunner(store, schema.client, [parcoursProjection]).rebuild('parcours');
    expect(await dumpReadModels(schema.client)).toEqual(live);
  });
});
