import type { Role } from '@parcours/auth';
import type { BusinessDate } from '@parcours/domain';
import type { SqlQueryable } from '@parcours/event-store';
import type { Page } from '@parcours/projections';

/** One recorded read of personal data: who, when, through which route, why, and which parcours it returned. */
export interface AuditRecord {
  id: number;
  /** When the read was answered (ISO 8601, UTC). */
  readAt: string;
  actor: { sub: string; role: Role; organisationId?: string; referentId?: string; territory?: string };
  method: string;
  /** The route pattern (`/api/parcours/:id`), never the URL with its values. */
  route: string;
  /** The X-Purpose code the caller gave, if any. */
  purpose?: string;
  parcoursIds: string[];
}

export interface AuditFilter {
  parcoursId?: string;
  /** The `sub` of the caller's token. */
  actor?: string;
  /** Business dates (Europe/Paris), both included. */
  from?: BusinessDate;
  to?: BusinessDate;
}

const COLUMNS =
  'id, read_at, actor_sub, actor_role, organisation_id, referent_id, territory, method, route, purpose, parcours_ids';

type Row = {
  id: number | string;
  read_at: Date | string;
  actor_sub: string;
  actor_role: Role;
  organisation_id: string | null;
  referent_id: string | null;
  territory: string | null;
  method: string;
  route: string;
  purpose: string | null;
  parcours_ids: string[];
};

const orUndefined = (v: string | null) => v ?? undefined;

function toRecord(r: Row): AuditRecord {
  const actor: AuditRecord['actor'] = { sub: r.actor_sub, role: r.actor_role };
  if (r.organisation_id !== null) actor.organisationId = r.organisation_id;
  if (r.referent_id !== null) actor.referentId = r.referent_id;
  if (r.territory !== null) actor.territory = r.territory;
  return {
    id: Number(r.id),
    readAt: new Date(r.read_at).toISOString(),
    actor,
    method: r.method,
    route: r.route,
    purpose: orUndefined(r.purpose),
    parcoursIds: r.parcours_ids,
  };
}

/**
 * Every recorded read of one parcours, oldest first: for the access report of
 * the person. `parcoursIds` is narrowed to this parcours, so that a report
 * never names the other persons of the same portfolio page.
 * Reads of the last instants may still be in the API's buffer: call
 * AuditTrail.flush() first to include them.
 */
export async function auditOfParcours(sql: SqlQueryable, parcoursId: string): Promise<AuditRecord[]> {
  const rows = await sql.query<Row>(
    `select ${COLUMNS} from audit_reads where parcours_ids @> array[$1]::text[] order by read_at, id`,
    [parcoursId],
  );
  return rows.map((r) => ({ ...toRecord(r), parcoursIds: [parcoursId] }));
}

/** The audit as the DPO reads it: filtered, oldest first (pages stay put while reads are appended), paged. */
export async function queryAudit(sql: SqlQueryable, filter: AuditFilter, page: Page) {
  const params: unknown[] = [];
  const where: string[] = [];
  const add = (condition: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(condition(`$${params.length}`));
  };
  if (filter.parcoursId !== undefined) add((p) => `parcours_ids @> array[${p}]::text[]`, filter.parcoursId);
  if (filter.actor !== undefined) add((p) => `actor_sub = ${p}`, filter.actor);
  // Days of the Département's calendar, as every business date.
  if (filter.from !== undefined)
    add((p) => `read_at >= (${p}::date)::timestamp at time zone 'Europe/Paris'`, filter.from);
  if (filter.to !== undefined)
    add((p) => `read_at < (${p}::date + 1)::timestamp at time zone 'Europe/Paris'`, filter.to);
  params.push(page.pageSize, (page.page - 1) * page.pageSize);
  const rows = await sql.query<Row & { total: number }>(
    `select ${COLUMNS}, count(*) over ()::int as total from audit_reads
     ${where.length ? `where ${where.join(' and ')}` : ''}
     order by read_at, id
     limit $${params.length - 1} offset $${params.length}`,
    params,
  );
  return {
    page: page.page,
    pageSize: page.pageSize,
    total: rows.length ? Number(rows[0].total) : 0,
    items: rows.map(toRecord),
  };
}
