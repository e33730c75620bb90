/**
 * The cost of the personal-data sealing on the read side: the same reads
 * through PersonalDataEventStore (opens the sealed fields) and through the
 * bare SqlEventStore (events written in clear), on the embedded store and,
 * when it answers, PostgreSQL:
 * 1. readStream of a history of 100 events, a few sealed or all sealed, then
 *    the same over HTTP (GET /api/parcours/:id/history, API on PGlite);
 * 2. a portfolio of 250 lines over HTTP: read model only, no key looked up;
 * 3. the projections' catch-up over many random parcours (events/s), with
 *    the unit costs it is made of (AES-GCM open, key unwrap, key lookup).
 * Prints figures; asserts nothing.
 * Run: npx ts-node --transpile-only -r tsconfig-paths/register bench/privacy.bench.ts [parcours] [reads]
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { PARCOURS_PERSONAL_DATA } from '../libs/domain/src/parcours/personal-data';
import { ParcoursEvent } from '../libs/domain/src/parcours/events';
import { arbitrarySession, play, Step } from '../libs/domain/src/testing/random-sessions';
import {
  DEVELOPMENT_MASTER_KEY,
  EnvironmentMasterKey,
  EventStore,
  open,
  PersonalDataEventStore,
  PersonKeys,
  PgliteSqlClient,
  seal,
  SqlClient,
  SqlEventStore,
} from '../libs/event-store/src';
import { createProjectionRunner, PROJECTIONS } from '../libs/projections/src';
import { appendParcours } from '../libs/projections/src/testing/histories';
import { personKeysOf, STORES } from '../libs/runtime/src';
import type { Stores } from '../libs/event-store/src';
import { mintToken } from '../libs/auth/src';
import { loadConfig } from '../libs/config/src';
import { createApp } from '../apps/api/src/bootstrap';
import { onPostgres, runBench } from './support';

const PARCOURS = Number(process.argv[2] ?? 2000);
const READS = Number(process.argv[3] ?? 200);
const HISTORY = 100;
const LINES = 250;
const BATCH = 500;
const MASTER = new EnvironmentMasterKey(DEVELOPMENT_MASTER_KEY);
const SECRET = 'bench-secret-of-at-least-32-characters!!';
const NOW = new Date('2025-06-30T10:00:00Z');

const now = () => process.hrtime.bigint();
const msSince = (start: bigint) => Number(now() - start) / 1e6;
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)];
const p95 = (xs: number[]) => sorted(xs)[Math.max(0, Math.ceil(xs.length * 0.95) - 1)];
const signed = (x: number, digits = 1) => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;
const stats = (xs: number[]) => `median ${median(xs).toFixed(2)} ms, p95 ${p95(xs).toFixed(2)} ms`;
const isSealed = (e: ParcoursEvent) =>
  Object.keys(
    PARCOURS_PERSONAL_DATA.split(e.type, e.data as unknown as Record<string, unknown>)?.secret ?? {},
  ).length > 0;
const step = (kind: Step['kind'], day: number, pick = 0, n = 0, variant = 0): Step => ({
  kind,
  day,
  pick,
  n,
  flag: true,
  variant,
});

/**
 * A followed parcours of 100 events: appointments fixed and held, with a
 * household change (CAF number) and a France Travail registration now and
 * then — a few sealed events; or, with allSealed, household changes only.
 */
function historyOf100(allSealed: boolean, parcoursId: string): ParcoursEvent[] {
  const steps: Step[] = [step('Enter', 0), step('Orient', 10, 1), step('AssignReferent', 2, 1)];
  for (let i = 0; steps.length < 2 * HISTORY; i++) {
    if (allSealed) steps.push(step('ChangeHousehold', 1, i, i, 1));
    else if (i % 20 === 10)
      steps.push(step('ChangeHousehold', 1, i, i, 1), step('RegisterWithFranceTravail', 0, 0, 0, 1));
    // The i-th appointment is the last scheduled: `pick` chooses it among them.
    else
      steps.push(
        step('ScheduleAppointment', 1, 0, 0, i),
        step('RecordAppointmentHeld', 0, steps.filter((s) => s.kind === 'ScheduleAppointment').length),
      );
  }
  const events = play(steps, parcoursId).events.slice(0, HISTORY);
  if (events.length < HISTORY) throw new Error(`history of ${events.length} events only`);
  return events;
}

