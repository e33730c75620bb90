import { createHash } from 'node:crypto';
import { BusinessDate, DEFAULT_PARAMETERS, Parameters, parameterVersionAt } from '@parcours/domain';
import type { SqlClient, SqlQueryable } from '@parcours/event-store';
import { bookAsOf, CycleFacts, ParameterBook } from '../parcours-view/view';
import {
  DefinitionVersion,
  IndicatorDefinition,
  INDICATORS,
  IndicatorResult,
  Unit,
  versionsForPeriod,
} from './definitions';
import { Period } from './facts';
import {
  OVER_CYCLE_DATES,
  PERIOD_COLUMNS,
  PERIOD_FACT_COLUMNS,
  SqlFigure,
  sqlDefinitionOf,
} from './sql-definitions';

export const GROUP_BYS = ['departement', 'territory', 'organisation', 'referent'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

export interface FactsSnapshot {
  facts: CycleFacts[];
  book: ParameterBook;
}

/** The same indicator under another definition version or parameter version in force during the period. */
export interface OtherVersionFigure extends IndicatorResult {
  definitionVersion: number;
  parametersVersion: number;
  parameters: Record<string, unknown>;
}

export interface IndicatorFigure extends IndicatorResult {
  code: string;
  /** The definition version the figure is computed under: the one in force on the last day of the period. */
  version: number;
  /** The date from which that definition version applies. */
  effectiveFrom: BusinessDate;
  label: string;
  unit: Unit;
  /** The parameter values the definition used (those in force at the end of the period). */
  parameters: Record<string, unknown>;
  /**
   * The same indicator under the other definition versions and parameter
   * versions in force during the period (a person counted once from 2026, a
   * delay moved from 30 to 15 days, say): a change is shown beside the
   * figure, never folded into it silently.
   */
  otherVersions?: OtherVersionFigure[];
}

export interface IndicatorReport {
  from: BusinessDate;
  to: BusinessDate;
  groupBy: GroupBy;
  /** Set when the figures were recomputed from the events recorded up to that date. */
  asOf?: BusinessDate;
  parametersVersion: number;
  /** Names the definition versions the report used (every indicator, main and side by side): same name, same definitions. */
  definitionsVersion: string;
  groups: { group: string; indicators: IndicatorFigure[] }[];
}

/** Names a set of definition versions: `defs-` and a digest of their code@version. */
export function definitionsVersionOf(used: { code: string; version: number }[]): string {
  const keys = [...new Set(used.map((u) => `${u.code}@${u.version}`))].sort();
  return `defs-${createHash('sha256').update(keys.join(',')).digest('hex').slice(0, 12)}`;
}

function groupOf(c: CycleFacts, groupBy: GroupBy): string {
  switch (groupBy) {
    case 'departement':
      return 'all';
    case 'territory':
      return c.territory;
    case 'organisation':
      return c.orientations[c.orientations.length - 1]?.organisationId ?? 'none';
    case 'referent':
      return c.referentId ?? 'none';
  }
}

/** One figure to compute: a definition version under one set of parameter values. */
export interface FigureSpec {
  version: DefinitionVersion;
  parameters: Parameters;
}

/**
 * What a report computes, whatever computes it (Node over the facts, or SQL
 * where the data are): for each chosen indicator, the definition version in
 * force at the end of the period under the parameters then in force, and the
 * other (definition version, parameter version) pairs of the period, each
 * distinct figure once.
 */
export interface ReportPlan {
  parametersVersion: number;
  definitionsVersion: string;
  indicators: {
    definition: IndicatorDefinition;
    main: FigureSpec;
    parameters: Record<string, unknown>;
    others: (FigureSpec & { parametersVersion: number; values: Record<string, unknown> })[];
  }[];
}

export function planReport(
  book: ParameterBook,
  period: Period,
  codes?: string[],
  asOf?: BusinessDate,
  chosenVersions: Record<string, number> = {},
): ReportPlan {
  const version = parameterVersionAt(book.versions, period.to);
  const p = version?.values ?? DEFAULT_PARAMETERS;
  const parametersVersion = version?.version ?? 0;
  const chosen = codes?.length ? INDICATORS.filter((d) => codes.includes(d.code)) : INDICATORS;
  // The parameter versions that applied during the period: the one in force at its start and any taking effect within it.
  const atStart = parameterVersionAt(book.versions, period.from) ?? {
    version: 0,
    values: DEFAULT_PARAMETERS,
  };
  const candidates = [
    { version: parametersVersion, values: p },
    atStart,
    ...book.versions.filter((v) => v.effectiveFrom > period.from && v.effectiveFrom <= period.to),
  ];
  const valuesOf = (v: DefinitionVersion, values: Parameters) =>
    Object.fromEntries(v.parameters.map((k) => [k, values[k]]));
  // A version chosen for a code (a simulation's draft) is the only one computed for it.
  const versionsOf = new Map(
    INDICATORS.map((d) => {
      const chosen = d.versions.find((v) => v.version === chosenVersions[d.code]);
      return [d.code, chosen ? { main: chosen, others: [] } : versionsForPeriod(d, period, asOf)];
    }),
  );
  return {
    parametersVersion,
    definitionsVersion: definitionsVersionOf(
      INDICATORS.flatMap((d) =>
        [versionsOf.get(d.code)!.main, ...versionsOf.get(d.code)!.others].map((v) => ({
          code: d.code,
          version: v.version,
        })),
      ),
    ),
    indicators: chosen.map((d) => {
      const { main, others: olderDefinitions } = versionsOf.get(d.code)!;
      const others: ReportPlan['indicators'][number]['others'] = [];
      for (const v of [main, ...olderDefinitions]) {
        const seen = new Set(v === main ? [JSON.stringify(valuesOf(v, p))] : []);
        for (const pv of candidates) {
          const key = JSON.stringify(valuesOf(v, pv.values));
          if (seen.has(key)) continue;
          seen.add(key);
          others.push({
            version: v,
            parameters: pv.values,
            parametersVersion: pv.version,
            values: valuesOf(v, pv.values),
          });
        }
      }
      return { definition: d, main: { version: main, parameters: p }, parameters: valuesOf(main, p), others };
    }),
  };
}

/** The report of a plan, each figure of each group given by `figure`. */
export function assembleReport(
  plan: ReportPlan,
  period: Period,
  groupBy: GroupBy,
  groups: string[],
  figure: (group: string, spec: FigureSpec) => IndicatorResult,
  asOf?: BusinessDate,
): IndicatorReport {
  return {
    from: period.from,
    to: period.to,
    groupBy,
    asOf,
    parametersVersion: plan.parametersVersion,
    definitionsVersion: plan.definitionsVersion,
    groups: [...groups]
      .sort((a, b) => a.localeCompare(b))
      .map((group) => ({
        group,
        indicators: plan.indicators.map(({ definition, main, parameters, others }) => ({
          code: definition.code,
          version: main.version.version,
          effectiveFrom: main.version.effectiveFrom,
          label: main.version.label,
          unit: main.version.unit,
          parameters,
          ...figure(group, main),
          otherVersions: others.length
            ? others.map((o) => ({
                definitionVersion: o.version.version,
                parametersVersion: o.parametersVersion,
                parameters: o.values,
                ...figure(group, o),
              }))
            : undefined,
        })),
      })),
  };
}

/**
 * Computes every indicator (or the chosen ones) for a period, for the whole
 * département or by group, under the definitions known at `asOf` (all of
 * them when absent).
 */
export function computeIndicators(
  snapshot: FactsSnapshot,
  period: Period,
  groupBy: GroupBy = 'departement',
  codes?: string[],
  asOf?: BusinessDate,
  chosenVersions?: Record<string, number>,
): IndicatorReport {
  const population = snapshot.facts;
  const groups = new Map<string, CycleFacts[]>();
  for (const c of population) {
    const g = groupOf(c, groupBy);
    const members = groups.get(g);
    if (members) members.push(c);
    else groups.set(g, [c]);
  }
  if (groupBy === 'departement' && !groups.has('all')) groups.set('all', []);
  return assembleReport(
    planReport(snapshot.book, period, codes, asOf, chosenVersions),
    period,
    groupBy,
    [...groups.keys()],
    (group, { version, parameters }) => version.compute(groups.get(group)!, period, parameters, population),
    asOf,
  );
}

/**
 * The facts as the read model holds them now, or as they were known at the
 * end of a past date (`asOf`): the versions of each cycle's facts known then
 * (rm_cycle_facts is bitemporal, see parcours-view/known-facts.ts) and the
 * parameter versions recorded by then. Late records and corrections made
 * afterwards do not change a figure reproduced "as of" that date.
 */
export async function loadFacts(
  sql: SqlQueryable,
  territory?: string,
  asOf?: BusinessDate,
): Promise<FactsSnapshot> {
  const { where, params } = knownCycles(territory, asOf);
  const rows = await sql.query<{ facts: CycleFacts }>(
    `select facts from rm_cycle_facts where ${where} order by parcours_id, cycle`,
    params,
  );
  return { facts: rows.map((r) => r.facts), book: await loadParameterBook(sql, asOf) };
}

/** The versions of the cycles' facts current now, or known at the end of `asOf`, of a territoire or all. */
function knownCycles(territory: string | undefined, asOf: BusinessDate | undefined, first = 1) {
  const params: unknown[] = [];
  const where: string[] = [];
  if (asOf) {
    params.push(asOf);
    where.push(`known_from <= $${first}::date and (known_to is null or known_to > $${first}::date)`);
  } else where.push('known_to is null');
  if (territory) {
    params.push(territory);
    where.push(`territory = $${first + params.length - 1}`);
  }
  return { where: where.join(' and '), params };
}

/** The parameter versions recorded so far, or by the end of `asOf`. */
async function loadParameterBook(sql: SqlQueryable, asOf?: BusinessDate): Promise<ParameterBook> {
  const [book] = await sql.query<{ doc: ParameterBook }>(`select doc from rm_parameter_book where id = 1`);
  const whole = book?.doc ?? { versions: [] };
  return asOf ? bookAsOf(whole, asOf) : whole;
}

const isClient = (sql: SqlQueryable): sql is SqlClient => 'transaction' in sql;

const GROUP_COLUMN: Record<GroupBy, string> = {
  departement: `'all'`,
  territory: 'territory',
  organisation: `coalesce(organisation_id, 'none')`,
  referent: `coalesce(referent_id, 'none')`,
};

export interface SqlOptions {
  /**
   * Whether figures over the cycles' dated facts may be counted in SQL too. Off by default: they equal the
   * Node figures (indicators-sql.property.spec.ts) but are not yet faster than Node at scale (docs/SCALING.md);
   * a report goes to SQL by default only when all its figures are over rm_cycle_dates alone.
   */
  datedFacts?: boolean;
}

/**
 * Whether every figure a report would compute has its SQL form
 * (sql-definitions.ts): the definition versions of the period are all it
 * depends on, so it is known before anything is read.
 */
export function computableInSql(
  period: Period,
  codes?: string[],
  asOf?: BusinessDate,
  { datedFacts = false }: SqlOptions = {},
): boolean {
  const chosen = codes?.length ? INDICATORS.filter((d) => codes.includes(d.code)) : INDICATORS;
  return chosen.every((d) => {
    if (!datedFacts && !OVER_CYCLE_DATES.has(d.code)) return false;
    const { main, others } = versionsForPeriod(d, period, asOf);
    return [main, ...others].every((v) => sqlDefinitionOf(d.code, v.version));
  });
}

/**
 * The same report as computeIndicators over loadFacts, counted by PostgreSQL
 * in one statement, without loading the facts: undefined when a figure asked
 * has no SQL form yet (the caller computes it in the process then).
 */
export async function computeIndicatorsInSql(
  sql: SqlQueryable,
  period: Period,
  groupBy: GroupBy = 'departement',
  codes?: string[],
  territory?: string,
  asOf?: BusinessDate,
  options: SqlOptions = {},
): Promise<IndicatorReport | undefined> {
  if (!computableInSql(period, codes, asOf, options)) return undefined;
  const plan = planReport(await loadParameterBook(sql, asOf), period, codes, asOf);
  const figures = new Map<FigureSpec, { figure: SqlFigure; alias: string }>();
  const selected: { over: 'cycles' | 'facts'; expression: string }[] = [];
  for (const i of plan.indicators) {
    for (const spec of [i.main, ...i.others]) {
      const figure = sqlDefinitionOf(i.definition.code, spec.version.version)!(spec.parameters);
      const alias = `f${figures.size}`;
      figures.set(spec, { figure, alias });
      for (const [name, expression] of Object.entries({ ...figure.aggregates, ...figure.lists }))
        selected.push({ over: figure.over ?? 'cycles', expression: `${expression} as ${alias}_${name}` });
    }
  }
  const known = knownCycles(territory, asOf, 3);
  const factsKnown = asOf
    ? 'known_from <= $3::date and (known_to is null or known_to > $3::date)'
    : 'known_to is null';
  // A département is one group even when empty (an aggregate without GROUP BY answers one row).
  const grouped = groupBy !== 'departement';
  const over = (rows: 'cycles' | 'facts') => {
    // count(*): an aggregate even when no figure is over these rows (one row for a département).
    const aggregates = [
      `count(*) as n_${rows}`,
      ...selected.filter((s) => s.over === rows).map((s) => s.expression),
    ];
    // Every group of cycles has its row of facts' figures, none when it has no fact.
    const from =
      rows === 'cycles'
        ? 'cycles c'
        : 'cycles c left join facts f on f.parcours_id = c.parcours_id and f.cycle = c.cycle';
    return `select ${grouped ? 'c.grp' : `'all' as grp`}, ${aggregates.join(', ')} from ${from}${grouped ? ' group by 1' : ''}`;
  };
  const byFact = selected.some((s) => s.over === 'facts');
  // The dated facts and the cycles' columns for the period are read only when a figure asks.
  const datedFacts = plan.indicators.some((i) => !OVER_CYCLE_DATES.has(i.definition.code));
  const facts = `facts as not materialized (select * from rm_cycle_dated_facts where ${factsKnown}),`;
  const factColumns = Object.entries(PERIOD_FACT_COLUMNS);
  const perCycle = `per_cycle as (select parcours_id, cycle, ${factColumns.map(([name, e]) => `${e} as ${name}`).join(', ')}
    from facts group by parcours_id, cycle),`;
  const cyclesWithFacts = `select k.*, ${factColumns.map(([name]) => `x.${name}`).join(', ')}
    from known_cycles k left join per_cycle x on x.parcours_id = k.parcours_id and x.cycle = k.cycle`;
  const statement = `with ${datedFacts ? facts : ''} known_cycles as not materialized (
         select k.*, ${GROUP_COLUMN[groupBy]} as grp${datedFacts ? `, ${PERIOD_COLUMNS.columns}` : ''}
         from rm_cycle_dates k ${datedFacts ? PERIOD_COLUMNS.join : ''} where ${known.where}),
       ${datedFacts ? perCycle : ''} cycles as (${datedFacts ? cyclesWithFacts : 'select * from known_cycles'}),
       by_cycle as (${over('cycles')})${byFact ? `, by_fact as (${over('facts')})` : ''}
     select * from by_cycle${byFact ? ' join by_fact using (grp)' : ''}`;
  const params = [period.from, period.to, ...known.params];
  let rows: Record<string, unknown>[];
  try {
    rows =
      datedFacts && isClient(sql)
        ? await sql.transaction(async (tx) => {
            // Its many subqueries make the planner's estimate high: compiling it (JIT) takes seconds, running it less.
            await tx.query('set local jit = off');
            return tx.query<Record<string, unknown>>(statement, params);
          })
        : await sql.query<Record<string, unknown>>(statement, params);
  } catch (error) {
    // Tables of an older version, serving while the new ones are rebuilt, have no columns to count on yet.
    if (['42703', '42P01'].includes((error as { code?: string }).code ?? '')) return undefined;
    throw error;
  }
  const byGroup = new Map(rows.map((r) => [String(r.grp), r]));
  return assembleReport(
    plan,
    period,
    groupBy,
    [...byGroup.keys()],
    (group, spec) => {
      const { figure, alias } = figures.get(spec)!;
      const row = byGroup.get(group)!;
      const values = Object.fromEntries(
        Object.keys(figure.aggregates).map((name) => {
          const v = row[`${alias}_${name}`];
          return [name, v === null || v === undefined ? null : Number(v)];
        }),
      );
      const lists = Object.fromEntries(
        Object.keys(figure.lists ?? {}).map((name) => [
          name,
          (row[`${alias}_${name}`] as string[] | null) ?? [],
        ]),
      );
      return figure.result(values, lists);
    },
    asOf,
  );
}
