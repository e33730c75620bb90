import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import {
  addDays,
  isBusinessDate,
  parisDate,
  PARCOURS_EVENT_SCHEMAS,
  parcoursStreamId,
  REFERENCE_EVENT_SCHEMAS,
  REFERENCE_STREAM,
  STORED_EVENT_RULES,
} from '@parcours/domain';
import {
  MemoryEventStore,
  PgliteSqlClient,
  RecordedEvent,
  SchemaCheckedEventStore,
  SqlEventStore,
  SqlQueryable,
  StoredEventChecker,
} from '@parcours/event-store';
import { arbitrarySession, play } from '../../../domain/src/testing/random-sessions';
import { arbitraryEventOf, UUID_POOL } from '../../../domain/src/testing/schema-arbitrary';
import { envelopeOf } from '../../../messaging/src/outbound/integration-events';
import { PARCOURS_EVENT_TYPES, schemaFiles } from '../../../messaging/src/outbound/schemas';
import { computeIndicators, GROUP_BYS, loadFacts } from '../indicators/compute';
import { exportIndicators, pseudonymisedExtract } from '../indicators/export';
import { createProjectionRunner } from '../projections';
import { replayEcheancesAsOf, replayFactsAsOf } from '../testing/replay-facts';
import { foldRecorded } from './fold';
import { portfolioLine } from './parcours.projection';
import { ParameterBook, ParcoursView } from './view';

/**
 * The read side folds every log the schemas admit, not only what decide
 * writes: events before any entry, repeated entries, steps naming an
 * appointment, contract or sanction that does not exist, ids reused, dates in
 * any order, parameter versions at any time. Nothing may throw, and what is
 * folded must fit the read models' tables (unique keys, real dates).
 */

const checker = new StoredEventChecker(STORED_EVENT_RULES);
const PARCOURS_IDS = UUID_POOL.slice(0, 3);
const ENTERED = new Set(['ParcoursEntered']);

interface LogItem {
  streamId: string;
  type: string;
  data: Record<string, unknown>;
}

/** One event of the log as the store would write it (the checker throws on anything it would refuse). */
function stored(streamId: string, type: string, data: Record<string, unknown>): LogItem {
  const withStream =
    type === 'ParcoursEntered' ? { ...data, parcoursId: streamId.slice('parcours-'.length) } : data;
  const [e] = checker.check(streamId, [{ id: randomUUID(), type, data: withStream }]);
  return { streamId, type, data: e.data };
}

const parcoursItem = fc
  .tuple(fc.constantFrom(...PARCOURS_IDS), arbitraryEventOf(PARCOURS_EVENT_SCHEMAS))
  .map(([id, e]) => stored(parcoursStreamId(id), e.type, e.data));
const entryItem = fc
  .tuple(fc.constantFrom(...PARCOURS_IDS), arbitraryEventOf(PARCOURS_EVENT_SCHEMAS, [...ENTERED]))
  .map(([id, e]) => stored(parcoursStreamId(id), e.type, e.data));
const parametersItem = arbitraryEventOf(REFERENCE_EVENT_SCHEMAS).map((e) =>
  stored(REFERENCE_STREAM, e.type, e.data),
);

/** A global log: a few parcours and the reference stream, interleaved; entries are frequent, but not always first. */
const arbitraryLog: fc.Arbitrary<LogItem[]> = fc.array(
  fc.oneof(
    { weight: 12, arbitrary: parcoursItem },
    { weight: 3, arbitrary: entryItem },
    { weight: 1, arbitrary: parametersItem },
  ),
  { minLength: 1, maxLength: 60 },
);

const recorded = (log: LogItem[]): RecordedEvent[] => {
  const revisions = new Map<string, number>();
  return log.map((e, i) => {
    const revision = revisions.get(e.streamId) ?? 0;
    revisions.set(e.streamId, revision + 1);
    return {
      id: randomUUID(),
      streamId: e.streamId,
      revision,
      position: String(i + 1),
      type: e.type,
      data: e.data,
      metadata: { recordedAt: '2025-06-30T10:00:00.000Z' },
    };
  });
};

function foldLog(events: { streamId: string; type: string; data: Record<string, unknown> }[]): {
  views: Map<string, ParcoursView | undefined>;
  book: ParameterBook;
} {
  const views = new Map<string, ParcoursView | undefined>();
  const book: ParameterBook = { versions: [] };
  for (const e of events) foldRecorded(views, book, e);
  return { views, book };
}

/** A date PostgreSQL's `date` columns take, as the read models write it. */
const isIsoDate = (d: unknown): boolean =>
  typeof d === 'string' &&
  /^\d{4}-\d{2}-\d{2}$/.test(d) &&
  !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) &&
  new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);