/** Times each read, the variants interleaved so that a noisy moment weighs on all of them. */
async function timeReads(
  reads: Record<string, () => Promise<unknown>>,
  count = READS,
): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = Object.fromEntries(Object.keys(reads).map((k) => [k, []]));
  const names = Object.keys(reads);
  for (let i = 0; i < 20; i++) for (const n of names) await reads[n]();
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < names.length; j++) {
      const name = names[(i + j) % names.length];
      const t = now();
      await reads[name]();
      out[name].push(msSince(t));
    }
  }
  return out;
}

function sealingStore(sql: SqlClient): {
  bare: SqlEventStore;
  sealed: PersonalDataEventStore;
  keys: PersonKeys;
} {
  const bare = new SqlEventStore(sql);
  const keys = new PersonKeys(sql, MASTER);
  return { bare, keys, sealed: new PersonalDataEventStore(bare, PARCOURS_PERSONAL_DATA, keys) };
}

/** Counts the key lookups (one query each) and the persons whose key was unwrapped. */
function countLookups(keys: PersonKeys): { lookups: number; persons: number } {
  const counter = { lookups: 0, persons: 0 };
  const keysOf = keys.keysOf.bind(keys);
  keys.keysOf = (subjects, db) => {
    counter.lookups++;
    counter.persons += new Set(subjects).size;
    return keysOf(subjects, db);
  };
  return counter;
}

/** 1. readStream of one history: sealed through the sealing store, the same events in clear through the bare one. */
async function historyReads(label: string, sql: SqlClient): Promise<void> {
  const { bare, sealed, keys } = sealingStore(sql);
  await bare.migrate();
  await keys.migrate();
  const reads: Record<string, () => Promise<unknown>> = {};
  const sealedCounts: Record<string, number> = {};
  for (const allSealed of [false, true]) {
    const [a, b] = [randomUUID(), randomUUID()];
    const events = historyOf100(allSealed, a);
    const kind = `${events.filter(isSealed).length} sealed`;
    sealedCounts[kind] = events.filter(isSealed).length;
    await appendParcours(sealed, a, events, 1);
    await appendParcours(bare, b, historyOf100(allSealed, b), 1);
    reads[`${kind}|opened`] = () => sealed.readStream(`parcours-${a}`);
    reads[`${kind}|clear`] = () => bare.readStream(`parcours-${b}`);
  }
  const counter = countLookups(keys);
  const t = await timeReads(reads);
  for (const kind of Object.keys(sealedCounts)) {
    const opened = t[`${kind}|opened`];
    const clear = t[`${kind}|clear`];
    console.log(
      `${label.padEnd(10)} readStream ${HISTORY} events (${kind.padEnd(10)}) | bare ${stats(clear)} | sealing store ${stats(opened)}` +
        ` | ${signed(median(opened) - median(clear), 2)} ms median`,
    );
  }
  console.log(
    `${label.padEnd(10)} ${counter.lookups} key lookups for ${Object.keys(sealedCounts).length * (READS + 20)}` +
      ` reads of sealed histories: one per read`,
  );
}

/**
 * 1 (HTTP) and 2: the history and a portfolio through the whole API on
 * PGlite (test/support/api.ts needs jest's globals, hence the app made here
 * as bench/audit.bench.ts does).
 */
