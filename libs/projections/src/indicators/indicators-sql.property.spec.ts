import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import {
  addDays,
  addMonths,
  businessDateOf,
  DEFAULT_PARAMETERS,
  parcoursStreamId,
  REFERENCE_STREAM,
  STORED_EVENT_RULES,
} from '@parcours/domain';
import { PgliteSqlClient, SchemaCheckedEventStore, SqlEventStore } from '@parcours/event-store';
import { arbitrarySession, play, Step } from '../../../domain/src/testing/random-sessions';
import { createProjectionRunner } from '../projections';
import {
  computableInSql,
  computeIndicators,
  computeIndicatorsInSql,
  GROUP_BYS,
  loadFacts,
  planReport,
} from './compute';
import { INDICATORS } from './definitions';
import { OVER_CYCLE_DATES, SQL_DEFINITIONS } from './sql-definitions';

/**
 * The indicators counted in SQL are the Node definitions' figures, exactly:
 * on random parcours (the product's own command sessions, recorded days or
 * weeks after their business dates), random periods, groupings, territoires,
 * "as known at" dates and a parameter version changing within the period,
 * the report computed by PostgreSQL equals the one computed over the facts.
 */
/** A step of a command session (random-sessions.ts): the kind, days after the previous step, and picks. */
const step = (kind: Step['kind'], day: number, pick = 1, n = 0): Step => ({
  kind,
  day,
  pick,
  n,
  flag: true,
  variant: 0,
});

/**
 * A parcours whose delays are drawn widely (entry → France Travail registration → orientation → first
 * appointment → contract), so that every bound of the definitions (one month, 14 days, two months) falls
 * on both sides; the random sessions orient ten days after entry.
 */
const timedSession: fc.Arbitrary<Step[]> = fc
  .record({
    entered: fc.integer({ min: 0, max: 330 }),
    // [Orient's pick, AssignReferent's pick]: social at France Travail, employment at the CCAS,
    // socio-professional (équilibré) at the CCAS or at France Travail.
    orientation: fc.constantFrom<[number, number]>([0, 0], [1, 1], [5, 1], [2, 0]),
    registered: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
    // Delays near the bounds (a month, two, three; 14, 15 and 21 days; a year) as often as anywhere else.
    oriented: fc.oneof(
      fc.integer({ min: 27, max: 32 }),
      fc.integer({ min: 58, max: 63 }),
      fc.integer({ min: 0, max: 100 }),
    ),
    appointment: fc.option(
      fc.tuple(
        fc.integer({ min: 0, max: 2 }),
        fc.oneof(
          fc.integer({ min: 12, max: 16 }),
          fc.integer({ min: 19, max: 23 }),
          fc.integer({ min: 0, max: 40 }),
        ),
        fc.option(fc.oneof(fc.integer({ min: 13, max: 17 }), fc.integer({ min: 0, max: 30 })), {
          nil: undefined,
        }),
      ),
      { nil: undefined },
    ),
    contract: fc.option(
      fc.tuple(
        fc.oneof(
          fc.integer({ min: 58, max: 63 }),
          fc.integer({ min: 88, max: 94 }),
          fc.integer({ min: 0, max: 120 }),
        ),
        fc.constantFrom(14, 15, 20, 26),
      ),
      { nil: undefined },
    ),
    exit: fc.option(fc.oneof(fc.integer({ min: 150, max: 250 }), fc.integer({ min: 0, max: 400 })), {
      nil: undefined,
    }),
  })
  .map(({ entered, orientation: [orient, referent], registered, oriented, appointment, contract, exit }) => [
    step('Enter', entered, 0),
    ...(registered === undefined ? [] : [step('RegisterWithFranceTravail', registered)]),
    step('Orient', oriented, orient),
    step('AssignReferent', 0, referent),
    ...(appointment === undefined
      ? []
      : [
          step('ScheduleAppointment', appointment[0], 1, appointment[1]),
          ...(appointment[2] === undefined ? [] : [step('RecordAppointmentHeld', appointment[2])]),
        ]),
    ...(contract === undefined ? [] : [step('SignContract', contract[0], 1, contract[1])]),
    ...(exit === undefined ? [] : [step('ExitRsa', exit)]),
  ]);

/**
 * A followed parcours whose steps are drawn among those that make the dated facts the definitions read
 * (invitations, convocations, activity weeks, accompagnements globaux, reorientations, sanctions...), which
 * the broad random sessions, mostly refused, rarely reach.
 */