/** What the tables of the parcours projection need of a view: unique keys, real dates, JSON. */
function expectProjectable(v: ParcoursView): void {
  expect(JSON.parse(JSON.stringify(v))).toEqual(JSON.parse(JSON.stringify(v)));
  const ids = v.echeances.map((e) => e.id);
  expect(new Set(ids).size).toBe(ids.length);
  const cycles = v.cycles.map((c) => c.cycle);
  expect(cycles).toEqual([...cycles].sort((a, b) => a - b));
  expect(new Set(cycles).size).toBe(cycles.length);
  for (const e of v.echeances) {
    for (const d of [e.startsOn, e.dueOn, e.warnFrom, e.metOn, e.cancelledOn])
      if (d !== undefined) expect([e.id, d, isIsoDate(d)]).toEqual([e.id, d, true]);
  }
  const line = portfolioLine(v);
  for (const key of [
    'entered_on',
    'oriented_on',
    'contract_ends_on',
    'last_held_on',
    'next_appointment_on',
  ] as const) {
    const d = line[key];
    if (d !== null) expect([key, isIsoDate(d)]).toEqual([key, true]);
  }
}

const ajv = addFormats(new Ajv2020({ allErrors: true, strict: false }));
const integrationValidators = new Map<string, ValidateFunction>(
  PARCOURS_EVENT_TYPES.map((t) => [t, ajv.compile(schemaFiles()[`${t}.v1.json`])]),
);

/** The integration mapping: an envelope of the public contract (its published schema), or nothing. */
function expectMapped(events: RecordedEvent[]): void {
  for (const e of events) {
    const envelope = envelopeOf(e);
    if (!envelope) continue;
    const validate = integrationValidators.get(envelope.type)!;
    expect([envelope.type, validate(envelope) ? 'valid' : validate.errors]).toEqual([envelope.type, 'valid']);
  }
}

/** The indicators and the exports read the facts of every cycle without error, and give numbers. */
function expectIndicators(views: Map<string, ParcoursView | undefined>, book: ParameterBook): void {
  const facts = [...views.values()].flatMap((v) => v?.cycles ?? []);
  for (const [period, groupBys] of [
    [{ from: '2025-01-01', to: '2025-12-31' }, GROUP_BYS],
    [{ from: '1900-01-01', to: '2100-12-31' }, ['departement']],
  ] as const) {
    for (const groupBy of groupBys) {
      const report = computeIndicators({ facts, book }, period, groupBy);
      for (const g of report.groups) {
        for (const i of g.indicators)
          for (const n of [i.value, i.numerator, i.denominator])
            expect([i.code, n === null || Number.isFinite(n)]).toEqual([i.code, true]);
      }
      if (groupBy === 'departement') exportIndicators(report, 'csv');
    }
    pseudonymisedExtract(facts, period, 'k'.repeat(32), 6, 'json');
  }
}

/**
 * Logs the API could write before the échéance ids were made unique (a
 * réorientation notified the day of the first orientation, two équilibré
 * reviews on one day), then what only the schemas admit: the same entry twice.
 */
function sameDayLog(id: string): LogItem[] {
  const day = '2025-02-03';
  const stream = parcoursStreamId(id);
  const entry = {
    parcoursId: id,
    cycle: 1,
    person: { lastName: 'L', firstName: 'F', birthDate: '1980-01-01', sex: 'male' },
    household: { type: 'single', size: 1 },
    territory: 'T1',
    demandOn: '2025-01-02',
    rightOpenedOn: '2025-01-03',
    enteredOn: '2025-01-06',
  };
  const o = (orientationId: string, extra: Record<string, unknown> = {}) =>
    stored(stream, 'Oriented', {
      orientationId,
      track: 'socio_professional',
      organisationId: 'org-ccas',
      organisationKind: 'ccas_cias',
      decidedOn: day,
      notifiedOn: day,
      ...extra,
    });
  return [
    stored(stream, 'ParcoursEntered', entry),
    o(UUID_POOL[1]),
    stored(stream, 'ReorientationRequested', { requestId: UUID_POOL[2], requestedOn: day, motive: 'other' }),
    o(UUID_POOL[3], { reorientationRequestId: UUID_POOL[2] }),
    stored(stream, 'BalancedReviewHeld', { reviewedOn: '2025-03-01', outcome: 'continue' }),
    stored(stream, 'BalancedReviewHeld', { reviewedOn: '2025-03-01', outcome: 'continue' }),
  ];
}

const repeatedEntryLog = (id: string): LogItem[] => [
  ...sameDayLog(id).slice(0, 1),
  ...sameDayLog(id).slice(0, 1),
];