async function httpReads(): Promise<void> {
  Logger.overrideLogger(['error']);
  const sql = await PgliteSqlClient.open({ schema: 'bench' });
  const clearStore = new SqlEventStore(sql, () => NOW);
  await clearStore.migrate();
  const app = await createApp(loadConfig({ PARCOURS_JWT_SECRET: SECRET }), {
    stores: { eventStore: clearStore, sql, close: () => sql.close() },
    clock: () => NOW,
    logger: false,
  });
  try {
    await app.listen(0, '127.0.0.1');
    // Longer than any pause of the set-up: fetch reuses its connections, a server closing one meanwhile would reset a request.
    app.getHttpServer().keepAliveTimeout = 120_000;
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const auth = {
      Authorization: `Bearer ${mintToken({ sub: 'dep', role: 'departement' }, SECRET, 3600, NOW)}`,
    };
    const call = async (path: string, body?: object) => {
      const res = await fetch(
        base + path,
        body
          ? {
              method: 'POST',
              headers: { ...auth, 'Content-Type': 'application/json' },
              body: JSON.stringify(body),
            }
          : { headers: auth },
      );
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${path}: ${res.status} ${text}`);
      return text;
    };
    const get = (path: string) => call(path);
    await call('/api/territories', { territoryId: 'ARRAGEOIS', name: 'Arrageois' });
    await call('/api/organisations', {
      organisationId: 'org-ccas',
      name: 'CCAS Arras',
      kind: 'ccas_cias',
      territories: ['ARRAGEOIS'],
    });
    await call('/api/referents', {
      referentId: 'ref-ccas-1',
      organisationId: 'org-ccas',
      territory: 'ARRAGEOIS',
      displayName: 'Camille D',
    });
    const stores = app.get<Stores>(STORES);
    const sealingStore = stores.eventStore; // schema-checked, then sealed, as in the product
    const paths: Record<string, string> = {};
    for (const allSealed of [false, true]) {
      const [a, b] = [randomUUID(), randomUUID()];
      const events = historyOf100(allSealed, a);
      const kind = `${events.filter(isSealed).length} sealed`;
      await appendParcours(sealingStore, a, events, 1);
      await appendParcours(clearStore, b, historyOf100(allSealed, b), 1);
      paths[`${kind}|opened`] = `/api/parcours/${a}/history`;
      paths[`${kind}|clear`] = `/api/parcours/${b}/history`;
    }
    // The portfolio's lines: entered (sealed), oriented, followed by ref-ccas-1.
    const followed = [step('Enter', 0), step('Orient', 10, 1), step('AssignReferent', 2, 1)];
    for (let i = 0; i < LINES; i++) {
      const id = randomUUID();
      await appendParcours(sealingStore, id, play(followed, id).events, 3);
    }
    for (;;) {
      const all = JSON.parse(await get('/api/projections')) as { eventsBehind: number }[];
      if (all.length && all.every((p) => p.eventsBehind === 0)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const portfolio = `/api/referents/ref-ccas-1/portfolio?pageSize=${LINES}`;
    const lines = (JSON.parse(await get(portfolio)) as { items: unknown[] }).items.length;
    const counter = countLookups(personKeysOf(stores));
    const t = await timeReads({
      ...Object.fromEntries(Object.entries(paths).map(([k, p]) => [k, () => get(p)])),
      portfolio: () => get(portfolio),
    });
    for (const kind of [...new Set(Object.keys(paths).map((k) => k.split('|')[0]))]) {
      const opened = t[`${kind}|opened`];
      const clear = t[`${kind}|clear`];
      console.log(
        `HTTP       GET history ${HISTORY} events (${kind.padEnd(10)}) | stored in clear ${stats(clear)} | sealed ${stats(opened)}` +
          ` | ${signed(median(opened) - median(clear), 2)} ms median`,
      );
    }
    console.log(`HTTP       GET portfolio of ${lines} lines | ${stats(t.portfolio)} | read model only`);
    const sealedReads = (READS + 20) * (Object.keys(paths).length / 2);
    console.log(
      `HTTP       ${counter.lookups} key lookups over ${(READS + 20) * (Object.keys(paths).length + 1)} requests` +
        `, of which ${sealedReads} read a sealed history` +
        ` (the portfolio and the clear histories look up none)`,
    );
  } finally {
    await app.close();
  }
}

/** Random parcours (about 9 events each), the same for every store. */
function randomParcours(): { id: string; events: ParcoursEvent[] }[] {
  return fc.sample(arbitrarySession, { numRuns: PARCOURS, seed: 2025 }).map((steps, i) => {
    const id = `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
    return { id, events: play(steps, id).events };
  });
}

/**
 * Writes the parcours one event per append, round-robin, as many persons
 * followed at once would: a batch of the log holds events of many persons.
 */
