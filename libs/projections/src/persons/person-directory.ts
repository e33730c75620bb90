import { createHmac } from 'node:crypto';
import { deterministicUuid } from '@parcours/runtime';
import { migrate, Migration, SqlClient } from '@parcours/event-store';
import { blindIndex, searchKeyFromEnvironment } from './person-index';

/** The CAF's key of a person: numéro allocataire and rank in the foyer. */
export interface CafKey {
  cafNumber: string;
  rank: number;
}

/** Namesakes flagged for one entry, at most: a human compares a few files, not every person of a common name. */
const MAX_CANDIDATES = 10;

const MIGRATIONS: Migration[] = [
  {
    id: 1,
    name: 'caf links and possible duplicates',
    sql: `
      create table caf_person_links (
        key_digest text primary key, parcours_id text not null, linked_at timestamptz not null default now()
      );
      create table possible_duplicates (
        parcours_id text not null, candidate_id text not null, found_at timestamptz not null default now(), confirmed boolean,
        primary key (parcours_id, candidate_id)
      );
    `,
  },
];

/**
 * Who a partner's message is about (one person, one parcours), on the blind
 * index of the read side and on the links kept between a CAF key and the
 * parcours it was matched to: a person who changes foyer keeps their parcours.
 * The inbound consumer's PersonDirectory port (libs/messaging).
 */
export class SqlPersonDirectory {
  private migrated?: Promise<unknown>;

  constructor(
    private readonly sql: SqlClient,
    private readonly key: string = searchKeyFromEnvironment(),
  ) {}

  private ready(): Promise<unknown> {
    this.migrated ??= migrate(this.sql, MIGRATIONS, 'person_directory_migrations').catch((error) => {
      this.migrated = undefined;
      throw error;
    });
    return this.migrated;
  }

  private keyDigest(key: CafKey): string {
    return createHmac('sha256', this.key)
      .update(`caf-link:${key.cafNumber.toUpperCase()}:${key.rank}`)
      .digest('base64url');
  }

  /** Parcours whose index holds every digest given (at most `limit`: namesakes are flagged, never all of a common name). */
  private async holding(digests: string[], limit = MAX_CANDIDATES): Promise<string[]> {
    try {
      const rows = await this.sql.query<{ parcours_id: string }>(
        `select parcours_id from rm_person_index where digest = any($1::text[]) group by ` +
          `parcours_id having count(*) = $2 order by parcours_id limit ${limit}`,
        [digests, digests.length],
      );
      return rows.map((r) => r.parcours_id);
    } catch (error) {
      // Before the first projection run the index does not exist: nobody is known yet.
      if ((error as { code?: string }).code === '42P01') return [];
      throw error;
    }
  }

  async match(
    person: CafKey & { nir?: string; lastName: string; firstName: string; birthDate: string },
  ): Promise<{ parcoursId?: string; sameNameAndBirth: string[] }> {
    await this.ready();
    const byNir = person.nir ? (await this.holding([blindIndex(this.key, 'nir', person.nir)]))[0] : undefined;
    const parcoursId = byNir ?? (await this.linkedTo(person));
    const sameNameAndBirth = parcoursId
      ? []
      : await this.holding([
          blindIndex(this.key, 'lastName', person.lastName),
          blindIndex(this.key, 'firstName', person.firstName),
          blindIndex(this.key, 'birthDate', person.birthDate),
        ]);
    return { parcoursId, sameNameAndBirth };
  }

  async linkedTo(key: CafKey): Promise<string | undefined> {
    await this.ready();
    const [row] = await this.sql.query<{ parcours_id: string }>(
      'select parcours_id from caf_person_links where key_digest = $1',
      [this.keyDigest(key)],
    );
    return row?.parcours_id ?? (await this.legacyParcours(key));
  }

  /** A parcours entered before links existed, under the plain-hash id of its CAF key. */
  private async legacyParcours(key: CafKey): Promise<string | undefined> {
    const id = deterministicUuid('caf-person', key.cafNumber, String(key.rank));
    try {
      return (await this.sql.query('select 1 from rm_portfolio where parcours_id = $1', [id])).length
        ? id
        : undefined;
    } catch (error) {
      if ((error as { code?: string }).code === '42P01') return undefined;
      throw error;
    }
  }

  async link(key: CafKey, parcoursId: string): Promise<void> {
    await this.ready();
    // The latest entry wins: a CAF key reused for another person (a new foyer) follows them.
    await this.sql.query(
      'insert into caf_person_links (key_digest, parcours_id) values ($1, $2) on ' +
        'conflict (key_digest) do update set parcours_id = excluded.parcours_id, ' +
        'linked_at = now()',
      [this.keyDigest(key), parcoursId],
    );
  }

  /** The pairs flagged, oldest first, with the names of the new parcours from the portfolio read model. */
  async flagged(page: { page: number; pageSize: number }) {
    await this.ready();
    const rows = await this.sql.query<{
      parcours_id: string;
      candidate_id: string;
      found_at: Date | string;
      last_name: string | null;
      first_name: string | null;
      total: number;
    }>(
      `select d.parcours_id, d.candidate_id, d.found_at, p.last_name, p.first_name, count(*) over ()::int as total
       from possible_duplicates d left join rm_portfolio p on p.parcours_id = d.parcours_id
       order by d.found_at, d.parcours_id, d.candidate_id limit $1 offset $2`,
      [page.pageSize, (page.page - 1) * page.pageSize],
    );
    return {
      items: rows.map((r) => ({
        parcoursId: r.parcours_id,
        candidateId: r.candidate_id,
        foundAt: new Date(r.found_at).toISOString(),
        lastName: r.last_name,
        firstName: r.first_name,
      })),
      total: rows.length ? Number(rows[0].total) : 0,
    };
  }

  async flag(parcoursId: string, candidates: string[]): Promise<void> {
    await this.ready();
    await this.sql.query(
      'insert into possible_duplicates (parcours_id, candidate_id) select $1, c from unnest($2::text[]) as c on conflict do nothing',
      [parcoursId, candidates.slice(0, MAX_CANDIDATES)],
    );
  }
}
