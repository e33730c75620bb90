import { SqlClient, sqlErrorCode } from './sql-client';

/**
 * Schema migrations, applied in order by the application at start-up.
 * Append new ones; never edit one that has shipped.
 */
export interface Migration {
  id: number;
  name: string;
  sql: string;
}

export const EVENT_STORE_MIGRATIONS: Migration[] = [
  {
    id: 1,
    name: 'event store',
    sql: `
      create table streams (
        stream_id text primary key,
        revision bigint not null
      );
      create table events (
        global_position bigserial primary key,
        -- The writing transaction, so that readers never pass a position that a
        -- transaction still running can fill (see SqlEventStore.readAll).
        transaction_id xid8 not null default pg_current_xact_id(),
        stream_id text not null,
        stream_revision bigint not null,
        event_id uuid not null unique,
        event_type text not null,
        data jsonb not null,
        metadata jsonb not null,
        recorded_at timestamptz not null default now(),
        unique (stream_id, stream_revision)
      );
      create index events_global_order on events (transaction_id, global_position);
    `,
  },
];

/**
 * Applies the migrations not yet applied, under an advisory lock so that two
 * processes starting together do not both migrate. Returns the ids applied.
 */
export async function migrate(
  client: SqlClient,
  migrations: Migration[],
  table = 'schema_migrations',
): Promise<number[]> {
  return client.transaction(async (tx) => {
    // The lock comes first: even "create table if not exists" races between two processes.
    await tx.query('select pg_advisory_xact_lock(hashtext(current_schema() || $1))', [table]);
    await tx.query(
      `create table if not exists ${table} (id int primary key, name text not null, applied_at timestamptz not null default now())`,
    );
    const done = new Set(
      (await tx.query<{ id: number }>(`select id from ${table}`)).map((r) => Number(r.id)),
    );
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.id)) continue;
      for (const statement of splitStatements(m.sql)) await tx.query(statement);
      await tx.query(`insert into ${table} (id, name) values ($1, $2)`, [m.id, m.name]);
      applied.push(m.id);
    }
    return applied;
  });
}

/** Whether every migration has been applied (readiness). */
export async function isMigrated(
  client: SqlClient,
  migrations: Migration[],
  table = 'schema_migrations',
): Promise<boolean> {
  try {
    const rows = await client.query<{ id: number }>(`select id from ${table}`);
    const done = new Set(rows.map((r) => Number(r.id)));
    return migrations.every((m) => done.has(m.id));
  } catch (error) {
    // Only a missing table means "not migrated"; an outage is an outage, said as such.
    if (sqlErrorCode(error) === '42P01') return false;
    throw error;
  }
}

/** Migrations are plain DDL: split on semicolons ending a line, dropping comment lines. */
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*\n/)
    .map((s) =>
      s
        .split('\n')
        .filter((line) => !line.trim().startsWith('--'))
        .join('\n')
        .trim(),
    )
    .filter((s) => s.length > 0);
}