async function writeInterleaved(
  store: EventStore,
  all: { id: string; events: ParcoursEvent[] }[],
): Promise<void> {
  const longest = Math.max(...all.map((p) => p.events.length));
  for (let r = 0; r < longest; r++) {
    for (const p of all) {
      const e = p.events[r];
      if (!e) continue;
      await store.appendToStream(
        `parcours-${p.id}`,
        [
          {
            id: randomUUID(),
            type: e.type,
            data: e.data as unknown as Record<string, unknown>,
            metadata: { actor: 'bench' },
          },
        ],
        {
          expectedRevision: r === 0 ? 'no_stream' : r - 1,
        },
      );
    }
  }
}

/** One side of the scale measure: a log written through the sealing store, or in clear through the bare one. */
interface Side {
  name: 'bare' | 'sealing store';
  sql: SqlClient;
  store: EventStore;
  counter?: { lookups: number; persons: number };
}

async function prepare(
  name: Side['name'],
  sql: SqlClient,
  all: { id: string; events: ParcoursEvent[] }[],
): Promise<Side> {
  const { bare, sealed, keys } = sealingStore(sql);
  await bare.migrate();
  await keys.migrate();
  const store = name === 'bare' ? bare : sealed;
  await writeInterleaved(store, all);
  return { name, sql, store, counter: name === 'bare' ? undefined : countLookups(keys) };
}

/** One pass of the log in batches of 500, as a projection reads it. */
async function readAllPass(store: EventStore): Promise<{ events: number; batches: number }> {
  let after: string | undefined;
  let events = 0;
  let batches = 0;
  for (;;) {
    const page = await store.readAll({ after, maxCount: BATCH });
    if (!page.events.length) return { events, batches };
    events += page.events.length;
    batches++;
    after = page.position;
  }
}

/** Runs `work` on both sides, ROUNDS times, alternating which goes first; the ms of each run. */
async function alternate(
  sides: Side[],
  rounds: number,
  work: (side: Side) => Promise<unknown>,
): Promise<Map<Side, number[]>> {
  const out = new Map(sides.map((s) => [s, [] as number[]]));
  for (let r = 0; r < rounds; r++) {
    for (const side of r % 2 ? [...sides].reverse() : sides) {
      const t = now();
      await work(side);
      out.get(side)!.push(msSince(t));
    }
  }
  return out;
}

/** The unit costs the catch-up is made of: per sealed event, per person of a batch, per batch. */
async function unitCosts(label: string, sql: SqlClient, subjects: string[]): Promise<string> {
  const keys = new PersonKeys(sql, MASTER);
  const key = (await keys.keysOf([subjects[0]])).get(subjects[0])!;
  const secret = Buffer.from(
    JSON.stringify({
      lastName: 'Lefèvre Saint-Éloi',
      firstName: 'Léa',
      birthDate: '1990-04-12',
      nir: '285052A00608491',
      cafNumber: '1234567',
    }),
  );
  const sealedValue = seal(key, secret, 'parcours-x/event-y');
  const wrapped = await MASTER.wrap(key);
  let t = now();
  for (let i = 0; i < 20_000; i++) open(key, sealedValue, 'parcours-x/event-y');
  const openUs = (msSince(t) * 1000) / 20_000;
  t = now();
  for (let i = 0; i < 20_000; i++) await MASTER.unwrap(wrapped);
  const unwrapUs = (msSince(t) * 1000) / 20_000;
  const one: number[] = [];
  const many: number[] = [];
  const batch = subjects.slice(0, BATCH);
  for (let i = 0; i < 50; i++) {
    t = now();
    await keys.keysOf([subjects[i % subjects.length]]);
    one.push(msSince(t));
    t = now();
    await keys.keysOf(batch);
    many.push(msSince(t));
  }
  return (
    `${label.padEnd(10)} unit costs: AES-GCM open of a ParcoursEntered secret ${openUs.toFixed(1)} µs` +
    ` | master unwrap of a person key ${unwrapUs.toFixed(1)} µs` +
    ` | key lookup of 1 person ${median(one).toFixed(2)} ms, of ${batch.length} persons ${median(many).toFixed(2)} ms`
  );
}

