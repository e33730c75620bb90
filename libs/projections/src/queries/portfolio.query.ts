import type { BusinessDate } from '@parcours/domain';
import type { SqlQueryable } from '@parcours/event-store';
import { Page, ReadScope, scopeCondition, statusSql } from './scope';

/** Neither met nor cancelled on the date (an échéance that ends by itself, like the post-exit accompaniment, is met on its due date). */
const PENDING = "('upcoming', 'due_soon', 'overdue')";

export const PORTFOLIO_SORTS = ['overdue', 'name', 'track', 'next_appointment', 'contract_end'] as const;
export type PortfolioSort = (typeof PORTFOLIO_SORTS)[number];

export interface PortfolioFilter {
  referentId: string;
  track?: string;
  status?: string;
  /** Only parcours with at least one overdue échéance. */
  overdueOnly?: boolean;
  sort: PortfolioSort;
  on: BusinessDate;
}

const ORDER: Record<PortfolioSort, string> = {
  // A supervisor or a référent wants the late cases first, then the soonest due.
  overdue: 'overdue desc, next_due_on asc nulls last, last_name, first_name',
  name: 'last_name, first_name',
  track: 'track nulls first, last_name, first_name',
  next_appointment: 'next_appointment_on asc nulls last, last_name',
  contract_end: 'contract_ends_on asc nulls last, last_name',
};

/** A référent's portfolio: one line per parcours they follow, with its open échéances as of a date. */
export async function queryPortfolio(
  sql: SqlQueryable,
  scope: ReadScope,
  filter: PortfolioFilter,
  page: Page,
) {
  const params: unknown[] = [filter.on, filter.referentId];
  const where = [
    'p.referent_id = $2',
    `p.status in ('in_rsa', 'exited')`,
    scopeCondition(scope, params, 'p'),
  ];
  if (filter.track) {
    params.push(filter.track);
    where.push(`p.track = $${params.length}`);
  }
  if (filter.status) {
    params.push(filter.status);
    where.push(`p.status = $${params.length}`);
  }
  const overdueOnly = filter.overdueOnly ? 'where overdue > 0' : '';
  params.push(page.pageSize, (page.page - 1) * page.pageSize);
  // The counts that order the lines are computed for every line of the portfolio, in one pass over
  // each parcours's échéances; the list of open échéances only for the page shown.
  const rows = await sql.query<Record<string, unknown>>(
    `with lines as (
       select p.*, a.overdue, a.next_due_on
       from rm_portfolio p
       left join lateral (
         select (count(*) filter (where e.starts_on <= $1::date and ${statusSql('$1::date')} = 'overdue'))::int as overdue,
                (min(e.due_on) filter (where ${statusSql('$1::date')} in ${PENDING}))::text as next_due_on
         from rm_echeances e where e.parcours_id = p.parcours_id) a on true
       where ${where.join(' and ')}),
     page as (
       select *, count(*) over ()::int as total from lines ${overdueOnly}
       order by ${ORDER[filter.sort]}
       limit $${params.length - 1} offset $${params.length})
     select parcours_id, last_name, first_name, track, organisation_id, status, cycle, entered_on::text, oriented_on::text,
            contract_status, contract_ends_on::text, last_held_on::text, next_appointment_on::text, open_breaches,
            sanction_in_progress, open_barriers, overdue,
            -- Read through the row's JSON: tables of an older projection version, which serve while the new
            -- ones are built, have no such column yet.
            coalesce((to_jsonb(p) ->> 'activity_short_weeks')::int, 0) as activity_short_weeks,
            (select coalesce(jsonb_agg(jsonb_build_object('id', e.id, 'kind', e.kind, 'dueOn', e.due_on::text,
                       'status', ${statusSql('$1::date')}) order by e.due_on), '[]'::jsonb)
               from rm_echeances e where e.parcours_id = p.parcours_id and e.starts_on <= $1::date
                and ${statusSql('$1::date')} in ${PENDING}) as echeances,
            total
     from page p
     order by ${ORDER[filter.sort]}`,
    params,
  );
  const total = rows.length ? Number(rows[0].total) : 0;
  return {
    referentId: filter.referentId,
    on: filter.on,
    page: page.page,
    pageSize: page.pageSize,
    total,
    items: rows.map(
      ({
        total: _,
        parcours_id,
        last_name,
        first_name,
        organisation_id,
        entered_on,
        oriented_on,
        contract_status,
        contract_ends_on,
        last_held_on,
        next_appointment_on,
        open_breaches,
        sanction_in_progress,
        open_barriers,
        activity_short_weeks,
        ...rest
      }) => ({
        parcoursId: parcours_id,
        lastName: last_name,
        firstName: first_name,
        organisationId: organisation_id,
        enteredOn: entered_on,
        orientedOn: oriented_on,
        contract: { status: contract_status, endsOn: contract_ends_on },
        lastHeldAppointmentOn: last_held_on,
        nextAppointmentOn: next_appointment_on,
        openBreaches: open_breaches,
        sanctionInProgress: sanction_in_progress,
        openBarriers: open_barriers,
        activityShortWeeks: activity_short_weeks,
        ...rest,
      }),
    ),
  };
}
