import { randomBytes } from 'node:crypto';
import { migrate, Migration } from '../sql/migrations';
import { SqlClient, SqlQueryable } from '../sql/sql-client';
import { MasterKey } from './master-key';

const PRIVACY_MIGRATIONS: Migration[] = [
  {
    id: 1,
    name: 'person keys and erasures',
    sql: `
      create table person_keys (
        subject text primary key, wrapped_key text not null, created_at timestamptz not null default now()
      );
      create table person_erasures (
        subject text primary key, erased_at timestamptz not null default now(), reason text not null, actor text not null
      );
    `,
  },
];

/**
 * One data key per person (a parcours), wrapped by the master key, kept in
 * the database of the events. Erasure deletes the key: the person's sealed
 * fields can no longer be read anywhere, while the events stay.
 */
export class PersonKeys {
  private migrated?: Promise<void>;

  constructor(
    private readonly sql: SqlClient,
    private readonly master: MasterKey,
  ) {}

  migrate(): Promise<void> {
    this.migrated ??= migrate(this.sql, PRIVACY_MIGRATIONS, 'privacy_migrations')
      .then(() => undefined)
      .catch((error) => {
        this.migrated = undefined;
        throw error;
      });
    return this.migrated;
  }

  /** The person's key, created on the first personal data written; never recreated once erased. */
  async keyFor(subject: string): Promise<Buffer> {
    await this.migrate();
    const existing = (await this.keysOf([subject])).get(subject);
    if (existing) return existing;
    const erased = await this.sql.query('select 1 from person_erasures where subject = $1', [subject]);
    if (erased.length) throw new PersonErasedError(subject);
    const wrapped = await this.master.wrap(randomBytes(32));
    // Two writers may race on a new person: the first key stored wins, both use it.
    await this.sql.query(
      'insert into person_keys (subject, wrapped_key) values ($1, $2) on conflict (subject) do nothing',
      [subject, wrapped],
    );
    const stored = (await this.keysOf([subject])).get(subject);
    if (!stored) throw new PersonErasedError(subject);
    return stored;
  }

  /** The keys of the persons that still have one (an erased person has none). */
  async keysOf(subjects: string[], db: SqlQueryable = this.sql): Promise<Map<string, Buffer>> {
    await this.migrate();
    const keys = new Map<string, Buffer>();
    if (!subjects.length) return keys;
    const rows = await db.query<{ subject: string; wrapped_key: string }>(
      'select subject, wrapped_key from person_keys where subject = any($1::text[])',
      [[...new Set(subjects)]],
    );
    for (const r of rows) keys.set(r.subject, await this.master.unwrap(r.wrapped_key));
    return keys;
  }

  /** Destroys the key (crypto-shredding) and records when, why and by whom; returns false when already erased. */
  async erase(subject: string, reason: string, actor: string): Promise<boolean> {
    await this.migrate();
    return this.sql.transaction(async (tx) => {
      await tx.query('delete from person_keys where subject = $1', [subject]);
      const inserted = await tx.query(
        'insert into person_erasures (subject, reason, actor) values ($1, $2, $3) on conflict (subject) do nothing returning subject',
        [subject, reason, actor],
      );
      return inserted.length > 0;
    });
  }

  async isErased(subject: string): Promise<boolean> {
    await this.migrate();
    return (await this.sql.query('select 1 from person_erasures where subject = $1', [subject])).length > 0;
  }
}

/** Personal data written for a person whose key was destroyed: refused. */
export class PersonErasedError extends Error {
  readonly code = 'PERSON_ERASED';
  constructor(readonly subject: string) {
    super(`the personal data of ${subject} were erased`);
  }
}