const DATED_KINDS: Step['kind'][] = [
  'ScheduleAppointment',
  'RecordAppointmentHeld',
  'RecordAppointmentMissed',
  'CancelAppointment',
  'SendInvitation',
  'SendConvocation',
  'SignContract',
  'ReviewContract',
  'SetActivityPlan',
  'RecordActivityHours',
  'RecordActivityHours',
  'RecordActivityHours',
  'OrientToGlobalAccompaniment',
  'StartGlobalAccompaniment',
  'EndGlobalAccompaniment',
  'RequestReorientation',
  'DecideReorientation',
  'ReportBreach',
  'DecideBreach',
  'DecideBreach',
  'DecideBreach',
  'DecideBreach',
  'LiftSuspension',
  'MakeSuspensionDefinitive',
  'MakeSuspensionDefinitive',
  'AppealSanction',
  'WithdrawSanction',
  'InterruptAccompaniment',
  'Orient',
  'RecordDiagnostic',
  'LiftBarrier',
  'PrescribeAction',
  'EnterAction',
  'ExitAction',
  'StartEmployment',
  'EndEmployment',
  'GrantExemption',
];
const followedSession: fc.Arbitrary<Step[]> = fc
  .tuple(
    fc.integer({ min: 0, max: 200 }),
    fc.array(
      fc.record({
        kind: fc.constantFrom(...DATED_KINDS),
        day: fc.integer({ min: 0, max: 12 }),
        pick: fc.nat({ max: 100 }),
        n: fc.integer({ min: 0, max: 40 }),
        flag: fc.boolean(),
        variant: fc.nat({ max: 10_000 }),
      }),
      { minLength: 10, maxLength: 50 },
    ),
    // Hours done in the weeks of a 15-hour contract with its plan: below, at and above the contract's.
    fc.option(fc.array(fc.integer({ min: 10, max: 19 }), { minLength: 1, maxLength: 6 }), { nil: undefined }),
    fc.option(fc.constantFrom<Step['kind']>('ExitRsa', 'EndAccompaniment'), { nil: undefined }),
  )
  .map(([entered, steps, weeks, end]) => [
    step('Enter', entered, 0),
    step('Orient', 10, 1),
    step('AssignReferent', 2),
    ...(weeks
      ? [
          step('SignContract', 1, 0, 15),
          { ...step('SetActivityPlan', 1, 0), variant: 1 },
          ...weeks.map((hours) => step('RecordActivityHours', 7, 0, hours)),
        ]
      : []),
    ...steps,
    ...(end ? [step(end, 5), step('EndAccompaniment', 30)] : []),
  ]);

/** In every run: an invitation answered, a convocation missed, a suspension decided (the procedure's steps first). */
const everyRun: Step[] = [
  step('Enter', 100, 0),
  step('Orient', 10, 1),
  step('AssignReferent', 2),
  step('SendInvitation', 1),
  step('ScheduleAppointment', 3, 1, 10),
  { ...step('SendConvocation', 1, 0), flag: false },
  step('RecordAppointmentMissed', 10, 0),
  { ...step('ReportBreach', 1), variant: 1 },
  ...[1, 2, 3, 4].map(() => ({ ...step('DecideBreach', 5, 0, 10), variant: 1 })),
];

/** In every run: a person out of the RSA in the autumn and back, both cycles in accompaniment into 2026. */
const reentry: Step[] = [
  step('Enter', 250, 0),
  step('Orient', 10, 1),
  step('AssignReferent', 2),
  step('ExitRsa', 20),
  step('Reenter', 10),
  step('Orient', 5, 2),
  step('AssignReferent', 1, 2),
];

