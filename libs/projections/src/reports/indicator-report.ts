import { addDays, addMonths, BusinessDate } from '@parcours/domain';
import type { SqlQueryable } from '@parcours/event-store';
import { IndicatorResult } from '../indicators/definitions';
import {
  computeIndicators,
  computeIndicatorsInSql,
  GroupBy,
  IndicatorReport,
  loadFacts,
} from '../indicators/compute';
import { Period } from '../indicators/facts';

/**
 * An indicators report, counted by PostgreSQL when every figure asked has its
 * SQL form, otherwise computed over the cycles' facts: the same figures either way.
 */
export async function indicatorReport(
  sql: SqlQueryable,
  period: Period,
  groupBy: GroupBy,
  options: { codes?: string[]; territory?: string; asOf?: BusinessDate } = {},
): Promise<IndicatorReport> {
  const { codes, territory, asOf } = options;
  const counted = await computeIndicatorsInSql(sql, period, groupBy, codes, territory, asOf);
  return counted ?? computeIndicators(await loadFacts(sql, territory, asOf), period, groupBy, codes, asOf);
}

/** The calendar months that meet [from, to], each cut to it: the periods of a monthly series. */
export function monthsOf(period: Period): Period[] {
  const months: Period[] = [];
  for (let first = `${period.from.slice(0, 7)}-01`; first <= period.to; first = addMonths(first, 1)) {
    const last = addDays(addMonths(first, 1), -1);
    months.push({ from: first < period.from ? period.from : first, to: last > period.to ? period.to : last });
  }
  return months;
}

/**
 * A report per month of a period, over one read of the facts (the figures of
 * each month are those of a report on that month alone): the monthly series a
 * chart draws, without reading the facts once per point.
 */
export async function indicatorSeries(
  sql: SqlQueryable,
  period: Period,
  groupBy: GroupBy,
  options: { codes?: string[]; territory?: string; asOf?: BusinessDate } = {},
): Promise<IndicatorReport[]> {
  const snapshot = await loadFacts(sql, options.territory, options.asOf);
  return monthsOf(period).map((month) =>
    computeIndicators(snapshot, month, groupBy, options.codes, options.asOf),
  );
}

/** The moments a figure is looked at again: the end of its period, one and three months later, and today. */
export const REVISION_POINTS = ['atPeriodEnd', 'oneMonthLater', 'threeMonthsLater', 'now'] as const;
export type RevisionPoint = (typeof REVISION_POINTS)[number];

export type KnownFigure = Pick<IndicatorResult, 'value' | 'numerator' | 'denominator'>;

export interface IndicatorRevision {
  code: string;
  label: string;
  /** The definition version of the figure known now. */
  version: number;
  /** The figure as known at each moment; null for a moment still to come. */
  figures: Record<RevisionPoint, KnownFigure | null>;
  /** The figure known now minus the one known at the end of the period; null when either has no value. */
  revisedBy: number | null;
}

export interface RevisionsReport {
  from: BusinessDate;
  to: BusinessDate;
  groupBy: GroupBy;
  /** The date each moment stands for ("as known at the end of that day"); null when still to come. */
  knownAt: Record<RevisionPoint, BusinessDate | null>;
  groups: { group: string; indicators: IndicatorRevision[] }[];
}

/**
 * Each indicator of a period as first computed at the period's end, as known
 * one and three months later, and as known today: how much late records
 * revised a figure once published. Each moment is an "as known at" report
 * over the bitemporal facts, nothing is replayed.
 */
export async function indicatorRevisions(
  sql: SqlQueryable,
  period: Period,
  today: BusinessDate,
  options: { codes?: string[]; territory?: string; groupBy?: GroupBy } = {},
): Promise<RevisionsReport> {
  const groupBy = options.groupBy ?? 'departement';
  const dates: Record<RevisionPoint, BusinessDate> = {
    atPeriodEnd: period.to,
    oneMonthLater: addMonths(period.to, 1),
    threeMonthsLater: addMonths(period.to, 3),
    now: today,
  };
  const knownAt = Object.fromEntries(
    REVISION_POINTS.map((p) => [p, dates[p] <= today ? dates[p] : null]),
  ) as Record<RevisionPoint, BusinessDate | null>;
  const reports = new Map<RevisionPoint, IndicatorReport>();
  for (const point of REVISION_POINTS) {
    if (knownAt[point] === null) continue;
    const asOf = point === 'now' ? undefined : knownAt[point]!;
    reports.set(point, await indicatorReport(sql, period, groupBy, { ...options, asOf }));
  }
  const current = reports.get('now')!;
  const figureOf = (point: RevisionPoint, group: string, code: string): KnownFigure | null => {
    const found = reports
      .get(point)
      ?.groups.find((g) => g.group === group)
      ?.indicators.find((i) => i.code === code);
    if (!reports.has(point)) return null;
    return found
      ? { value: found.value, numerator: found.numerator, denominator: found.denominator }
      : { value: null, numerator: null, denominator: null };
  };
  return {
    from: period.from,
    to: period.to,
    groupBy,
    knownAt,
    groups: current.groups.map(({ group, indicators }) => ({
      group,
      indicators: indicators.map((i) => {
        const figures = Object.fromEntries(
          REVISION_POINTS.map((p) => [p, figureOf(p, group, i.code)]),
        ) as Record<RevisionPoint, KnownFigure | null>;
        const first = figures.atPeriodEnd?.value;
        return {
          code: i.code,
          label: i.label,
          version: i.version,
          figures,
          revisedBy: typeof first === 'number' && typeof i.value === 'number' ? i.value - first : null,
        };
      }),
    })),
  };
}
