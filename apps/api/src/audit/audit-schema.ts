import { migrate, Migration, SqlClient } from '@parcours/event-store';

/** The migrations of the audit of reads, tracked apart from the event store's (its own table, its own advisory lock). */
export const AUDIT_MIGRATIONS_TABLE = 'audit_schema_migrations';

/**
 * One row per read, with the parcours it returned as an array: a read is one
 * fact (who saw these lines at once), a 250-line portfolio costs one row and
 * not 250, and the GIN index answers "who read this parcours". Append-only:
 * update, delete and truncate are refused by the database itself, whatever
 * the client (the table's owner can still drop the trigger: revoke that in
 * production by running the API under a role that does not own the table).
 * A statement per line: migrate() splits on semicolons ending a line.
 */
export const AUDIT_MIGRATIONS: Migration[] = [
  {
    id: 1,
    name: 'audit of reads',
    sql: `
      create table audit_reads (
        id bigint generated always as identity primary key,
        read_at timestamptz not null,
        actor_sub text not null,
        actor_role text not null,
        organisation_id text,
        referent_id text,
        territory text,
        method text not null,
        route text not null,
        purpose text,
        parcours_ids text[] not null,
        recorded_at timestamptz not null default now()
      );
      create index audit_reads_parcours on audit_reads using gin (parcours_ids);
      create index audit_reads_actor on audit_reads (actor_sub, read_at, id);
      create index audit_reads_at on audit_reads (read_at, id);
      create function audit_reads_append_only() returns trigger language plpgsql as $$
        begin raise exception 'audit_reads is append-only: % refused', tg_op using errcode = 'P0001'; end $$;
      create trigger audit_reads_no_update_delete before update or delete on audit_reads
        for each row execute function audit_reads_append_only();
      create trigger audit_reads_no_truncate before truncate on audit_reads
        for each statement execute function audit_reads_append_only();
    `,
  },
];

export async function migrateAuditSchema(sql: SqlClient): Promise<number[]> {
  return migrate(sql, AUDIT_MIGRATIONS, AUDIT_MIGRATIONS_TABLE);
}
