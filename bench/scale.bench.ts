/**
 * Read side at scale: fills a PostgreSQL schema with N random parcours of the
 * product's own generator (8 territoires), rebuilds the parcours projection,
 * times the read queries the API serves, and compares append throughput with
 * Emmett's PostgreSQL event store and raw inserts. Prints figures and a summary for bench/RESULTS.md; asserts nothing.
 *
 * Run: npx ts-node --transpile-only -r tsconfig-paths/register bench/scale.bench.ts
 *        [--parcours 5000] [--seed 2025] [--keep] [--skip-append]
 * Database: PARCOURS_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), schema bench_scale_<random>.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';
import { STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import { Client } from 'pg';
import { parametersAt } from '../libs/domain/src/shared/parameters';
import type { ParcoursEvent } from '../libs/domain/src/parcours/events';
import { arbitrarySession, play } from '../libs/domain/src/testing/random-sessions';
import { EventToAppend, PgSqlClient, SqlEventStore } from '../libs/event-store/src';
import {
  computeIndicators,
  computeIndicatorsInSql,
  loadFacts,
  OVER_CYCLE_DATES,
  SQL_DEFINITIONS,
  parcoursProjection,
  ProjectionRunner,
  queryEcheances,
  queryPortfolio,
  querySupervision,
  queryProcedureCompliance,
  queryRecordLateness,
  indicatorRevisions,
  indicatorSeries,
  INDICATORS,
  recordLatenessProjection,
  sanctionProceduresProjection,
  simulateIndicators,
} from '../libs/projections/src';
import { DEFAULT_PARAMETERS } from '../libs/domain/src/shared/parameters';

// ---------- options ----------

interface Options {
  parcours: number;
  seed: number;
  keep: boolean;
  skipAppend: boolean;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { parcours: 5000, seed: 2025, keep: false, skipAppend: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 0) throw new Error(`${arg} expects a whole number, got ${argv[i]}`);
      return v;
    };
    if (arg === '--parcours') options.parcours = value();
    else if (arg === '--seed') options.seed = value();
    else if (arg === '--keep') options.keep = true;
    else if (arg === '--skip-append') options.skipAppend = true;
    else throw new Error(`unknown option ${arg} (expected --parcours N, --seed S, --keep, --skip-append)`);
  }
  if (options.parcours < 1) throw new Error('--parcours must be at least 1');
  return options;
}

// ---------- helpers ----------

const DATABASE_URL = process.env.PARCOURS_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Territoires of a département: the generator draws two names, spread here over eight. */
const TERRITOIRES = [
  'ARRAGEOIS',
  'AUDOMAROIS',
  'BOULONNAIS',
  'CALAISIS',
  'LENS-HENIN',
  'MONTREUILLOIS',
  'ARTOIS',
  'TERNOIS',
];
/** Parcours generated, then appended, per batch: memory stays bounded whatever N. */
const BATCH = 250;
/** Parcours appended at once within a batch (the pool has 10 connections). */
const FILL_CONCURRENCY = 6;
/** Events per append, as the API appends a command's events. */
const CHUNK = 10;
const YEAR = { from: '2025-01-01', to: '2025-12-31' };
const ON = '2025-12-31';
const PORTFOLIO_REFERENT = 'ref-ccas-1';

const now = () => process.hrtime.bigint();
const msSince = (start: bigint) => Number(now() - start) / 1e6;
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const mb = (bytes: number) => `${fmt(bytes / 1024 / 1024)} MB`;

