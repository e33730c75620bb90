import { Parameters } from '@parcours/domain';
import { IndicatorResult } from './definitions';
import { mean } from './facts';

/**
 * Indicators counted where the data are: a definition version's figure as
 * SQL aggregates over rm_cycle_dates (a row per version of a cycle's facts,
 * its dates as columns: CycleColumns in parcours-view/known-facts.ts),
 * instead of every cycle's facts loaded into the process. Each is the same figure as the Node
 * definition of that version — a property test compares both on random
 * histories, periods and groupings (indicators-sql.property.spec.ts) — and
 * the Node definitions stay the reference.
 *
 * In the expressions, $1 and $2 are the first and last days of the period;
 * parameters (the Département's, never a request's) are written in the
 * statement, checked to be numbers first.
 */
export interface SqlFigure {
  /** Aggregates over the group's rows, by name. */
  aggregates: Record<string, string>;
  /** The figure from the aggregates' values (counts and sums as numbers, null when nothing was aggregated). */
  result(row: Record<string, number | null>): IndicatorResult;
}

export type SqlDefinition = (p: Parameters) => SqlFigure;

const inPeriod = (column: string) => `(${column} between $1::date and $2::date)`;
/** addMonths of the domain (same day of the month, the last one when shorter): PostgreSQL adds months so too. */
const addMonths = (column: string, months: number) =>
  `(${column} + make_interval(months => ${whole(months)}))::date`;
const addDays = (column: string, days: number) => `(${column} + ${whole(days)})`;
const decimal = (n: number) => {
  if (!Number.isFinite(n)) throw new Error(`a parameter counted in SQL must be a number, got ${n}`);
  return String(n);
};
const whole = (n: number) => {
  if (!Number.isInteger(n)) throw new Error(`a parameter counted in SQL must be a whole number, got ${n}`);
  return String(n);
};

const countWhere = (condition: string) => `count(*) filter (where ${condition})`;

const count = (condition: string): SqlFigure => ({
  aggregates: { n: countWhere(condition) },
  result: (r) => ({ numerator: r.n, denominator: null, value: r.n }),
});

const share = (numerator: string, denominator: string): SqlFigure => ({
  aggregates: { num: countWhere(`(${denominator}) and (${numerator})`), den: countWhere(denominator) },
  result: (r) => ({ numerator: r.num, denominator: r.den, value: r.den ? r.num! / r.den : null }),
});

/** The mean of whole numbers of days: their sum over their count, as the Node `average`. */
const average = (days: string, where: string): SqlFigure => ({
  aggregates: { sum: `coalesce(sum(${days}) filter (where ${where}), 0)`, n: countWhere(where) },
  result: (r) => ({ numerator: r.sum, denominator: r.n, value: r.n ? r.sum! / r.n! : mean([]) }),
});

/** The median: with an even count, the mean of the two middle values (percentile_cont(0.5) interpolates so). */
const middle = (days: string, where: string): SqlFigure => ({
  aggregates: {
    median: `percentile_cont(0.5) within group (order by ${days}) filter (where ${where})`,
    n: countWhere(where),
  },
  result: (r) => ({ numerator: null, denominator: r.n, value: r.n ? r.median : null }),
});

const newEntrant = inPeriod('entered_on');
const balancedOrientedIn = `${inPeriod('first_oriented_on')} and first_track = 'socio_professional'`;
/** Soumis aux droits et devoirs at the end of the period: entered, not exited, not transferred by then. */
const subjectAtEnd =
  'entered_on <= $2::date and not coalesce(exited_on <= $2::date, false) ' +
  'and not coalesce(transferred_on <= $2::date, false)';
const orientedFirstOutsideFranceTravail = `${inPeriod('first_oriented_on')} and first_organisation_kind <> 'france_travail'`;
const firstContractIn = inPeriod('first_contract_signed_on');

/** By code, then by definition version: the definitions computed in SQL so far. */
export const SQL_DEFINITIONS: Record<string, Record<number, SqlDefinition>> = {
  'calpae.new_entrants': { 1: () => count(newEntrant) },
  'calpae.oriented_within_1_month': {
    1: (p) => share(`first_oriented_on <= ${addMonths('entered_on', p.orientationCalpaeMonths)}`, newEntrant),
  },
  'calpae.entry_to_orientation_days_mean': {
    1: () => average('first_oriented_on - entered_on', `${newEntrant} and first_oriented_on is not null`),
  },
  'calpae.entry_to_orientation_days_median': {
    1: () => middle('first_oriented_on - entered_on', `${newEntrant} and first_oriented_on is not null`),
  },
  'calpae.first_appointments_fixed': {
    1: () => share('first_appointment_for is not null', orientedFirstOutsideFranceTravail),
  },
  'calpae.first_appointments_within_2_weeks': {
    1: (p) =>
      share(
        `first_appointment_for <= ${addDays('first_oriented_on', p.firstAppointmentIndicatorDays)}`,
        `${orientedFirstOutsideFranceTravail} and first_appointment_for is not null`,
      ),
  },
  'calpae.first_contracts': { 1: () => count(firstContractIn) },
  'calpae.first_contracts_within_2_months': {
    1: (p) =>
      share(
        `first_contract_signed_on <= ${addMonths('first_oriented_on', p.firstContractCalpaeMonths)}`,
        inPeriod('first_oriented_on'),
      ),
  },
  'reseau_emploi.registration_to_contract_days_mean': {
    1: () => average('first_contract_signed_on - coalesce(registered_on, entered_on)', firstContractIn),
  },
  'reseau_emploi.registration_to_contract_days_median': {
    1: () => middle('first_contract_signed_on - coalesce(registered_on, entered_on)', firstContractIn),
  },
  'equilibre.first_appointment_within_15_days': {
    1: (p) =>
      share(`first_held_on <= ${addDays('first_oriented_on', p.firstAppointmentDays)}`, balancedOrientedIn),
  },
  'equilibre.contract_rate': { 1: () => share('has_contract', balancedOrientedIn) },
  'equilibre.weekly_hours_respected': {
    1: (p) =>
      share(
        `first_contract_weekly_hours >= ${decimal(p.weeklyHoursTarget)}`,
        `${balancedOrientedIn} and first_contract_signed_on is not null`,
      ),
  },
  'equilibre.exits_within_12_months': {
    1: (p) =>
      share(`exited_on <= ${addMonths('first_oriented_on', p.balancedReviewMonths)}`, balancedOrientedIn),
  },
  'drees.subject_to_rights_and_duties': { 1: () => count(subjectAtEnd) },
  'drees.orientation_delay_days_mean': {
    1: () => average('first_oriented_on - demand_on', `${newEntrant} and first_oriented_on is not null`),
  },
  'drees.orientation_to_contract_days_mean': {
    1: () =>
      average(
        'first_contract_signed_on - first_oriented_on',
        `${newEntrant} and first_oriented_on is not null and first_contract_signed_on is not null`,
      ),
  },
};

export const sqlDefinitionOf = (code: string, version: number): SqlDefinition | undefined =>
  SQL_DEFINITIONS[code]?.[version];
