import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { migrate, Migration, SqlClient } from '@parcours/event-store';
import { SQL } from '@parcours/runtime';
import { createHash } from 'node:crypto';
import { Problem } from '../problem';

/** The migrations of the idempotency keys, tracked apart from the event store's (their own table, their own advisory lock). */
export const IDEMPOTENCY_KEYS_MIGRATIONS_TABLE = 'idempotency_key_migrations';

/**
 * Migration 1 is the table as it was first created (`if not exists`): a
 * database that already has it passes. Append new ones; never edit one that has shipped.
 */
export const IDEMPOTENCY_KEYS_MIGRATIONS: Migration[] = [
  {
    id: 1,
    name: 'idempotency keys',
    sql: `
      create table if not exists idempotency_keys (
        actor text not null, key text not null, fingerprint text not null, created_at timestamptz not null default now(),
        primary key (actor, key)
      );
    `,
  },
];

/** JSON with object keys sorted at every level, so that the same request always gives the same text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * What a request asks, whatever its key order: the target parcours (none for
 * an entry) and the command with its type, path ids and body.
 */
export function requestFingerprint(parcoursId: string | undefined, command: object): string {
  return createHash('sha256')
    .update(canonical({ parcoursId: parcoursId ?? null, command }))
    .digest('hex');
}

export const keyReused = () =>
  new Problem({
    statusCode: 422,
    code: 'IDEMPOTENCY_KEY_REUSED',
    message: "Cette clé d'idempotence a déjà servi pour une autre requête : utilisez une nouvelle clé.",
    field: 'Idempotency-Key',
  });

/**
 * An Idempotency-Key names one request of one caller: the first request that
 * uses it binds it to its fingerprint, and a different request under the same
 * key is refused instead of being answered with the first one's result (and
 * silently lost). The binding lives beside the read models; the events'
 * metadata carry the fingerprint too, so a replay is recognised from the log alone.
 */
@Injectable()
export class IdempotencyKeys implements OnModuleInit {
  constructor(@Inject(SQL) private readonly sql: SqlClient) {}

  async onModuleInit(): Promise<void> {
    // Under migrate()'s advisory lock: the API and a worker may start together.
    await migrate(this.sql, IDEMPOTENCY_KEYS_MIGRATIONS, IDEMPOTENCY_KEYS_MIGRATIONS_TABLE);
  }

  /** Binds the key to this request; throws 422 IDEMPOTENCY_KEY_REUSED when it is bound to another. */
  async claim(actor: string, key: string, fingerprint: string): Promise<void> {
    // The first use of a key (the common case) costs one statement; only a key seen before is read back.
    const inserted = await this.sql.query(
      `insert into idempotency_keys (actor, key, fingerprint) values ($1, $2, $3) on conflict (actor, key) do nothing returning 1`,
      [actor, key, fingerprint],
    );
    if (inserted.length) return;
    const [row] = await this.sql.query<{ fingerprint: string }>(
      `select fingerprint from idempotency_keys where actor = $1 and key = $2`,
      [actor, key],
    );
    if (row && row.fingerprint !== fingerprint) throw keyReused();
  }

  /** Frees a key whose request recorded nothing (refused by a rule), so that a corrected request may use it. */
  async release(actor: string, key: string, fingerprint: string): Promise<void> {
    await this.sql.query(`delete from idempotency_keys where actor = $1 and key = $2 and fingerprint = $3`, [
      actor,
      key,
      fingerprint,
    ]);
  }
}