/** A stable UUID (v4 layout) from a text: the same seed gives the same ids. */
function stableUuid(text: string): string {
  const h = createHash('sha1').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** The business date an event was recorded on: the earliest date it carries, never before the previous event's. */
function recordedOn(e: ParcoursEvent, previous: string): string {
  const dates = Object.values(e.data as Record<string, unknown>).filter(
    (v): v is string => typeof v === 'string' && DATE.test(v),
  );
  const earliest = dates.sort()[0];
  return earliest && earliest > previous ? earliest : previous;
}

const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;
const dateOfDay = (day: number) => new Date(Math.round(day) * 86_400_000).toISOString().slice(0, 10);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Samples the resident set every 100 ms while a phase runs. */
class RssSampler {
  peak = process.memoryUsage().rss;
  private readonly timer = setInterval(() => {
    this.peak = Math.max(this.peak, process.memoryUsage().rss);
  }, 100);
  stop(): number {
    clearInterval(this.timer);
    this.peak = Math.max(this.peak, process.memoryUsage().rss);
    return this.peak;
  }
}

// ---------- 1. fill ----------

interface FillResult {
  events: number;
  ms: number;
  /** The mean recorded date of the events: "the middle of the data" for asOf. */
  middle: string;
  first: string;
  last: string;
}

async function fill(store: SqlEventStore, options: Options): Promise<FillResult> {
  let events = 0;
  let daySum = 0;
  let first = '9999-12-31';
  let last = '0000-01-01';
  const start = now();
  for (let b = 0; b * BATCH < options.parcours; b++) {
    const size = Math.min(BATCH, options.parcours - b * BATCH);
    // One seed per batch, derived from --seed: deterministic, and only one batch of sessions in memory.
    const sessions = fc.sample(arbitrarySession, { numRuns: size, seed: options.seed * 1_000_003 + b });
    const streams = sessions.map((steps, k) => {
      const index = b * BATCH + k;
      const parcoursId = stableUuid(`parcours:${options.seed}:${index}`);
      const history = play(steps, parcoursId).events;
      let previous = '0000-01-01';
      const toAppend: EventToAppend[] = history.map((e, n) => {
        if (e.type === 'ParcoursEntered') {
          // The generator's two territoires become two of the eight, shifting with the parcours.
          const shift = e.data.territory === 'T1' ? 0 : 1;
          e.data.territory = TERRITOIRES[(index + shift) % TERRITOIRES.length];
        }
        previous = recordedOn(e, previous);
        daySum += dayNumber(previous);
        if (previous < first) first = previous;
        if (previous > last) last = previous;
        return {
          id: stableUuid(`event:${options.seed}:${index}:${n}`),
          type: e.type,
          data: e.data as unknown as Record<string, unknown>,
          // Recorded the day of the act, so that asOf has a past to reproduce.
          metadata: { actor: 'bench', recordedAt: `${previous}T10:00:00.000Z` },
        };
      });
      events += toAppend.length;
      return { streamId: `parcours-${parcoursId}`, events: toAppend };
    });
    let next = 0;
    await Promise.all(
      Array.from({ length: FILL_CONCURRENCY }, async () => {
        for (let s = next++; s < streams.length; s = next++) {
          const { streamId, events: all } = streams[s];
          for (let i = 0; i < all.length; i += CHUNK) {
            await store.appendToStream(streamId, all.slice(i, i + CHUNK), {
              expectedRevision: i === 0 ? 'no_stream' : i - 1,
            });
          }
        }
      }),
    );
    const done = b * BATCH + size;
    if (done % 5000 === 0 || done === options.parcours)
      process.stdout.write(
        `  filled ${fmt(done)} parcours, ${fmt(events)} events, ${fmt(msSince(start) / 1000, 1)} s\n`,
      );
  }
  return { events, ms: msSince(start), middle: dateOfDay(daySum / Math.max(1, events)), first, last };
}

// ---------- 3. queries ----------

interface QueryFigure {
  name: string;
  calls: number;
  p50: number;
  p95: number;
  note: string;
}

async function timeQuery(
  name: string,
  calls: number,
  work: () => Promise<string>,
  slowAfterMs?: { ms: number; calls: number },
): Promise<QueryFigure> {
  const times: number[] = [];
  let note = '';
  let planned = calls;
  for (let i = 0; i < planned; i++) {
    const t = now();
    note = await work();
    times.push(msSince(t));
    if (i === 0 && slowAfterMs && times[0] > slowAfterMs.ms) {
      planned = slowAfterMs.calls;
      console.log(
        `  ${name}: first call ${fmt(times[0] / 1000, 1)} s > ${slowAfterMs.ms / 1000} s: ${planned} calls instead of ${calls}`,
      );
    }
  }
  const sorted = [...times].sort((a, b) => a - b);
  const figure = {
    name,
    calls: times.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    note,
  };
  console.log(
    `  ${name.padEnd(44)} ${String(figure.calls).padStart(2)} calls  p50 ${fmt(figure.p50, 1).padStart(10)} ms` +
      `  p95 ${fmt(figure.p95, 1).padStart(10)} ms  (${note})`,
  );
  return figure;
}

async function queries(sql: PgSqlClient, asOf: string): Promise<QueryFigure[]> {
  const figures: QueryFigure[] = [];
  const indicators = async (groupBy: 'departement' | 'territory', at?: string) => {
    // As the controller for the État or the Département (no territoire filter), groupBy defaulting to département.
    const snapshot = await loadFacts(sql, undefined, at);
    const report = computeIndicators(snapshot, YEAR, groupBy, undefined, at);
    return `${snapshot.facts.length} cycles, ${report.groups.length} groups`;
  };
  figures.push(await timeQuery('indicators 2025', 20, () => indicators('departement')));
  figures.push(await timeQuery('indicators 2025 groupBy=territory', 20, () => indicators('territory')));
  figures.push(
    await timeQuery(`indicators 2025 asOf=${asOf}`, 20, () => indicators('departement', asOf), {
      ms: 60_000,
      calls: 3,
    }),
  );
  // The indicators counted in SQL, each way: loaded into Node, and in PostgreSQL. Those over rm_cycle_dates alone
  // (counted in SQL by default), then all of them (those over the dated facts only when asked).
  for (const [inSql, datedFacts] of [
    [[...OVER_CYCLE_DATES], false],
    [Object.keys(SQL_DEFINITIONS), true],
  ] as [string[], boolean][]) {
    let inNode: unknown;
    figures.push(
      await timeQuery(`${inSql.length} indicators 2025 (Node, facts loaded)`, 20, async () => {
        const snapshot = await loadFacts(sql);
        const report = computeIndicators(snapshot, YEAR, 'territory', inSql);
        inNode = report;
        return `${snapshot.facts.length} cycles, ${report.groups.length} groups`;
      }),
    );
    let counted: unknown;
    const inPostgres = await timeQuery(`${inSql.length} indicators 2025 (SQL)`, 20, async () => {
      const report = (await computeIndicatorsInSql(sql, YEAR, 'territory', inSql, undefined, undefined, {
        datedFacts,
      }))!;
      counted = report;
      return `${report.groups.length} groups`;
    });
    // Checked, not claimed: the last report of each way, compared as data (the breakdowns' keys in any order).
    const same = isDeepStrictEqual(JSON.parse(JSON.stringify(counted)), JSON.parse(JSON.stringify(inNode)));
    console.log(`  the SQL report ${same ? 'equals' : 'DIFFERS FROM'} the Node report`);
    figures.push({
      ...inPostgres,
      note: `${inPostgres.note}, ${same ? 'equal to Node' : 'DIFFERENT from Node'}`,
    });
  }
  figures.push(
    await timeQuery(`supervision ${TERRITOIRES[0]}`, 20, async () => {
      // The catalogue holds no parameter version in this schema: the controller would get the defaults too.
      const r = await querySupervision(sql, TERRITOIRES[0], ON, parametersAt([], ON));
      return `${(r as { referents?: unknown[] }).referents?.length ?? '?'} référents`;
    }),
  );
  figures.push(
    await timeQuery('échéances overdue, page 1 (50)', 20, async () => {
      const r = await queryEcheances(
        sql,
        { kind: 'all' },
        { on: ON, status: 'overdue' },
        { page: 1, pageSize: 50 },
      );
      return `${fmt(r.total)} overdue`;
    }),
  );
  figures.push(
    await timeQuery('record lateness 2025 by organisme, type, month', 20, async () => {
      const lines = await queryRecordLateness(sql, { from: '2025-01', to: '2025-12', lateAfterDays: 30 });
      return `${fmt(lines.length)} lines`;
    }),
  );
  figures.push(
    await timeQuery('sanction procedures compliance 2025', 20, async () => {
      const groups = await queryProcedureCompliance(sql, YEAR, (d) => parametersAt([], d), {
        groupBy: 'territory',
      });
      return `${fmt(groups.reduce((n, g) => n + g.decisions, 0))} decisions`;
    }),
  );
  figures.push(
    await timeQuery(
      'simulation 2025 (orientation within 2 months)',
      20,
      async () => {
        const r = await simulateIndicators(sql, YEAR, {
          parameters: { ...DEFAULT_PARAMETERS, orientationCalpaeMonths: 2 },
        });
        return `${r.groups[0].indicators.length} indicators`;
      },
      { ms: 2_000, calls: 5 },
    ),
  );
  figures.push(
    await timeQuery(
      'revisions 2025-Q1 (4 reports as known at)',
      20,
      async () => {
        const r = await indicatorRevisions(sql, { from: '2025-01-01', to: '2025-03-31' }, ON);
        return `${r.groups[0].indicators.length} indicators`;
      },
      { ms: 2_000, calls: 5 },
    ),
  );
  // The console's indicators page: the CALPAE codes month by month over a year, in one request.
  const calpae = INDICATORS.filter((d) => d.family === 'calpae').map((d) => d.code);
  figures.push(
    await timeQuery(
      `console: ${calpae.length} CALPAE indicators, 12 months`,
      20,
      async () => `${(await indicatorSeries(sql, YEAR, 'departement', { codes: calpae })).length} months`,
      { ms: 3_000, calls: 5 },
    ),
  );
  figures.push(
    await timeQuery(`portfolio ${PORTFOLIO_REFERENT}, page 1 (250)`, 20, async () => {
      const r = await queryPortfolio(
        sql,
        { kind: 'referent', referentId: PORTFOLIO_REFERENT },
        { referentId: PORTFOLIO_REFERENT, sort: 'overdue', on: ON },
        { page: 1, pageSize: 250 },
      );
      return `${r.items.length} lines of ${fmt(r.total)}`;
    }),
  );
  return figures;
}

// ---------- 4. append throughput ----------

interface AppendFigure {
  writers: number;
  store: number;
  /** Emmett's PostgreSQL event store (@event-driven-io/emmett-postgresql), on the same server and schema. */
  emmett: number;
  raw: number;
}

async function forSeconds(
  writers: number,
  seconds: number,
  append: (writer: number, n: number) => Promise<void>,
) {
  const deadline = Date.now() + seconds * 1000;
  let count = 0;
  const start = now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let n = 0; Date.now() < deadline; n++) {
        await append(w, n);
        count++;
      }
    }),
  );
  return (count / msSince(start)) * 1000;
}

