import {
  BusinessDate,
  DEFAULT_PARAMETERS,
  PARAMETER_NAMES,
  Parameters,
  parameterVersionAt,
} from '@parcours/domain';
import type { SqlQueryable } from '@parcours/event-store';
import { computeIndicators, GroupBy, IndicatorFigure, loadFacts } from '../indicators/compute';
import { IndicatorResult, INDICATORS, versionsForPeriod } from '../indicators/definitions';
import { Period } from '../indicators/facts';

/**
 * "What if" on a past period: the indicators under a draft — parameter values
 * (an orientation delay of one month instead of the law's, another caseload
 * cap) or published definition versions other than those in force — beside
 * the figures actually in force. Computed over the facts as they are; nothing
 * is written anywhere.
 */
export interface SimulationDraft {
  /** Every parameter value of the draft (those in force, changed where the draft says), in force for the whole period. */
  parameters?: Parameters;
  /** By indicator code, the definition version to compute instead of the one in force. */
  definitionVersions?: Record<string, number>;
}

type Figure = Pick<IndicatorResult, 'value' | 'numerator' | 'denominator'> & {
  version: number;
  parameters: Record<string, unknown>;
};

export interface SimulatedIndicator {
  code: string;
  label: string;
  inForce: Figure;
  draft: Figure;
  /** Draft minus in force; null when either has no numeric value. */
  difference: number | null;
}

export interface SimulationReport {
  from: BusinessDate;
  to: BusinessDate;
  groupBy: GroupBy;
  groups: { group: string; indicators: SimulatedIndicator[] }[];
}

const figureOf = (i: IndicatorFigure): Figure => ({
  version: i.version,
  parameters: i.parameters,
  value: i.value,
  numerator: i.numerator,
  denominator: i.denominator,
});

export async function simulateIndicators(
  sql: SqlQueryable,
  period: Period,
  draft: SimulationDraft,
  options: { codes?: string[]; territory?: string; groupBy?: GroupBy } = {},
): Promise<SimulationReport> {
  const groupBy = options.groupBy ?? 'departement';
  const snapshot = await loadFacts(sql, options.territory);
  const inForce = computeIndicators(snapshot, period, groupBy, options.codes);
  // The draft as the only parameter version of the period: in force from its first day, none after it.
  const book = draft.parameters
    ? {
        versions: [
          ...snapshot.book.versions.filter((v) => v.effectiveFrom <= period.from),
          {
            version: Math.max(0, ...snapshot.book.versions.map((v) => v.version)) + 1,
            effectiveFrom: period.from,
            values: draft.parameters,
          },
        ],
      }
    : snapshot.book;
  // Only the figures the draft changes are computed again: a definition version chosen, or a parameter it reads.
  const inForceValues = parameterVersionAt(snapshot.book.versions, period.to)?.values ?? DEFAULT_PARAMETERS;
  const changed = (draft.parameters ? PARAMETER_NAMES : []).filter(
    (k) => draft.parameters![k] !== inForceValues[k],
  );
  const affected = INDICATORS.filter(
    (d) =>
      (!options.codes || options.codes.includes(d.code)) &&
      (draft.definitionVersions?.[d.code] !== undefined ||
        versionsForPeriod(d, period).main.parameters.some((k) => changed.includes(k))),
  ).map((d) => d.code);
  const drafted = affected.length
    ? computeIndicators(
        { facts: snapshot.facts, book },
        period,
        groupBy,
        affected,
        undefined,
        draft.definitionVersions,
      )
    : undefined;
  return {
    from: period.from,
    to: period.to,
    groupBy,
    groups: inForce.groups.map(({ group, indicators }) => ({
      group,
      indicators: indicators.map((i) => {
        const d =
          drafted?.groups.find((g) => g.group === group)?.indicators.find((x) => x.code === i.code) ?? i;
        return {
          code: i.code,
          label: d.label,
          inForce: figureOf(i),
          draft: figureOf(d),
          difference: typeof i.value === 'number' && typeof d.value === 'number' ? d.value - i.value : null,
        };
      }),
    })),
  };
}