/** The échéance rows known at the end of a day (the current ones without a day), dates as text, by id. */
async function echeancesKnownAt(sql: SqlQueryable, day?: string, table = 'rm_echeance_versions') {
  const when =
    table === 'rm_echeances'
      ? 'true'
      : day
        ? 'known_from <= $1 and (known_to is null or known_to > $1)'
        : 'known_to is null';
  const rows = await sql.query<{ id: string }>(
    `select id, parcours_id, kind, cycle, territory, organisation_id, referent_id, starts_on::text, due_on::text,
            warn_from::text, met_on::text, cancelled_on::text, parameters_version
     from ${table} where ${when}`,
    day ? [day] : [],
  );
  return rows.sort(byId);
}

/** By id, code unit by code unit: the same order on both sides (the database's collation orders ":1:" and ":100:" its own way). */
const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

describe('the read side folds every event the schemas admit', () => {
  it('the parcours view, the indicators and the integration mapping, in memory', () => {
    fc.assert(
      fc.property(arbitraryLog, (log) => {
        const events = recorded(log);
        const { views, book } = foldLog(events);
        for (const v of views.values()) if (v) expectProjectable(v);
        expectIndicators(views, book);
        expectMapped(events);
      }),
      { numRuns: 150 },
    );
  });

  it('the facts "as of" a date, read back from a schema-checked store, are the same fold', async () => {
    await fc.assert(
      fc.asyncProperty(arbitraryLog, async (log) => {
        const store = new SchemaCheckedEventStore(
          new MemoryEventStore(() => new Date('2025-06-30T10:00:00Z')),
          STORED_EVENT_RULES,
        );
        for (const e of log)
          await store.appendToStream(e.streamId, [{ id: randomUUID(), type: e.type, data: e.data }]);
        const asOf = await replayFactsAsOf(store, '2025-06-30');
        const { views } = foldLog(log);
        expect(asOf.facts).toEqual([...views.values()].flatMap((v) => v?.cycles ?? []));
      }),
      { numRuns: 50 },
    );
  });

  /**
   * "As known at" a date is read from the bitemporal facts (known_from,
   * known_to), not replayed: on random logs recorded over several days, with
   * business dates long before their recording (late records) and parameter
   * versions recorded in between, it gives for every day what the replay of
   * the events recorded by then gives, and the projection runs in small batches
   * so that versions are closed across batches.
   */
  it('the bitemporal facts "as known at" any day equal the replay of the events recorded by then', async () => {
    const sql = await PgliteSqlClient.open({ schema: 'fold_as_of' });
    let run = 0;
    try {
      await fc.assert(
        fc.asyncProperty(
          arbitraryLog,
          fc.array(fc.constantFrom(0, 0, 0, 1, 2), { minLength: 60, maxLength: 60 }),
          fc.integer({ min: 1, max: 9 }),
          async (log, gaps, batchSize) => {
            run += 1;
            await sql.exec(`drop schema if exists fold_as_of cascade; create schema fold_as_of`);
            const inner = new SqlEventStore(sql);
            await inner.migrate();
            const store = new SchemaCheckedEventStore(inner, STORED_EVENT_RULES);
            // Recording days move forward with the log (each stream's records in order), 0 to 2 days apart,
            // at times on either side of midnight in Paris.
            let day = Date.parse('2025-03-01T00:00:00Z');
            const recordedDays: string[] = [];
            for (const [i, e] of log.entries()) {
              day += gaps[i] * 86_400_000;
              const at = new Date(day + (i % 2 ? 22.5 : 10) * 3_600_000).toISOString();
              recordedDays.push(parisDate(new Date(at)));
              await store.appendToStream(e.streamId, [
                { id: randomUUID(), type: e.type, data: e.data, metadata: { recordedAt: at } },
              ]);
            }
            const runner = createProjectionRunner(store, sql, { batchSize });
            await runner.migrate();
            await runner.catchUp('parcours');
            const days = [...new Set(['2025-02-28', ...recordedDays, addDays(recordedDays.at(-1)!, 1)])];
            const order = (
              a: { parcoursId: string; cycle: number },
              b: { parcoursId: string; cycle: number },
            ) => a.parcoursId.localeCompare(b.parcoursId) || a.cycle - b.cycle;
            for (const d of days) {
              const known = await loadFacts(sql, undefined, d);
              const replayed = await replayFactsAsOf(store, d);
              expect([d, JSON.parse(JSON.stringify(known.facts))]).toEqual([
                d,
                JSON.parse(JSON.stringify([...replayed.facts].sort(order))),
              ]);
              expect(known.book.versions).toEqual(replayed.book.versions);
              // The échéances as known that day, read from their versions, equal those of the replay.
              expect([d, await echeancesKnownAt(sql, d)]).toEqual([
                d,
                (await replayEcheancesAsOf(store, d)).sort(byId),
              ]);
            }
            // The current versions are the échéances the screens read.
            expect(await echeancesKnownAt(sql)).toEqual(
              await echeancesKnownAt(sql, undefined, 'rm_echeances'),
            );
            const now = await loadFacts(sql, 'T1');
            const replayedNow = await replayFactsAsOf(store, '2099-01-01', 'T1');
            expect(JSON.parse(JSON.stringify(now.facts))).toEqual(
              JSON.parse(JSON.stringify([...replayedNow.facts].sort(order))),
            );
          },
        ),
        { numRuns: 25, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) },
      );
    } finally {
      await sql.close();
    }
    expect(run).toBe(25);
  }, 300_000);

  it('the real projection on the embedded store, fed through the schema-checked store', async () => {
    const sql = await PgliteSqlClient.open({ schema: 'fold_property' });
    try {
      const inner = new SqlEventStore(sql);
      await inner.migrate();
      const store = new SchemaCheckedEventStore(inner, STORED_EVENT_RULES);
      const log = [
        ...sameDayLog(PARCOURS_IDS[0]),
        ...repeatedEntryLog(PARCOURS_IDS[1]),
        ...fc.sample(arbitraryLog, { numRuns: 6, seed: 2026 }).flat(),
      ];
      for (const e of log)
        await store.appendToStream(e.streamId, [{ id: randomUUID(), type: e.type, data: e.data }]);
      // Small batches: views are read back from their tables between batches, as in production.
      const runner = createProjectionRunner(store, sql, { batchSize: 7 });
      await runner.migrate();
      expect(await runner.catchUp('parcours')).toBe(log.length);
      const [status] = await runner.status();
      expect(status).toMatchObject({ name: 'parcours', eventsBehind: 0, error: null });
      const { views } = foldLog(log);
      const expected = [...views.entries()]
        .filter(([, v]) => v)
        .map(([id, v]) => ({ parcours_id: id, doc: JSON.parse(JSON.stringify(v)) }));
      const rows = await sql.query<{ parcours_id: string; doc: unknown }>(
        `select parcours_id, doc from rm_parcours_view order by parcours_id`,
      );
      expect(rows).toEqual(expected.sort((a, b) => a.parcours_id.localeCompare(b.parcours_id)));
      const [{ n }] = await sql.query<{ n: number }>(
        `select count(*)::int as n from rm_cycle_facts where known_to is null`,
      );
      expect(n).toBe(expected.reduce((sum, v) => sum + (v.doc as ParcoursView).cycles.length, 0));
    } finally {
      await sql.close();
    }
  });
});