async function appendThroughput(
  sql: PgSqlClient,
  store: SqlEventStore,
  schema: string,
): Promise<AppendFigure[]> {
  // Emmett creates its tables unqualified: the search path keeps them in the benchmark's schema.
  const emmett = getPostgreSQLEventStore(
    `${DATABASE_URL}${DATABASE_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    { schema: { autoMigration: 'CreateOrUpdate' } },
  );
  // The same columns, defaults, constraints and indexes as the events table, without the store's protocol around it.
  await sql.exec(
    `create table raw_events (like events including defaults including constraints including indexes)`,
  );
  const row = (kind: string, writers: number, w: number, n: number) => ({
    streamId: `bench-${kind}-${writers}-${w}-${n}`,
    id: randomUUID(),
    type: 'BenchAppended',
    data: { writer: w, n },
    metadata: { actor: 'bench', recordedAt: new Date().toISOString() },
  });
  // Emmett creates its schema on its first append: done before the timed windows.
  await emmett.appendToStream(`bench-emmett-warmup-${randomUUID()}`, [{ type: 'BenchWarmedUp', data: {} }]);
  const figures: AppendFigure[] = [];
  for (const writers of [1, 8]) {
    const viaStore = await forSeconds(writers, 5, async (w, n) => {
      const e = row('store', writers, w, n);
      await store.appendToStream(
        e.streamId,
        [{ id: e.id, type: e.type, data: e.data, metadata: e.metadata }],
        {
          expectedRevision: 'no_stream',
        },
      );
    });
    const viaEmmett = await forSeconds(writers, 5, async (w, n) => {
      const e = row('emmett', writers, w, n);
      await emmett.appendToStream(e.streamId, [{ type: e.type, data: e.data, metadata: e.metadata }], {
        expectedStreamVersion: STREAM_DOES_NOT_EXIST,
      });
    });
    const raw = await forSeconds(writers, 5, async (w, n) => {
      const e = row('raw', writers, w, n);
      await sql.query(
        `insert into raw_events (stream_id, stream_revision, event_id, event_type, data, metadata) values ($1, 0, $2, $3, $4, $5)`,
        [e.streamId, e.id, e.type, e.data, e.metadata],
      );
    });
    figures.push({ writers, store: viaStore, emmett: viaEmmett, raw });
    console.log(
      `  ${writers} writer${writers > 1 ? 's' : ' '}  SqlEventStore ${fmt(viaStore).padStart(7)} appends/s` +
        `  Emmett ${fmt(viaEmmett).padStart(7)} appends/s  raw insert ${fmt(raw).padStart(7)} rows/s` +
        `  store/Emmett ${fmt(viaStore / viaEmmett, 2)}  store/raw ${fmt(viaStore / raw, 2)}`,
    );
  }
  await emmett.close();
  return figures;
}

// ---------- 5. machine and summary ----------

async function machine(sql: PgSqlClient): Promise<Record<string, string>> {
  let model = 'unknown';
  try {
    model = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? model;
  } catch {
    // not Linux: the model stays unknown
  }
  const [{ version }] = await sql.query<{ version: string }>('select version()');
  return {
    CPU: `${cpus().length} × ${model}`,
    RAM: `${fmt(totalmem() / 1024 ** 3, 1)} GiB`,
    PostgreSQL: version,
    Node: process.version,
  };
}

// ---------- main ----------

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const schema = `bench_scale_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: DATABASE_URL });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `no PostgreSQL at ${DATABASE_URL} (set PARCOURS_BENCH_DATABASE_URL): ${(error as Error).message}`,
    );
  }
  await admin.query(`create schema ${schema}`);
  const sql = new PgSqlClient({ connectionString: DATABASE_URL, schema });
  const store = new SqlEventStore(sql);
  console.log(
    `Schema ${schema} on ${DATABASE_URL.replace(/\/\/[^@]*@/, '//')}; ${fmt(options.parcours)} parcours, seed ${options.seed}`,
  );
  try {
    await store.migrate();

    console.log('1. Fill');
    const filled = await fill(store, options);
    console.log(
      `  ${fmt(filled.events)} events of ${fmt(options.parcours)} parcours in ${fmt(filled.ms / 1000, 1)} s` +
        ` (${fmt((filled.events / filled.ms) * 1000)} events/s appended), recorded ${filled.first} … ${filled.last}`,
    );

    console.log('2. Rebuild parcours projection');
    const runner = new ProjectionRunner(store, sql, [parcoursProjection], { batchSize: 500 });
    await runner.migrate();
    const heapBefore = process.memoryUsage().rss;
    const sampler = new RssSampler();
    const t = now();
    await runner.rebuild('parcours');
    const rebuildMs = msSince(t);
    const rebuildPeak = sampler.stop();
    const maxRss = process.resourceUsage().maxRSS * 1024;
    const [{ cycles }] = await sql.query<{ cycles: number }>(
      'select count(*)::int as cycles from rm_cycle_facts',
    );
    console.log(
      `  ${fmt(filled.events)} events in ${fmt(rebuildMs / 1000, 1)} s = ${fmt((filled.events / rebuildMs) * 1000)} events/s;` +
        ` ${fmt(cycles)} rm_cycle_facts rows; RSS ${mb(heapBefore)} before, peak ${mb(rebuildPeak)} during (process maxRSS ${mb(maxRss)})`,
    );

    console.log('2b. Build the record-lateness and sanction-procedures read models');
    const others = new ProjectionRunner(
      store,
      sql,
      [recordLatenessProjection, sanctionProceduresProjection],
      {
        batchSize: 500,
      },
    );
    await others.migrate();
    for (const name of ['record-lateness', 'sanction-procedures']) {
      const started = now();
      await others.rebuild(name);
      const ms = msSince(started);
      console.log(`  ${name}: ${fmt(ms / 1000, 1)} s = ${fmt((filled.events / ms) * 1000)} events/s`);
    }

    console.log(
      `3. Queries (as the read controller calls them, on ${ON}; asOf = mean recorded date ${filled.middle})`,
    );
    const querySampler = new RssSampler();
    const figures = await queries(sql, filled.middle);
    const queryPeak = querySampler.stop();
    console.log(`  peak RSS during queries ${mb(queryPeak)}`);

    let appends: AppendFigure[] = [];
    if (options.skipAppend) console.log('4. Append throughput: skipped (--skip-append)');
    else {
      console.log('4. Append throughput (one event per append, distinct new streams, ~5 s each)');
      appends = await appendThroughput(sql, store, schema);
    }

    const host = await machine(sql);
    const lines = [
      `### ${fmt(options.parcours)} parcours (seed ${options.seed}, 8 territoires), ${new Date().toISOString().slice(0, 10)}`,
      '',
      '| Measure | Figure |',
      '|---|---|',
      `| Events | ${fmt(filled.events)} (${fmt(cycles)} rm_cycle_facts rows) |`,
      `| Fill (SqlEventStore, ${CHUNK} events per append, ${FILL_CONCURRENCY} at once) | ${fmt(filled.ms / 1000, 1)} s |`,
      `| Rebuild \`parcours\` | ${fmt(rebuildMs / 1000, 1)} s, ${fmt((filled.events / rebuildMs) * 1000)} events/s |`,
      `| Peak RSS during rebuild (100 ms samples) | ${mb(rebuildPeak)} (process maxRSS ${mb(maxRss)}) |`,
      `| Peak RSS during queries | ${mb(queryPeak)} |`,
      '',
      '| Query | Calls | p50 ms | p95 ms | Result |',
      '|---|---:|---:|---:|---|',
      ...figures.map((f) => `| ${f.name} | ${f.calls} | ${fmt(f.p50, 1)} | ${fmt(f.p95, 1)} | ${f.note} |`),
      '',
      ...(appends.length
        ? [
            '| Writers | SqlEventStore appends/s | Emmett appends/s | Raw insert rows/s | Store / Emmett | Store / raw |',
            '|---:|---:|---:|---:|---:|---:|',
            ...appends.map(
              (a) =>
                `| ${a.writers} | ${fmt(a.store)} | ${fmt(a.emmett)} | ${fmt(a.raw)} ` +
                `| ${fmt(a.store / a.emmett, 2)} | ${fmt(a.store / a.raw, 2)} |`,
            ),
            '',
          ]
        : ['Append throughput: not measured (--skip-append).', '']),
      'Machine:',
      '',
      ...Object.entries(host).map(([k, v]) => `- ${k}: ${v}`),
    ];
    console.log('\n5. Summary (for bench/RESULTS.md)\n');
    console.log(lines.join('\n'));
  } finally {
    await sql.close();
    if (options.keep) console.log(`\nSchema ${schema} kept (--keep).`);
    else await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(
      `bench:scale failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exit(1);
  },
);
