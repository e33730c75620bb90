import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { migrate, Migration } from './migrations';
import type { SqlClient } from './sql-client';

const LEASE_MIGRATIONS: Migration[] = [
  {
    id: 1,
    name: 'worker leases',
    sql: `create table worker_leases (
      name text primary key,
      holder text not null,
      expires_at timestamptz not null
    )`,
  },
];

/**
 * Leases on background work (a projection, the relay): several worker
 * processes on one store share it out, each piece run by one of them at a
 * time, and a piece whose holder died (no renewal before `ttlMs`) is taken
 * over by another. The work itself stays safe without them (each batch
 * checks its checkpoint under a row lock); leases spare the work done twice.
 */
export class Leases {
  /** This process, as the table names it: host, pid and a random suffix (a restarted pid is another holder). */
  readonly holder = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly heldUntil = new Map<string, number>();

  constructor(
    private readonly sql: SqlClient,
    private readonly ttlMs = 15_000,
    private readonly now: () => number = Date.now,
  ) {}

  async migrate(): Promise<void> {
    await migrate(this.sql, LEASE_MIGRATIONS, 'lease_migrations');
  }

  /**
   * Takes or renews the lease of `name`; true when this process holds it. A
   * lease held is renewed once a third of its time has gone by, not at each call.
   */
  async hold(name: string): Promise<boolean> {
    const until = this.heldUntil.get(name);
    if (until !== undefined && this.now() < until - (this.ttlMs * 2) / 3) return true;
    const rows = await this.sql.query<{ holder: string }>(
      `insert into worker_leases (name, holder, expires_at) values ($1, $2, now() + $3 * interval '1 millisecond')
       on conflict (name) do update set holder = excluded.holder, expires_at = excluded.expires_at
         where worker_leases.holder = excluded.holder or worker_leases.expires_at < now()
       returning holder`,
      [name, this.holder, this.ttlMs],
    );
    const held = rows.length === 1;
    if (held) this.heldUntil.set(name, this.now() + this.ttlMs);
    else this.heldUntil.delete(name);
    return held;
  }

  /** Gives the lease up at once (a clean stop): another process takes the work without waiting for it to expire. */
  async release(name: string): Promise<void> {
    this.heldUntil.delete(name);
    await this.sql
      .query('delete from worker_leases where name = $1 and holder = $2', [name, this.holder])
      .catch(() => undefined);
  }

  /** Who holds each lease now (expired ones left out). */
  async holders(): Promise<Record<string, string>> {
    const rows = await this.sql.query<{ name: string; holder: string }>(
      'select name, holder from worker_leases where expires_at >= now()',
    );
    return Object.fromEntries(rows.map((r) => [r.name, r.holder]));
  }
}