/**
 * 3. The same random parcours written through the sealing store and, in
 * another database, in clear through the bare store; then the log read in
 * batches of 500 and each projection caught up (once) and rebuilt (3 times)
 * through each, the two sides alternating.
 */
async function scaleOn(
  label: string,
  withSql: (measure: (sql: SqlClient) => Promise<void>) => Promise<void>,
): Promise<void> {
  const all = randomParcours();
  const sealedEvents = all.reduce((n, p) => n + p.events.filter(isSealed).length, 0);
  const events = all.reduce((n, p) => n + p.events.length, 0);
  const rate = (ms: number) => `${((events / ms) * 1000).toFixed(0)} events/s`;
  const pad = label.padEnd(10);
  await withSql((bareSql) =>
    withSql(async (sealedSql) => {
      let t = now();
      const bare = await prepare('bare', bareSql, all);
      const bareWriteMs = msSince(t);
      t = now();
      const sealed = await prepare('sealing store', sealedSql, all);
      const sealedWriteMs = msSince(t);
      console.log(
        `${pad} log of ${events} events of ${PARCOURS} parcours (${sealedEvents} sealed),` +
          ` one event per append, interleaved across parcours;` +
          ` written in ${(bareWriteMs / 1000).toFixed(1)} s bare, ${(sealedWriteMs / 1000).toFixed(1)} s sealing`,
      );
      const sides = [bare, sealed];
      const counter = sealed.counter!;
      counter.lookups = counter.persons = 0;
      let batches = 0;
      const passes = await alternate(sides, 5, async (side) => {
        batches = (await readAllPass(side.store)).batches;
      });
      console.log(
        `${pad} read-all in batches of ${BATCH} | bare ${median(passes.get(bare)!).toFixed(0)} ms (${rate(median(passes.get(bare)!))})` +
          ` | sealing store ${median(passes.get(sealed)!).toFixed(0)} ms (${rate(median(passes.get(sealed)!))}) | median of 5;` +
          ` per pass ${batches} batches, ${counter.lookups / 5} key lookup queries` +
          `, ${counter.persons / 5} person keys unwrapped, ${sealedEvents} opens`,
      );
      const runners = new Map(
        sides.map((s) => [s, createProjectionRunner(s.store, s.sql, { batchSize: BATCH })]),
      );
      for (const r of runners.values()) await r.migrate();
      for (const p of PROJECTIONS) {
        const catchUp = await alternate(sides, 1, (side) => runners.get(side)!.catchUp(p.name));
        const rebuild = await alternate(sides, 3, (side) => runners.get(side)!.rebuild(p.name));
        const [cb, cs, rb, rs] = [
          catchUp.get(bare)![0],
          catchUp.get(sealed)![0],
          median(rebuild.get(bare)!),
          median(rebuild.get(sealed)!),
        ];
        console.log(
          `${pad} ${p.name.padEnd(12)} catch-up | bare ${cb.toFixed(0)} ms (${rate(cb)})` +
            ` | sealing store ${cs.toFixed(0)} ms (${rate(cs)}) | ${signed((cs / cb - 1) * 100)} %` +
            ` || rebuild, median of 3 | bare ${rb.toFixed(0)} ms (${rate(rb)}) | sealing store ${rs.toFixed(0)} ms (${rate(rs)})` +
            ` | ${signed((rs / rb - 1) * 100)} %`,
        );
      }
      console.log(
        await unitCosts(
          label,
          sealedSql,
          all.map((p) => p.id),
        ),
      );
    }),
  );
}

async function main(): Promise<void> {
  const embedded = await PgliteSqlClient.open({ schema: 'bench' });
  await historyReads('PGlite', embedded);
  await embedded.close();
  await onPostgres('PostgreSQL', (sql) => historyReads('PostgreSQL', sql));
  await httpReads();
  await scaleOn('PGlite', async (measure) => {
    const sql = await PgliteSqlClient.open({ schema: 'bench' });
    try {
      await measure(sql);
    } finally {
      await sql.close();
    }
  });
  await scaleOn('PostgreSQL', (measure) => onPostgres('PostgreSQL', measure));
}

runBench(main);
