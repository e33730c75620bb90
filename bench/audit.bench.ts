/**
 * The cost of the audit of reads: the same HTTP reads, through the whole API
 * on PGlite, with the route marked @PersonalData (recorded) and without the
 * mark (not recorded). A portfolio of 250 lines and a history of 100 events;
 * sequential reads (ms per read) and concurrent ones (requests/s), then the
 * insert of one batch of records alone (what a flush costs the database).
 * Prints figures; asserts nothing.
 * Run: npm run bench:audit [-- readsPerRound rounds]
 * (that is: ts-node --transpile-only -r tsconfig-paths/register bench/audit.bench.ts 60 8)
 */
import 'reflect-metadata';
import { INestApplication, Logger } from '@nestjs/common';
import { mintToken } from '@parcours/auth';
import { loadConfig } from '@parcours/config';
import { PgliteSqlClient, SqlEventStore } from '@parcours/event-store';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { AuditTrail } from '../apps/api/src/audit/audit-trail';
import { PERSONAL_DATA } from '../apps/api/src/audit/personal-data';
import { createApp } from '../apps/api/src/bootstrap';
import { ParcoursController } from '../apps/api/src/parcours/parcours.controller';
import { ReadController } from '../apps/api/src/read/read.controller';
import { runBench } from './support';

/** Reads per round and variant; rounds alternate the variants so that a noisy moment of the machine weighs on both. */
const READS = Number(process.argv[2] ?? 60);
const ROUNDS = Number(process.argv[3] ?? 8);
const CONCURRENCY = 8;
const LINES = 250;
const EVENTS = 100;
const SECRET = 'bench-secret-of-at-least-32-characters!!';
const NOW = new Date('2025-06-30T10:00:00Z');

const token = (claims: Record<string, string>) =>
  `Bearer ${mintToken({ sub: 'bench', role: 'departement', ...claims } as never, SECRET, 3600, NOW)}`;
const SYSTEM = token({ sub: 'caf', role: 'system' });
const SLAI = token({ sub: 'slai', role: 'slai', territory: 'ARRAGEOIS' });
const DEP = token({ sub: 'dep', role: 'departement' });

function client(port: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  return (method: string, path: string, body?: object, auth = DEP) =>
    new Promise<{ status: number; json: unknown }>((resolve, reject) => {
      const data = body ? JSON.stringify(body) : undefined;
      const headers: Record<string, string> = { Authorization: auth };
      if (data)
        Object.assign(headers, {
          'Content-Type': 'application/json',
          'Content-Length': String(Buffer.byteLength(data)),
        });
      const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined });
        });
      });
      req.on('error', reject);
      req.end(data);
    });
}
type Call = ReturnType<typeof client>;

async function ok(
  call: Call,
  method: string,
  path: string,
  body?: object,
  auth = DEP,
): Promise<Record<string, unknown>> {
  const res = await call(method, path, body, auth);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json as Record<string, unknown>;
}

const entry = (i: number) => ({
  person: {
    lastName: `Nom${String.fromCharCode(65 + (i % 26))}`,
    firstName: 'Léa',
    birthDate: '1990-04-12',
    sex: 'female',
  },
  household: { type: 'single', size: 1, cafNumber: String(1_000_000 + i) },
  territory: 'ARRAGEOIS',
  demandOn: '2025-01-02',
  rightOpenedOn: '2025-01-03',
  enteredOn: '2025-01-06',
});

async function followed(call: Call, i: number): Promise<string> {
  const id = (await ok(call, 'POST', '/api/parcours', entry(i), SYSTEM)).id as string;
  await ok(
    call,
    'POST',
    `/api/parcours/${id}/orientations`,
    { track: 'social', organisationId: 'org-ccas', decidedOn: '2025-01-20', notifiedOn: '2025-01-21' },
    SLAI,
  );
  await ok(
    call,
    'POST',
    `/api/parcours/${id}/referent`,
    { referentId: 'ref-bench', assignedOn: '2025-01-22' },
    SLAI,
  );
  return id;
}

async function seed(call: Call): Promise<{ historyOf: string }> {
  await ok(call, 'POST', '/api/territories', { territoryId: 'ARRAGEOIS', name: 'Arrageois' });
  await ok(call, 'POST', '/api/organisations', {
    organisationId: 'org-ccas',
    name: 'CCAS Arras',
    kind: 'ccas_cias',
    territories: ['ARRAGEOIS'],
  });
  await ok(call, 'POST', '/api/referents', {
    referentId: 'ref-bench',
    organisationId: 'org-ccas',
    territory: 'ARRAGEOIS',
    displayName: 'Camille D',
  });
  let historyOf = '';
  for (let i = 0; i < LINES; i++) historyOf = await followed(call, i);
  // Appointments fixed and held, two events each, until the history holds 100 events.
  for (let n = 0, revision = 0; revision + 1 < EVENTS; n++) {
    const day = `2025-02-${String(1 + (n % 27)).padStart(2, '0')}`;
    const a = await ok(call, 'POST', `/api/parcours/${historyOf}/appointments`, {
      scheduledFor: day,
      scheduledOn: '2025-01-23',
      kind: 'individual',
      channel: 'in_person',
    });
    revision = a.revision as number;
    if (revision + 1 >= EVENTS) break;
    revision = (
      await ok(call, 'POST', `/api/parcours/${historyOf}/appointments/${a.appointmentId}/held`, {
        heldOn: day,
      })
    ).revision as number;
  }
  return { historyOf };
}

