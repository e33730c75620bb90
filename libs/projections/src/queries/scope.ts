/**
 * What part of the read models a caller may see: one référent's parcours, a
 * territoire, or everything. Built by the API from the caller's identity.
 */
export type ReadScope =
  { kind: 'referent'; referentId: string } | { kind: 'territory'; territory: string } | { kind: 'all' };

/** SQL condition restricting rows of a read model (with territory and referent_id columns) to a scope. */
export function scopeCondition(scope: ReadScope, params: unknown[], alias = ''): string {
  const col = (c: string) => (alias ? `${alias}.${c}` : c);
  if (scope.kind === 'all') return 'true';
  params.push(scope.kind === 'referent' ? scope.referentId : scope.territory);
  return `${col(scope.kind === 'referent' ? 'referent_id' : 'territory')} = $${params.length}`;
}

export interface Page {
  page: number;
  pageSize: number;
}

/** SQL text computing an échéance's status on date $n: the same rule as echeanceStatus(). */
export const statusSql = (dateParam: string, alias = 'e') => `case
  when ${alias}.met_on is not null and ${alias}.met_on <= ${dateParam}
    then (case when ${alias}.met_on <= ${alias}.due_on then 'met_on_time' else 'met_late' end)
  when ${alias}.cancelled_on is not null and ${alias}.cancelled_on <= ${dateParam} then 'cancelled'
  when ${dateParam} > ${alias}.due_on then 'overdue'
  when ${dateParam} >= ${alias}.warn_from then 'due_soon'
  else 'upcoming' end`;

/**
 * Conditions equivalent to `statusSql(date) = status` that an index on
 * due_on, met_on or warn_from can serve; added beside that test, never instead of it.
 */
export function statusRangeSql(status: string, dateParam: string, alias = 'e'): string {
  const c = (column: string) => `${alias}.${column}`;
  const pendingOn = `(${c('met_on')} is null or ${c('met_on')} > ${dateParam}) and (${c('cancelled_on')} is null or ${c(
    'cancelled_on',
  )} > ${dateParam})`;
  switch (status) {
    case 'overdue':
      return `${c('due_on')} < ${dateParam} and ${pendingOn}`;
    case 'due_soon':
      return `${c('due_on')} >= ${dateParam} and ${c('warn_from')} <= ${dateParam} and ${pendingOn}`;
    case 'upcoming':
      return `${c('warn_from')} > ${dateParam} and ${pendingOn}`;
    case 'met_on_time':
    case 'met_late':
      return `${c('met_on')} <= ${dateParam}`;
    case 'cancelled':
      return `${c('cancelled_on')} <= ${dateParam}`;
    default:
      return 'true';
  }
}