describe('indicators in SQL equal the Node definitions (docs/SCALING.md, plan item 1)', () => {
  const codes = Object.keys(SQL_DEFINITIONS);

  it('has an SQL form only for codes and versions that exist', () => {
    for (const [code, versions] of Object.entries(SQL_DEFINITIONS)) {
      const d = INDICATORS.find((x) => x.code === code);
      expect([
        code,
        Object.keys(versions).every((v) => d?.versions.some((x) => x.version === Number(v))),
      ]).toEqual([code, true]);
    }
  });

  it('has an SQL form for every definition version', () => {
    for (const d of INDICATORS)
      expect([d.code, d.versions.map((v) => !!SQL_DEFINITIONS[d.code]?.[v.version])]).toEqual([
        d.code,
        d.versions.map(() => true),
      ]);
  });

  it('counts a report in SQL by default only when its figures are over rm_cycle_dates alone', () => {
    const year = { from: '2025-01-01', to: '2025-12-31' };
    expect(computableInSql(year)).toBe(false);
    expect(computableInSql(year, undefined, undefined, { datedFacts: true })).toBe(true);
    expect(computableInSql(year, [...OVER_CYCLE_DATES])).toBe(true);
    expect(computableInSql(year, [...OVER_CYCLE_DATES, 'calpae.orientations_flow'])).toBe(false);
  });

  it('gives no SQL report when a figure asked has no SQL form', async () => {
    // A definition without its SQL form, as a new one would be until it is given one.
    const withSql = SQL_DEFINITIONS['calpae.orientations_flow'];
    delete SQL_DEFINITIONS['calpae.orientations_flow'];
    const plan = planReport({ versions: [] }, { from: '2025-01-01', to: '2025-12-31' }, [
      'calpae.orientations_flow',
    ]);
    expect(plan.indicators).toHaveLength(1);
    const sql = await PgliteSqlClient.open({ schema: 'indicators_sql_none' });
    try {
      const runner = createProjectionRunner(new SqlEventStore(sql), sql, {});
      await new SqlEventStore(sql).migrate();
      await runner.migrate();
      expect(
        await computeIndicatorsInSql(
          sql,
          { from: '2025-01-01', to: '2025-12-31' },
          'departement',
          ['calpae.orientations_flow'],
          undefined,
          undefined,
          { datedFacts: true },
        ),
      ).toBeUndefined();
    } finally {
      SQL_DEFINITIONS['calpae.orientations_flow'] = withSql;
      await sql.close();
    }
  });

  it('counts the bounds as the Node definitions do: a month from 31 January, 14 days, two months', async () => {
    const sql = await PgliteSqlClient.open({ schema: 'indicators_sql_bounds' });
    try {
      const inner = new SqlEventStore(sql);
      await inner.migrate();
      const store = new SchemaCheckedEventStore(inner, STORED_EVENT_RULES);
      // Entered on 31 January or 15 January; oriented on either side of a month later (28 February is the
      // month's end); the first appointment 13 to 15 days after; the contract on either side of two months.
      for (const entered of [30, 14])
        for (const oriented of [27, 28, 29, 30, 31, 32])
          for (const [appointment, contract] of [
            [13, 58],
            [14, 59],
            [15, 60],
            [14, 61],
            [14, 62],
          ]) {
            const parcoursId = randomUUID();
            const steps = [
              step('Enter', entered, 0),
              step('Orient', oriented, oriented % 2 === 0 ? 5 : 1),
              step('AssignReferent', 0),
              step('ScheduleAppointment', 0, 1, appointment),
              step('SignContract', contract, 1, 26),
            ];
            const events = play(steps, parcoursId).events;
            expect(events.map((e) => e.type)).toContain('ContractSigned');
            // Socio-professional ones leave the RSA on either side of a year after their orientation: recorded
            // as the CAF flow would in 2026 (the sessions know no day after 2025).
            const o = events.find((e) => e.type === 'Oriented')!.data as { notifiedOn: string };
            if (oriented % 2 === 0)
              events.push({
                type: 'RsaExited',
                data: {
                  exitedOn: addDays(addMonths(o.notifiedOn, 12), contract % 3 === 0 ? 0 : 1),
                  reason: 'income',
                },
              });
            await store.appendToStream(
              parcoursStreamId(parcoursId),
              events.map((e) => ({
                id: randomUUID(),
                type: e.type,
                data: e.data as unknown as Record<string, unknown>,
              })),
            );
          }
      // Accompaniments interrupted on the day before the period's last, on it, and on the day after.
      for (const interrupted of [149, 150, 151]) {
        const parcoursId = randomUUID();
        const steps = [step('Enter', 0, 0), step('Orient', 10), step('AssignReferent', 0)];
        const events = play([...steps, step('InterruptAccompaniment', interrupted - 10)], parcoursId).events;
        expect(events.map((e) => e.type)).toContain('AccompanimentInterrupted');
        await store.appendToStream(
          parcoursStreamId(parcoursId),
          events.map((e) => ({
            id: randomUUID(),
            type: e.type,
            data: e.data as unknown as Record<string, unknown>,
          })),
        );
      }
      const runner = createProjectionRunner(store, sql, { batchSize: 500 });
      await runner.migrate();
      await runner.catchUp('parcours');
      const period = { from: '2025-01-01', to: '2025-05-31' };
      const expected = computeIndicators(await loadFacts(sql), period, 'departement', codes);
      // Both sides of every bound are there: the shares are neither 0 nor 1.
      const shares = [
        'calpae.oriented_within_1_month',
        'calpae.first_appointments_within_2_weeks',
        'calpae.first_contracts_within_2_months',
        'equilibre.exits_within_12_months',
      ].map((code) => expected.groups[0].indicators.find((i) => i.code === code)!.value!);
      expect(shares.every((v) => v > 0 && v < 1)).toBe(true);
      expect(
        await computeIndicatorsInSql(sql, period, 'departement', codes, undefined, undefined, {
          datedFacts: true,
        }),
      ).toEqual(expected);
    } finally {
      await sql.close();
    }
  }, 120_000);

  it('on random parcours, periods, groupings and dates known', async () => {
    const sql = await PgliteSqlClient.open({ schema: 'indicators_sql' });
    let runs = 0;
    // The definition versions whose figure was something (not nothing over nobody) in some run.
    const exercised = new Set<string>();
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.tuple(
              fc.oneof(arbitrarySession, timedSession, timedSession, followedSession, followedSession),
              fc.integer({ min: 0, max: 60 }),
            ),
            { minLength: 2, maxLength: 12 },
          ),
          fc.integer({ min: 0, max: 330 }),
          // Periods up to 2027, where the versions of 2026 and 2027 apply.
          fc.integer({ min: 0, max: 800 }),
          fc.constantFrom(...GROUP_BYS),
          fc.constantFrom(undefined, 'T1', 'ARRAGEOIS'),
          // Known at dates up to 2027, when the versions of 2027 were known.
          fc.option(fc.integer({ min: 0, max: 800 }), { nil: undefined }),
          async (sessions, start, length, groupBy, territory, asOfDay) => {
            runs += 1;
            await sql.exec('drop schema if exists indicators_sql cascade; create schema indicators_sql');
            const inner = new SqlEventStore(sql);
            await inner.migrate();
            const store = new SchemaCheckedEventStore(inner, STORED_EVENT_RULES);
            // A parameter version recorded on 1 March, in force from 1 June: a period across it has other figures.
            await store.appendToStream(REFERENCE_STREAM, [
              {
                id: randomUUID(),
                type: 'ParametersVersionSet',
                data: {
                  version: 1,
                  effectiveFrom: '2025-06-01',
                  values: {
                    ...DEFAULT_PARAMETERS,
                    orientationCalpaeMonths: 2,
                    firstAppointmentIndicatorDays: 21,
                    firstContractCalpaeMonths: 3,
                  },
                },
                metadata: { recordedAt: '2025-03-01T10:00:00Z' },
              },
            ]);
            for (const [steps, lag] of [...sessions, [everyRun, 0] as const, [reentry, 0] as const]) {
              const parcoursId = randomUUID();
              // Each event recorded `lag` days after its business date, in the order of its stream.
              let recorded = Date.parse('2025-01-01T09:00:00Z');
              for (const e of play(steps, parcoursId).events) {
                const data = e.data as unknown as Record<string, unknown>;
                const on = businessDateOf(e.type, data) ?? '2025-01-01';
                recorded = Math.max(recorded + 60_000, Date.parse(`${addDays(on, lag)}T09:00:00Z`));
                await store.appendToStream(parcoursStreamId(parcoursId), [
                  {
                    id: randomUUID(),
                    type: e.type,
                    data,
                    metadata: { recordedAt: new Date(recorded).toISOString() },
                  },
                ]);
              }
            }
            const runner = createProjectionRunner(store, sql, { batchSize: 50 });
            await runner.migrate();
            await runner.catchUp('parcours');

            const period = { from: addDays('2025-01-01', start), to: addDays('2025-01-01', start + length) };
            const asOf = asOfDay === undefined ? undefined : addDays('2025-01-01', asOfDay);
            const expected = computeIndicators(
              await loadFacts(sql, territory, asOf),
              period,
              groupBy,
              codes,
              asOf,
            );
            const counted = await computeIndicatorsInSql(sql, period, groupBy, codes, territory, asOf, {
              datedFacts: true,
            });
            expect(counted).toEqual(expected);
            for (const i of expected.groups.flatMap((g) => g.indicators))
              for (const [version, figure] of [
                [i.version, i] as const,
                ...(i.otherVersions ?? []).map((o) => [o.definitionVersion, o] as const),
              ])
                if (
                  figure.numerator ||
                  (figure.numerator === null && figure.denominator) ||
                  Object.values(figure.breakdown ?? {}).some((n) => n > 0)
                )
                  exercised.add(`${i.code}@${version}`);
          },
        ),
        // A failure is reported as found: shrinking sessions of a hundred steps would take minutes.
        { numRuns: 100, seed: 20251203, endOnFailure: true },
      );
    } finally {
      await sql.close();
    }
    expect(runs).toBe(100);
    const versions = Object.entries(SQL_DEFINITIONS).flatMap(([code, v]) =>
      Object.keys(v).map((n) => `${code}@${n}`),
    );
    expect(versions.filter((v) => !exercised.has(v))).toEqual([]);
  }, 600_000);
});
