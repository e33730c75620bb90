import { createHash } from 'node:crypto';
import { BusinessDate, DEFAULT_PARAMETERS, Parameters, parameterVersionAt } from '@parcours/domain';
import type { SqlQueryable } from '@parcours/event-store';
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
): IndicatorReport {
  const version = parameterVersionAt(snapshot.book.versions, period.to);
  const p = version?.values ?? DEFAULT_PARAMETERS;
  const parametersVersion = version?.version ?? 0;
  const chosen = codes?.length ? INDICATORS.filter((d) => codes.includes(d.code)) : INDICATORS;
  const population = snapshot.facts;
  const groups = new Map<string, CycleFacts[]>();
  for (const c of population) {
    const g = groupOf(c, groupBy);
    const members = groups.get(g);
    if (members) members.push(c);
    else groups.set(g, [c]);
  }
  if (groupBy === 'departement' && !groups.has('all')) groups.set('all', []);
  // The parameter versions that applied during the period: the one in force at its start and any taking effect within it.
  const atStart = parameterVersionAt(snapshot.book.versions, period.from) ?? {
    version: 0,
    values: DEFAULT_PARAMETERS,
  };
  const candidates = [
    { version: parametersVersion, values: p },
    atStart,
    ...snapshot.book.versions.filter((v) => v.effectiveFrom > period.from && v.effectiveFrom <= period.to),
  ];
  const valuesOf = (v: DefinitionVersion, values: Parameters) =>
    Object.fromEntries(v.parameters.map((k) => [k, values[k]]));
  const versionsOf = new Map(INDICATORS.map((d) => [d.code, versionsForPeriod(d, period, asOf)]));

  /** Every (definition version, parameter version) pair of the period but the main one, each distinct figure once. */
  function others(d: IndicatorDefinition, facts: CycleFacts[]): OtherVersionFigure[] | undefined {
    const { main, others: olderDefinitions } = versionsOf.get(d.code)!;
    const out: OtherVersionFigure[] = [];
    for (const v of [main, ...olderDefinitions]) {
      const seen = new Set(v === main ? [JSON.stringify(valuesOf(v, p))] : []);
      for (const pv of candidates) {
        const key = JSON.stringify(valuesOf(v, pv.values));
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({
          definitionVersion: v.version,
          parametersVersion: pv.version,
          parameters: valuesOf(v, pv.values),
          ...v.compute(facts, period, pv.values, population),
        });
      }
    }
    return out.length ? out : undefined;
  }
  return {
    from: period.from,
    to: period.to,
    groupBy,
    asOf,
    parametersVersion,
    definitionsVersion: definitionsVersionOf(
      INDICATORS.flatMap((d) =>
        [versionsOf.get(d.code)!.main, ...versionsOf.get(d.code)!.others].map((v) => ({
          code: d.code,
          version: v.version,
        })),
      ),
    ),
    groups: [...groups.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([group, facts]) => ({
        group,
        indicators: chosen.map((d) => {
          const v = versionsOf.get(d.code)!.main;
          return {
            code: d.code,
            version: v.version,
            effectiveFrom: v.effectiveFrom,
            label: v.label,
            unit: v.unit,
            parameters: valuesOf(v, p),
            ...v.compute(facts, period, p, population),
            otherVersions: others(d, facts),
          };
        }),
      })),
  };
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
  const params: unknown[] = [];
  const where: string[] = [];
  if (asOf) {
    params.push(asOf);
    where.push(`known_from <= $1::date and (known_to is null or known_to > $1::date)`);
  } else where.push('known_to is null');
  if (territory) {
    params.push(territory);
    where.push(`territory = $${params.length}`);
  }
  const rows = await sql.query<{ facts: CycleFacts }>(
    `select facts from rm_cycle_facts where ${where.join(' and ')} order by parcours_id, cycle`,
    params,
  );
  const [book] = await sql.query<{ doc: ParameterBook }>(`select doc from rm_parameter_book where id = 1`);
  const whole = book?.doc ?? { versions: [] };
  return { facts: rows.map((r) => r.facts), book: asOf ? bookAsOf(whole, asOf) : whole };
}
