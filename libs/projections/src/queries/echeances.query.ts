import type { BusinessDate } from '@parcours/domain';
import type { SqlQueryable } from '@parcours/event-store';
import { Page, ReadScope, scopeCondition, statusRangeSql, statusSql } from './scope';

export interface EcheanceFilter {
  on: BusinessDate;
  territory?: string;
  organisation?: string;
  referent?: string;
  parcours?: string;
  status?: string;
  kind?: string;
  /** As known at the end of that day (the échéances' versions then); now when absent. */
  asOf?: BusinessDate;
}

/** Échéances as of a date, overdue first (the most late at the top), then the soonest due. */
export async function queryEcheances(
  sql: SqlQueryable,
  scope: ReadScope,
  filter: EcheanceFilter,
  page: Page,
) {
  const params: unknown[] = [filter.on];
  const where = ['e.starts_on <= $1::date', scopeCondition(scope, params, 'e')];
  for (const [column, value] of [
    ['territory', filter.territory],
    ['organisation_id', filter.organisation],
    ['referent_id', filter.referent],
    ['parcours_id', filter.parcours],
    ['kind', filter.kind],
  ] as const) {
    if (value !== undefined) {
      params.push(value);
      where.push(`e.${column} = $${params.length}`);
    }
  }
  if (filter.status) {
    params.push(filter.status);
    where.push(`${statusSql('$1::date')} = $${params.length}`, statusRangeSql(filter.status, '$1::date'));
  }
  if (filter.asOf) {
    params.push(filter.asOf);
    const asOf = `$${params.length}::date`;
    where.push(`e.known_from <= ${asOf} and (e.known_to is null or e.known_to > ${asOf})`);
  }
  const table = filter.asOf ? 'rm_echeance_versions' : 'rm_echeances';
  const from = `from ${table} e where ${where.join(' and ')}`;
  // With a status chosen, every row has it: the order is then the index's (due_on, id), and the page stops early.
  const order = filter.status
    ? 'e.due_on asc, e.id'
    : `(${statusSql('$1::date')} = 'overdue') desc, e.due_on asc, e.id`;
  // The page and the total are separate statements, run side by side: the page need not wait for every row to be counted.
  const [rows, [{ total }]] = await Promise.all([
    sql.query<Record<string, unknown>>(
      `select e.id, e.parcours_id, e.kind, e.cycle, e.territory, e.organisation_id, e.referent_id, e.starts_on::text, e.due_on::text,
              e.met_on::text, e.cancelled_on::text, e.parameters_version, ${statusSql('$1::date')} as status,
              ($1::date - e.due_on) as days_late
       ${from} order by ${order} limit $${params.length + 1} offset $${params.length + 2}`,
      [...params, page.pageSize, (page.page - 1) * page.pageSize],
    ),
    sql.query<{ total: number }>(`select count(*)::int as total ${from}`, params),
  ]);
  return {
    on: filter.on,
    ...(filter.asOf ? { asOf: filter.asOf } : {}),
    page: page.page,
    pageSize: page.pageSize,
    total,
    items: rows.map((r) => ({
      id: r.id,
      parcoursId: r.parcours_id,
      kind: r.kind,
      cycle: r.cycle,
      territory: r.territory,
      organisationId: r.organisation_id,
      referentId: r.referent_id,
      startsOn: r.starts_on,
      dueOn: r.due_on,
      metOn: r.met_on,
      cancelledOn: r.cancelled_on,
      status: r.status,
      daysLate: r.status === 'overdue' ? Number(r.days_late) : 0,
      parametersVersion: r.parameters_version,
    })),
  };
}
