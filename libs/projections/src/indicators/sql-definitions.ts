import { Parameters } from '@parcours/domain';
import type { DatedFactKind } from '../parcours-view/dated-facts';
import { Breakdown, IndicatorResult } from './definitions';
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
 * statement, checked to be numbers first. The group's cycles are `c`; the
 * relation `facts` holds the dated facts known (rm_cycle_dated_facts,
 * parcours-view/dated-facts.ts), read by subqueries on a cycle, or joined to
 * the cycles as `f` for a figure `over` them; `known_cycles` holds the
 * report's cycles, with their group `grp`, for a figure that must see a
 * person's other cycles.
 */
export interface SqlFigure {
  /** Over the group's cycles (`c`), or over their dated facts joined to them (`f`; `c` its cycle). */
  over?: 'cycles' | 'facts';
  /** Aggregates over the group's rows, by name. */
  aggregates: Record<string, string>;
  /** Aggregates whose value is a list of texts (array_agg), for a breakdown. */
  lists?: Record<string, string>;
  /**
   * The figure from the aggregates' values (counts and sums as numbers, null when nothing was aggregated) and
   * the lists' (empty when nothing was aggregated).
   */
  result(row: Record<string, number | null>, lists: Record<string, string[]>): IndicatorResult;
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

/** The dated facts of a kind of the cycle `cycle`, as `alias`. */
const factsOf = (alias: string, kind: DatedFactKind, cycle = 'c') =>
  `facts ${alias} where ${alias}.parcours_id = ${cycle}.parcours_id and ${alias}.cycle = ${cycle}.cycle and ${alias}.kind = '${kind}'`;
const exists = (alias: string, kind: DatedFactKind, condition: string, cycle = 'c') =>
  `exists (select 1 from ${factsOf(alias, kind, cycle)} and ${condition})`;

/** Whether the cycle's n-th orientation was interrupted on or before a date (facts.ts, interruptedAfter). */
const interruptedAfter = (n: string, date: string, cycle = 'c') =>
  exists('i', 'interruption', `i.after_orientations = ${n} and i.on_date <= ${date}`, cycle);

/**
 * Columns of each of the report's cycles (`k`) for the period, computed once per cycle rather than in every
 * figure that asks: how many orientations were notified by its end (orientationInForceOn's n), whether the
 * last of them is in force then (not interrupted since), whether it was interrupted before the period, and the
 * track and organisme's kind of orientationOn (facts.ts) at its end: the last (in the cycle's order) notified by then.
 */
export const PERIOD_COLUMNS = {
  join: `cross join lateral (select count(*) as n from ${factsOf('o', 'orientation', 'k')} and o.on_date <= $2::date) oriented
    left join lateral (select o.track, o.organisation_kind from ${factsOf('o', 'orientation', 'k')}
      and o.on_date <= $2::date order by o.ordinal desc limit 1) at_end on true`,
  columns: `oriented.n as oriented_by_end, at_end.track as track_at_end, at_end.organisation_kind as organisation_kind_at_end,
    oriented.n > 0 and not ${interruptedAfter('oriented.n', '$2::date', 'k')} as in_force_at_end,
    ${interruptedAfter('oriented.n', '($1::date - 1)', 'k')} as interrupted_before_start`,
};

/**
 * Columns of each cycle of the group (`c`) for the period from its dated facts, in one pass over them rather
 * than a subquery per cycle and figure (null for a cycle without dated facts).
 */
export const PERIOD_FACT_COLUMNS: Record<string, string> = {
  prescribed_in_period: `bool_or(kind = 'prescription' and ${inPeriod('on_date')})`,
  entered_action_in_period: `bool_or(kind = 'prescription' and ${inPeriod('entered_on')})`,
  employment_started_in_period: `bool_or(kind = 'employment_start' and ${inPeriod('on_date')})`,
  employment_started_by_end: `bool_or(kind = 'employment_start' and on_date <= $2::date)`,
  employed_at_end: `bool_or(kind = 'employment' and on_date <= $2::date and (ended_on is null or ended_on >= $2::date))`,
  contract_in_force_at_end: `bool_or(kind = 'contract' and on_date <= $2::date and $2::date <= ends_on)`,
  held_in_period: `count(*) filter (where kind = 'appointment' and ${inPeriod('held_on')})`,
};

/** accompaniedOn (facts.ts) at the end of the period. */
const accompaniedAtEnd = (months: number, cycle = 'c') =>
  `(${cycle}.entered_on <= $2::date and not coalesce(${cycle}.transferred_on <= $2::date, false)
    and (${cycle}.exited_on is null or ${cycle}.exited_on > $2::date
      or ($2::date <= ${addMonths(`${cycle}.exited_on`, months)}
        and not coalesce(${cycle}.accompaniment_ended_on <= $2::date, false)))
    and ${cycle}.in_force_at_end)`;
/** accompaniedDuring (facts.ts): at some point of the period. */
const accompaniedInPeriod = (months: number, cycle = 'c') =>
  `(${cycle}.first_oriented_on <= $2::date and ${cycle}.entered_on <= $2::date
    and not coalesce(${cycle}.transferred_on < $1::date, false)
    and (${cycle}.exited_on is null or ${cycle}.exited_on >= $1::date
      or least(${addMonths(`${cycle}.exited_on`, months)}, ${cycle}.accompaniment_ended_on) >= $1::date)
    and not ${cycle}.interrupted_before_start)`;

/** ageBand(ageOn(birth, end of the period)) and seniorityBand(entry, end of the period) of facts.ts. */
const ageBandAtEnd = `(case
  when age < 25 then '<25' when age < 35 then '25-34' when age < 45 then '35-44'
  when age < 55 then '45-54' when age < 65 then '55-64' else '65+' end)`.replaceAll(
  'age',
  `(extract(year from $2::date) - extract(year from c.birth_date)
    - case when to_char($2::date, 'MM-DD') < to_char(c.birth_date, 'MM-DD') then 1 else 0 end)`,
);
const seniorityBandAtEnd = `(case
  when $2::date < ${addMonths('c.entered_on', 6)} then '<6m' when $2::date < ${addMonths('c.entered_on', 12)} then '6-12m'
  when $2::date < ${addMonths('c.entered_on', 24)} then '1-2y' when $2::date < ${addMonths('c.entered_on', 60)} then '2-5y'
  else '>5y' end)`;

const listWhere = (value: string, condition: string) => `array_agg(${value}) filter (where ${condition})`;
const tally = (keys: string[]): Breakdown =>
  keys.reduce<Breakdown>((b, k) => ((b[k] = (b[k] ?? 0) + 1), b), {});
/** A figure with a breakdown counting the values of its lists, each prefixed by its name when asked. */
const withTally = (figure: SqlFigure, lists: Record<string, string>, prefixed = false): SqlFigure => ({
  ...figure,
  lists,
  result: (r, l) => ({
    ...figure.result(r, l),
    breakdown: tally(
      Object.keys(lists).flatMap((name) => l[name].map((v) => (prefixed ? `${name}:${v}` : v))),
    ),
  }),
});
const overFacts = (figure: SqlFigure): SqlFigure => ({ ...figure, over: 'facts' });

const newEntrant = inPeriod('entered_on');
const balancedOrientedIn = `${inPeriod('first_oriented_on')} and first_track = 'socio_professional'`;
/** Soumis aux droits et devoirs at the end of the period: entered, not exited, not transferred by then. */
const subjectAtEnd =
  'entered_on <= $2::date and not coalesce(exited_on <= $2::date, false) ' +
  'and not coalesce(transferred_on <= $2::date, false)';
const orientedFirstOutsideFranceTravail = `${inPeriod('first_oriented_on')} and first_organisation_kind <> 'france_travail'`;
const firstContractIn = inPeriod('first_contract_signed_on');

/** Stock (facts.ts, accompaniedOn at the end): v2 counts a person once, by the latest of the report's cycles in it. */
const stock = (p: Parameters) => accompaniedAtEnd(p.accompanimentAfterExitMonths);
const latestInStock = (p: Parameters) =>
  `${stock(p)} and not exists (select 1 from known_cycles c2 where c2.parcours_id = c.parcours_id
    and c2.cycle > c.cycle and ${accompaniedAtEnd(p.accompanimentAfterExitMonths, 'c2')})`;
const trackAndOrganisationAtEnd = `c.track_at_end || '/' || c.organisation_kind_at_end`;
const accompanied = (p: Parameters) => accompaniedInPeriod(p.accompanimentAfterExitMonths);
const accompaniedWith = (p: Parameters, condition: string) => share(condition, accompanied(p));

/** Of the stock, those oriented for contactGapMonths, and those of them with no appointment held since (ruptures). */
const contactSince = (p: Parameters) => addMonths('$2::date', -p.contactGapMonths);
const oldEnoughInStock = (p: Parameters) => `${stock(p)} and c.first_oriented_on <= ${contactSince(p)}`;
const noRecentContact = (p: Parameters) =>
  `${oldEnoughInStock(p)} and not ${exists('a', 'appointment', `a.held_on > ${contactSince(p)} and a.held_on <= $2::date`)}`;
/** interruptedWithoutFollowUp (definitions.ts): interrupted in the period, the next orientation not within the months. */
const interruptedWithoutFollowUp = (p: Parameters) =>
  exists(
    'i',
    'interruption',
    `${inPeriod('i.on_date')} and not ${exists(
      'n',
      'orientation',
      `n.ordinal = i.after_orientations + 1
      and n.on_date <= ${addMonths('i.on_date', p.ruptureFollowUpMonths)}`,
    )}`,
  );
/** A person (parcours) of the group accompanied in the period, by any of its cycles in the group. */
const personAccompanied = (p: Parameters) =>
  `exists (select 1 from known_cycles c2 where c2.grp = c.grp and c2.parcours_id = c.parcours_id
    and ${accompaniedInPeriod(p.accompanimentAfterExitMonths, 'c2')})`;

/** The global accompaniments in progress at the end of the period, of cycles in accompaniment. */
const globalInProgress = (p: Parameters) =>
  `f.kind = 'global' and f.started_on <= $2::date and not coalesce(f.ended_on <= $2::date, false) and ${stock(p)}`;

/** The first contract (in the cycle's order) in force at the end of the period (facts.ts, contractInForceOn). */
const contractInForce = `f.kind = 'contract' and f.on_date <= $2::date and $2::date <= f.ends_on
  and not ${exists('k', 'contract', 'k.ordinal < f.ordinal and k.on_date <= $2::date and $2::date <= k.ends_on')}`;
const contractInForceExists = 'c.contract_in_force_at_end';

const activityWeek = `f.kind = 'week' and ${inPeriod('f.on_date')}`;
const invitationSent = `f.kind = 'invitation' and ${inPeriod('f.on_date')}`;
const actionEntered = `f.kind = 'prescription' and ${inPeriod('f.entered_on')}`;

/** Subject to rights and duties and oriented at the end of the period (drees). */
const subjectAtEndOf = (cycle: string) =>
  `${cycle}.entered_on <= $2::date and not coalesce(${cycle}.exited_on <= $2::date, false) ` +
  `and not coalesce(${cycle}.transferred_on <= $2::date, false)`;
const orientedAtEnd = `${subjectAtEndOf('c')} and c.oriented_by_end > 0`;

/** The suspensions figure (definitions.ts, suspensionsFigure) over those matching `kept`. */
const suspensions = (kept: string, withdrawn: boolean): SqlFigure => {
  const s = `f.kind = 'suspension' and ${kept}`;
  const aggregates: Record<string, string> = {
    decided: countWhere(`${s} and ${inPeriod('f.on_date')}`),
    in_progress: countWhere(
      `${s} and f.started_on <= $2::date and f.ends_on >= $2::date
       and not coalesce(f.lifted_on <= $2::date, false) and not coalesce(f.definitive_on <= $2::date, false)`,
    ),
    lifted_by_remobilisation: countWhere(`${s} and ${inPeriod('f.lifted_on')}`),
    made_definitive: countWhere(`${s} and ${inPeriod('f.definitive_on')}`),
    ...(withdrawn
      ? { withdrawn: countWhere(`f.kind = 'suspension' and ${inPeriod('f.withdrawn_on')}`) }
      : {}),
  };
  return {
    over: 'facts',
    aggregates,
    result: (r) => ({
      numerator: r.decided,
      denominator: null,
      value: r.decided,
      breakdown: Object.fromEntries(Object.keys(aggregates).map((k) => [k, r[k]!])),
    }),
  };
};

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
  'calpae.orientations_flow': {
    1: () => {
      const notified = `f.kind = 'orientation' and ${inPeriod('f.on_date')}`;
      return overFacts(
        withTally(count(notified), { flow: listWhere(`f.track || '/' || f.organisation_kind`, notified) }),
      );
    },
  },
  'calpae.global_accompaniment_orientations': {
    1: () => overFacts(count(`f.kind = 'global' and ${inPeriod('f.on_date')}`)),
  },
  'calpae.global_accompaniment_stock': {
    1: (p) => ({
      over: 'facts',
      aggregates: { n: `count(distinct c.parcours_id) filter (where ${globalInProgress(p)})` },
      result: (r) => ({ numerator: r.n, denominator: null, value: r.n }),
    }),
  },
  'calpae.global_accompaniment_persons_per_binome': {
    1: (p) => ({
      over: 'facts',
      aggregates: {
        persons: countWhere(globalInProgress(p)),
        binomes: `count(distinct f.binome_id) filter (where ${globalInProgress(p)})`,
      },
      result: (r) => ({
        numerator: r.persons,
        denominator: r.binomes,
        value: r.binomes ? r.persons! / r.binomes : null,
      }),
    }),
  },
  'calpae.global_accompaniment_days_to_start': {
    1: (p) => {
      const started = `f.kind = 'global' and ${inPeriod('f.started_on')}`;
      const figure = average('f.started_on - f.on_date', started);
      return {
        over: 'facts',
        aggregates: {
          ...figure.aggregates,
          within: countWhere(`${started} and f.started_on - f.on_date <= ${whole(p.globalStartTargetDays)}`),
        },
        result: (r, l) => ({
          ...figure.result(r, l),
          breakdown: { within_target: r.within!, started: r.n! },
        }),
      };
    },
  },
  'calpae.persons_in_accompaniment': {
    1: (p) => withTally(count(stock(p)), { flow: listWhere(trackAndOrganisationAtEnd, stock(p)) }),
    2: (p) =>
      withTally(count(latestInStock(p)), { flow: listWhere(trackAndOrganisationAtEnd, latestInStock(p)) }),
  },
  'reseau_emploi.public_description': {
    1: (p) =>
      withTally(
        count(stock(p)),
        {
          sex: listWhere('c.sex', stock(p)),
          age: listWhere(ageBandAtEnd, stock(p)),
          household: listWhere('c.household_type', stock(p)),
          seniority: listWhere(seniorityBandAtEnd, stock(p)),
          track: listWhere('c.track_at_end', stock(p)),
          territory: listWhere('c.territory', stock(p)),
        },
        true,
      ),
  },
  'reseau_emploi.reorientations': {
    1: (p) => {
      const move = `f.kind = 'orientation' and f.reorientation and f.ordinal > 1 and ${inPeriod('f.on_date')}`;
      return {
        over: 'facts',
        aggregates: {
          moves: countWhere(move),
          // Over the cycles joined to their facts: each accompanied cycle once.
          persons: `count(distinct c.parcours_id || ':' || c.cycle) filter (where ${accompanied(p)})`,
        },
        lists: { moved: listWhere(`f.previous_track || '->' || f.track`, move) },
        result: (r, l) => ({
          numerator: r.moves,
          denominator: r.persons,
          value: r.persons ? r.moves! / r.persons : null,
          breakdown: tally(l.moved),
        }),
      };
    },
  },
  'reseau_emploi.ruptures': {
    1: (p) => share(noRecentContact(p), oldEnoughInStock(p)),
    2: (p) => {
      const persons = (condition: string) => `count(distinct c.parcours_id) filter (where ${condition})`;
      const interrupted = `${interruptedWithoutFollowUp(p)} and ${personAccompanied(p)}`;
      const noContact = noRecentContact(p);
      return {
        aggregates: {
          accompanied: persons(accompanied(p)),
          ruptures: persons(`(${interrupted}) or (${noContact})`),
          interrupted: persons(interrupted),
          no_contact: persons(noContact),
        },
        result: (r) => ({
          numerator: r.ruptures,
          denominator: r.accompanied,
          value: r.accompanied ? r.ruptures! / r.accompanied : null,
          breakdown: { interrupted_without_follow_up: r.interrupted!, no_appointment: r.no_contact! },
        }),
      };
    },
  },
  'reseau_emploi.offer_prescribed': {
    1: (p) => accompaniedWith(p, 'c.prescribed_in_period'),
  },
  'reseau_emploi.offer_entered': {
    1: (p) => accompaniedWith(p, 'c.entered_action_in_period'),
  },
  'reseau_emploi.barrier_persistence': {
    1: () =>
      overFacts(
        share(
          `f.lifted_on is null or f.lifted_on > ${addMonths('f.on_date', 6)}`,
          `f.kind = 'barrier' and ${inPeriod(addMonths('f.on_date', 6))}`,
        ),
      ),
  },
  'reseau_emploi.employment_access': {
    1: (p) => accompaniedWith(p, 'c.employment_started_in_period'),
  },
  'reseau_emploi.in_employment_at_end': {
    1: (p) => accompaniedWith(p, 'c.employment_started_by_end'),
    2: (p) => accompaniedWith(p, 'c.employed_at_end'),
  },
  'reseau_emploi.weekly_hours_mean': { 1: () => overFacts(average('f.weekly_hours', contractInForce)) },
  'reseau_emploi.weekly_hours_target_share': {
    1: (p) => overFacts(share(`f.weekly_hours >= ${decimal(p.weeklyHoursTarget)}`, contractInForce)),
  },
  'reseau_emploi.activity_plan_15h_share': {
    1: (p) =>
      overFacts(
        share(
          `f.plan_set_on <= $2::date and f.weekly_hours >= ${decimal(p.weeklyHoursTarget)}`,
          contractInForce,
        ),
      ),
  },
  'reseau_emploi.activity_hours_planned_mean': {
    1: () => overFacts(average('f.weekly_hours', activityWeek)),
  },
  'reseau_emploi.activity_hours_planned_median': {
    1: () => overFacts(middle('f.weekly_hours', activityWeek)),
  },
  'reseau_emploi.activity_hours_done_mean': { 1: () => overFacts(average('f.hours', activityWeek)) },
  'reseau_emploi.activity_hours_done_median': { 1: () => overFacts(middle('f.hours', activityWeek)) },
  'reseau_emploi.activity_weeks_fully_done': {
    1: () => overFacts(share('f.hours >= f.weekly_hours', activityWeek)),
  },
  'reseau_emploi.invitation_response_rate': {
    1: (p) =>
      overFacts(share(`f.answered_on - f.on_date <= ${whole(p.invitationAnswerDays)}`, invitationSent)),
  },
  'reseau_emploi.invitation_response_days_mean': {
    1: () =>
      overFacts(average('f.answered_on - f.on_date', `${invitationSent} and f.answered_on is not null`)),
  },
  'reseau_emploi.no_show_after_convocation': {
    1: () =>
      overFacts(
        share(
          'f.missed_on is not null',
          `f.kind = 'convocation' and ${inPeriod('f.on_date')} and (f.held_on is not null or f.missed_on is not null)`,
        ),
      ),
  },
  'reseau_emploi.meetings_per_person_month': {
    1: (p) => ({
      aggregates: {
        held: `coalesce(sum(c.held_in_period) filter (where ${accompanied(p)}), 0)`,
        persons: countWhere(accompanied(p)),
        days: '($2::date - $1::date + 1)',
      },
      result: (r) => ({
        numerator: r.held,
        denominator: r.persons,
        value: r.persons ? r.held! / r.persons / (r.days! / 30.4375) : null,
      }),
    }),
  },
  'reseau_emploi.suspensions': {
    1: () => suspensions('true', false),
    2: () => suspensions('f.withdrawn_on is null', true),
  },
  'cie.action_beneficiaries': {
    1: () =>
      overFacts(withTally(count(actionEntered), { dispositif: listWhere('f.dispositif', actionEntered) })),
  },
  'cie.action_positive_outcome': {
    1: () =>
      overFacts(
        withTally(share('f.positive', actionEntered), {
          dispositif: listWhere('f.dispositif', `${actionEntered} and f.positive`),
        }),
      ),
  },
  'drees.oriented': {
    1: () =>
      withTally(
        share(orientedAtEnd, subjectAtEndOf('c')),
        {
          organisation: listWhere(
            `(case c.organisation_kind_at_end when 'france_travail' then 'france_travail'
              when 'departement' then 'departement' else 'other' end)`,
            orientedAtEnd,
          ),
          seniority: listWhere(seniorityBandAtEnd, orientedAtEnd),
          age: listWhere(ageBandAtEnd, orientedAtEnd),
          sex: listWhere('c.sex', orientedAtEnd),
          household: listWhere('c.household_type', orientedAtEnd),
        },
        true,
      ),
  },
  'drees.outside_france_travail_with_contract': {
    1: () =>
      share(contractInForceExists, `${orientedAtEnd} and c.organisation_kind_at_end <> 'france_travail'`),
  },
  'drees.orientation_to_contract_days_mean': {
    1: () =>
      average(
        'first_contract_signed_on - first_oriented_on',
        `${newEntrant} and first_oriented_on is not null and first_contract_signed_on is not null`,
      ),
  },
};

/** The definitions counted over rm_cycle_dates alone (no dated fact): faster in SQL than in Node. */
export const OVER_CYCLE_DATES = new Set([
  'calpae.new_entrants',
  'calpae.oriented_within_1_month',
  'calpae.entry_to_orientation_days_mean',
  'calpae.entry_to_orientation_days_median',
  'calpae.first_appointments_fixed',
  'calpae.first_appointments_within_2_weeks',
  'calpae.first_contracts',
  'calpae.first_contracts_within_2_months',
  'reseau_emploi.registration_to_contract_days_mean',
  'reseau_emploi.registration_to_contract_days_median',
  'equilibre.first_appointment_within_15_days',
  'equilibre.contract_rate',
  'equilibre.weekly_hours_respected',
  'equilibre.exits_within_12_months',
  'drees.subject_to_rights_and_duties',
  'drees.orientation_delay_days_mean',
  'drees.orientation_to_contract_days_mean',
]);

export const sqlDefinitionOf = (code: string, version: number): SqlDefinition | undefined =>
  SQL_DEFINITIONS[code]?.[version];
