import { createHash } from 'node:crypto';
import { BusinessDate, DEFAULT_PARAMETERS, parameterVersionAt, parisDate } from '@parcours/domain';
import type { EventStore, SqlQueryable } from '@parcours/event-store';
import { foldRecorded } from '../parcours-view/fold';
import { CycleFacts, ParameterBook, ParcoursView } from '../parcours-view/view';
import { IndicatorDefinition, INDICATORS, IndicatorResult } from './definitions';
import { Period } from './facts';

export const GROUP_BYS = ['departement', 'territory', 'organisation', 'referent'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

export interface FactsSnapshot {
  facts: CycleFacts[];
  book: ParameterBook;
}

export interface IndicatorFigure extends IndicatorResult {
  code: string;
  version: number;
  label: string;
  unit: IndicatorDefinition['unit'];
  /** The parameter values the definition used (those in force at the end of the period). */
  parameters: Record<string, unknown>;
  /**
   * The same indicator under the other parameter versions known for the period
   * (a delay moved from 30 to 15 days, say): a change of definition is shown
   * beside the figure, never folded into it silently.
   */
  otherVersions?: (IndicatorResult & { parametersVersion: number; parameters: Record<string, unknown> })[];
}

export interface IndicatorReport {
  from: BusinessDate;
  to: BusinessDate;
  groupBy: GroupBy;
  /** Set when the figures were recomputed from the events recorded up to that date. */
  asOf?: BusinessDate;
  parametersVersion: number;
  definitionsVersion: string;
  groups: { group: string; indicators: IndicatorFigure[] }[];
}

/** Names the set of definitions and their versions: two reports with the same one used the same definitions. */
export const DEFINITIONS_VERSION = `defs-${createHash('sha256').update(INDICATORS.map((d) => `${d.code}@${d.version}`).join(',')).digest('hex').slice(0, 12)}`;

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

/** Computes every indicator (or the chosen ones) for a period, for the whole département or by group. */
export function computeIndicators(snapshot: FactsSnapshot, period: Period, groupBy: GroupBy = 'departement', codes?: string[], asOf?: BusinessDate): IndicatorReport {
  const version = parameterVersionAt(snapshot.book.versions, period.to);
  const p = version?.values ?? DEFAULT_PARAMETERS;
  const definitions = codes?.length ? INDICATORS.filter((d) => codes.includes(d.code)) : INDICATORS;
  const groups = new Map<string, CycleFacts[]>();
  for (const c of snapshot.facts) {
    const g = groupOf(c, groupBy);
    const members = groups.get(g);
    if (members) members.push(c);
    else groups.set(g, [c]);
  }
  if (groupBy === 'departement' && !groups.has('all')) groups.set('all', []);
  // The versions that applied during the period: the one in force at its start and any taking effect within it.
  const atStart = parameterVersionAt(snapshot.book.versions, period.from) ?? { version: 0, values: DEFAULT_PARAMETERS };
  const candidates = [atStart, ...snapshot.book.versions.filter((v) => v.effectiveFrom > period.from && v.effectiveFrom <= period.to)];
  const valuesOf = (d: IndicatorDefinition, values: typeof p) => Object.fromEntries(d.parameters.map((k) => [k, values[k]]));
  function others(d: IndicatorDefinition, facts: CycleFacts[]): IndicatorFigure['otherVersions'] {
    const used = JSON.stringify(valuesOf(d, p));
    const seen = new Set([used]);
    const out: NonNullable<IndicatorFigure['otherVersions']> = [];
    for (const v of candidates) {
      const key = JSON.stringify(valuesOf(d, v.values));
      if (d.parameters.length === 0 || seen.has(key)) continue;
      seen.add(key);
      out.push({ parametersVersion: v.version, parameters: valuesOf(d, v.values), ...d.compute(facts, period, v.values) });
    }
    return out.length ? out : undefined;
  }
  return {
    from: period.from,
    to: period.to,
    groupBy,
    asOf,
    parametersVersion: version?.version ?? 0,
    definitionsVersion: DEFINITIONS_VERSION,
    groups: [...groups.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([group, facts]) => ({
        group,
        indicators: definitions.map((d) => ({
          code: d.code,
          version: d.version,
          label: d.label,
          unit: d.unit,
          parameters: valuesOf(d, p),
          ...d.compute(facts, period, p),
          otherVersions: others(d, facts),
        })),
      })),
  };
}

/** The facts as the read model holds them now. */
export async function loadFacts(sql: SqlQueryable, territory?: string): Promise<FactsSnapshot> {
  const rows = await sql.query<{ facts: CycleFacts }>(
    territory ? `select facts from rm_cycle_facts where territory = $1 order by parcours_id, cycle` : `select facts from rm_cycle_facts order by parcours_id, cycle`,
    territory ? [territory] : [],
  );
  const [book] = await sql.query<{ doc: ParameterBook }>(`select doc from rm_parameter_book where id = 1`);
  return { facts: rows.map((r) => r.facts), book: book?.doc ?? { versions: [] } };
}

/**
 * The facts as they were known at the end of a past date: the same fold, over
 * the events recorded up to then only. Late records and corrections made
 * afterwards do not change a figure reproduced "as of" that date.
 */
export async function factsAsOf(store: EventStore, asOf: BusinessDate, territory?: string): Promise<FactsSnapshot> {
  const book: ParameterBook = { versions: [] };
  const views = new Map<string, ParcoursView | undefined>();
  let after: string | undefined;
  for (;;) {
    const page = await store.readAll({ after, maxCount: 2000 });
    if (page.events.length === 0) break;
    after = page.position;
    for (const e of page.events) {
      if (parisDate(new Date(e.metadata.recordedAt)) > asOf) continue;
      foldRecorded(views, book, e);
    }
  }
  const facts = [...views.values()].flatMap((v) => v?.cycles ?? []).filter((c) => !territory || c.territory === territory);
  return { facts, book };
}
