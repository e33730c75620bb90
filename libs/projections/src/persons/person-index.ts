import { createHmac } from 'node:crypto';
import { ParcoursEvent } from '@parcours/domain';
import type { RecordedEvent, SqlQueryable } from '@parcours/event-store';
import { Projection, TableNames } from '../engine/projection';
import { parcoursEventOf, parcoursIdOf } from '../parcours-view/fold';
import { Page, ReadScope, scopeCondition } from '../queries/scope';

/**
 * Finding a person without a clear-text index of names or NIR: each
 * searchable value is normalised (case, accents, punctuation) and stored as
 * a keyed hash (HMAC-SHA256 with the Département's search key), a "blind
 * index". A query is hashed the same way; the table alone tells nothing
 * without the key. Erasure deletes the person's rows.
 */

/** Only for local use and tests: a deployment sets PARCOURS_SEARCH_KEY (refused in production). */
export const DEVELOPMENT_SEARCH_KEY = 'parcours-development-search-key-do-not-use-in-production';

export function searchKeyFromEnvironment(env: NodeJS.ProcessEnv = process.env): string {
  const key = env.PARCOURS_SEARCH_KEY;
  if (env.NODE_ENV === 'production' && (!key || key === DEVELOPMENT_SEARCH_KEY))
    throw new Error('PARCOURS_SEARCH_KEY is required when NODE_ENV=production');
  if (key !== undefined && key.length < 32)
    throw new Error('PARCOURS_SEARCH_KEY must be at least 32 characters');
  return key || DEVELOPMENT_SEARCH_KEY;
}

/** Lower case, without accents, punctuation and repeated spaces: "Lefèvre-Saint Éloi" and "LEFEVRE SAINT-ELOI" are one. */
export function normaliseName(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export const SEARCH_FIELDS = ['lastName', 'firstName', 'birthDate', 'nir', 'cafNumber'] as const;
export type SearchField = (typeof SEARCH_FIELDS)[number];

export function blindIndex(key: string, field: SearchField, value: string): string {
  const normalised =
    field === 'lastName' || field === 'firstName' ? normaliseName(value) : value.trim().toUpperCase();
  return createHmac('sha256', key).update(`${field}:${normalised}`).digest('base64url').slice(0, 32);
}

/** The digests of what an event tells of the person, or 'erase' when the person's rows must go. */
function digestsOf(key: string, event: ParcoursEvent): string[] | 'erase' {
  switch (event.type) {
    case 'ParcoursEntered': {
      const { person, household } = event.data;
      if (person.erased) return [];
      const values: [SearchField, string | undefined][] = [
        ['lastName', person.lastName],
        ['firstName', person.firstName],
        ['birthDate', person.birthDate],
        ['nir', person.nir],
        ['cafNumber', household.cafNumber],
      ];
      return values.filter((v): v is [SearchField, string] => !!v[1]).map(([f, v]) => blindIndex(key, f, v));
    }
    case 'HouseholdChanged':
      return event.data.household.cafNumber
        ? [blindIndex(key, 'cafNumber', event.data.household.cafNumber)]
        : [];
    case 'PersonErased':
      return 'erase';
    default:
      return [];
  }
}

export function personIndexProjection(givenKey?: string): Projection {
  // Read when first needed, so that merely loading the projections asks nothing of the environment.
  let resolved = givenKey;
  const keyOf = () => (resolved ??= searchKeyFromEnvironment());
  return {
    name: 'person-index',
    version: 1,
    tables: ['rm_person_index'],
    schema: (t: TableNames) => [
      `create table if not exists ${t('rm_person_index')} (parcours_id text not null, digest text not null, primary key (parcours_id, ` +
        `digest))`,
      `create index if not exists ${t('rm_person_index')}_digest on ${t('rm_person_index')} (digest)`,
    ],
    async apply(tx: SqlQueryable, events: RecordedEvent[], t: TableNames): Promise<void> {
      const added: { parcours_id: string; digest: string }[] = [];
      const erased: string[] = [];
      for (const e of events) {
        const parcoursId = parcoursIdOf(e.streamId);
        if (!parcoursId) continue;
        const digests = digestsOf(keyOf(), parcoursEventOf(e, parcoursId));
        if (digests === 'erase') {
          erased.push(parcoursId);
          for (let i = added.length - 1; i >= 0; i--)
            if (added[i].parcours_id === parcoursId) added.splice(i, 1);
        } else {
          for (const digest of digests) added.push({ parcours_id: parcoursId, digest });
        }
      }
      if (erased.length)
        await tx.query(`delete from ${t('rm_person_index')} where parcours_id = any($1::text[])`, [erased]);
      if (added.length) {
        await tx.query(
          `insert into ${t('rm_person_index')}
           select * from jsonb_populate_recordset(null::${t('rm_person_index')}, $1::jsonb) on conflict do nothing`,
          [JSON.stringify(added)],
        );
      }
    },
  };
}

export type PersonQuery = Partial<Record<SearchField, string>>;

export interface PersonMatch {
  parcoursId: string;
  lastName: string;
  firstName: string;
  territory: string;
  status: string;
  referentId: string | null;
}

/** The parcours whose person matches every criterion given, within the caller's scope; names from the portfolio read model. */
export async function searchPersons(
  sql: SqlQueryable,
  key: string,
  query: PersonQuery,
  scope: ReadScope,
  page: Page,
): Promise<{ items: PersonMatch[]; total: number }> {
  const digests = SEARCH_FIELDS.filter((f) => query[f]).map((f) => blindIndex(key, f, query[f]!));
  if (!digests.length) return { items: [], total: 0 };
  const params: unknown[] = [digests, digests.length];
  const scoped = scopeCondition(scope, params, 'p');
  params.push(page.pageSize, (page.page - 1) * page.pageSize);
  const rows = await sql.query<{
    parcours_id: string;
    last_name: string;
    first_name: string;
    territory: string;
    status: string;
    referent_id: string | null;
    total: number;
  }>(
    `with matched as (select parcours_id from rm_person_index where digest = any($1::text[]) group by parcours_id having count(*) = $2)
     select p.parcours_id, p.last_name, p.first_name, p.territory, p.status, p.referent_id, count(*) over ()::int as total
     from matched m join rm_portfolio p on p.parcours_id = m.parcours_id
     where ${scoped}
     order by p.last_name, p.first_name, p.parcours_id
     limit $${params.length - 1} offset $${params.length}`,
    params,
  );
  return {
    items: rows.map((r) => ({
      parcoursId: r.parcours_id,
      lastName: r.last_name,
      firstName: r.first_name,
      territory: r.territory,
      status: r.status,
      referentId: r.referent_id,
    })),
    total: rows.length ? Number(rows[0].total) : 0,
  };
}