async function caughtUp(call: Call): Promise<void> {
  for (;;) {
    const all = (await ok(call, 'GET', '/api/projections')) as unknown as { eventsBehind: number }[];
    if (all.length && all.every((p) => p.eventsBehind === 0)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Sequential reads: ms per read (mean); then CONCURRENCY clients: requests/s. */
async function measure(
  call: Call,
  path: string,
  check: (json: unknown) => void,
): Promise<{ msPerRead: number; perSecond: number }> {
  for (let i = 0; i < 5; i++) check((await call('GET', path)).json);
  let started = process.hrtime.bigint();
  for (let i = 0; i < READS; i++) await call('GET', path);
  const msPerRead = Number(process.hrtime.bigint() - started) / 1e6 / READS;
  started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < READS) {
        const res = await call('GET', path);
        if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      }
    }),
  );
  const perSecond = READS / (Number(process.hrtime.bigint() - started) / 1e9);
  return { msPerRead, perSecond };
}

/** The route as if it had no @PersonalData: the interceptor lets it through untouched. */
async function unmarked<T>(handler: object, work: () => Promise<T>): Promise<T> {
  const mark = Reflect.getMetadata(PERSONAL_DATA, handler);
  Reflect.deleteMetadata(PERSONAL_DATA, handler);
  try {
    return await work();
  } finally {
    Reflect.defineMetadata(PERSONAL_DATA, mark, handler);
  }
}

async function main(): Promise<void> {
  Logger.overrideLogger(['error']);
  const sql = await PgliteSqlClient.open({ schema: 'bench' });
  const eventStore = new SqlEventStore(sql, () => NOW);
  await eventStore.migrate();
  const app: INestApplication = await createApp(loadConfig({ PARCOURS_JWT_SECRET: SECRET }), {
    stores: { eventStore, sql, close: () => sql.close() },
    clock: () => NOW,
    logger: false,
  });
  await app.listen(0, '127.0.0.1');
  const call = client((app.getHttpServer().address() as AddressInfo).port);
  const t = Date.now();
  const { historyOf } = await seed(call);
  await caughtUp(call);
  console.log(
    `PGlite: ${LINES} parcours followed by one référent, one history of ${EVENTS} events` +
      `, set up in ${((Date.now() - t) / 1000).toFixed(1)} s; ${READS} reads per figure`,
  );

  const cases = [
    {
      name: `portfolio of ${LINES} lines`,
      path: `/api/referents/ref-bench/portfolio?pageSize=${LINES}`,
      handler: ReadController.prototype.portfolio,
      check: (json: unknown) => {
        if ((json as { items: unknown[] }).items.length !== LINES) throw new Error('portfolio: wrong size');
      },
    },
    {
      name: `history of ${EVENTS} events`,
      path: `/api/parcours/${historyOf}/history`,
      handler: ParcoursController.prototype.history,
      check: (json: unknown) => {
        if ((json as unknown[]).length !== EVENTS)
          throw new Error(`history: ${(json as unknown[]).length} events`);
      },
    },
  ];
  const trail = app.get(AuditTrail);
  const count = async () =>
    Number((await sql.query<{ n: number }>('select count(*)::int as n from audit_reads'))[0].n);
  for (const c of cases) {
    // Rounds alternate which variant goes first (warm caches, the worker's polls); the median of each is kept.
    const runs: Record<'without' | 'with', { msPerRead: number; perSecond: number }[]> = {
      without: [],
      with: [],
    };
    for (let round = 0; round < ROUNDS; round++) {
      for (const variant of round % 2 ? (['with', 'without'] as const) : (['without', 'with'] as const)) {
        if (variant === 'without') {
          runs.without.push(await unmarked(c.handler, () => measure(call, c.path, c.check)));
          continue;
        }
        const before = await count();
        runs.with.push(await measure(call, c.path, c.check));
        await trail.flush();
        // Every read recorded, warm-up included: the figure is not of reads the audit missed.
        if ((await count()) - before !== 2 * READS + 5)
          throw new Error(`${c.name}: ${(await count()) - before} reads recorded`);
      }
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const [without, withAudit] = (['without', 'with'] as const).map((k) => ({
      msPerRead: median(runs[k].map((r) => r.msPerRead)),
      perSecond: median(runs[k].map((r) => r.perSecond)),
    }));
    const cost = (withAudit.msPerRead / without.msPerRead - 1) * 100;
    console.log(
      `${c.name.padEnd(26)} without audit ${without.msPerRead.toFixed(2)} ms/read, ${without.perSecond.toFixed(0)} req/s` +
        ` | with audit ${withAudit.msPerRead.toFixed(2)} ms/read, ${withAudit.perSecond.toFixed(0)} req/s` +
        ` | ${cost >= 0 ? '+' : ''}${cost.toFixed(1)} % per read (median of ${ROUNDS} rounds of ${READS} reads)`,
    );
  }
  // What a flush costs the database: one insert of a full batch of portfolio reads (PGlite has one connection: reads wait meanwhile).
  const batch = Array.from({ length: 200 }, () => ({
    at: NOW,
    who: { sub: 'bench', role: 'departement' as const },
    method: 'GET',
    route: '/api/referents/:id/portfolio',
    parcoursIds: Array.from({ length: LINES }, (_, i) => `parcours-${i}`),
  }));
  const inserts: number[] = [];
  for (let i = 0; i < 5; i++) {
    for (const read of batch) await trail.record(read);
    const started = process.hrtime.bigint();
    await trail.flush();
    inserts.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  const insertMs = inserts.sort((a, b) => a - b)[2];
  console.log(
    `one insert of ${batch.length} reads of ${LINES} ids: ${insertMs.toFixed(0)} ms` +
      ` (${(insertMs / batch.length).toFixed(2)} ms per read recorded, median of 5)`,
  );
  console.log(`audit_reads: ${await count()} rows`);
  await app.close();
}

runBench(main);