describe('every command the domain accepts yields events the read side folds', () => {
  it('the view, the facts and the integration mapping, over random command sessions', () => {
    fc.assert(
      fc.property(fc.array(arbitrarySession, { minLength: 1, maxLength: 3 }), (sessions) => {
        const log = sessions.flatMap((steps, i) => {
          const id = PARCOURS_IDS[i];
          return play(steps, id).events.map((e) =>
            stored(parcoursStreamId(id), e.type, e.data as unknown as Record<string, unknown>),
          );
        });
        const events = recorded(log);
        const { views, book } = foldLog(events);
        for (const v of views.values()) if (v) expectProjectable(v);
        expectIndicators(views, book);
        expectMapped(events);
      }),
      { numRuns: 60 },
    );
  });

  it('a réorientation notified the day of the first orientation, and two équilibré reviews on one day, keep échéance ids unique', () => {
    const id = PARCOURS_IDS[0];
    const day = '2025-02-03';
    const v = foldLog(sameDayLog(id)).views.get(id)!;
    expectProjectable(v);
    expect(
      v.echeances
        .filter((e) => e.kind === 'first_contract')
        .map((e) => [e.id.slice(id.length), e.cancelledOn ?? null]),
    ).toEqual([
      [`:1:first_contract:${day}`, day],
      [`:1:first_contract:${day}#2`, null],
    ]);
    expect(
      v.echeances.filter((e) => e.kind === 'balanced_review').map((e) => e.id.slice(id.length + 1)),
    ).toEqual([
      `1:balanced_review:${UUID_POOL[1]}`,
      '1:balanced_review:review-2025-03-01',
      '1:balanced_review:review-2025-03-01#2',
    ]);
    expect(isBusinessDate(v.echeances[0].dueOn)).toBe(true);
  });
});
