import type { EventStore, GlobalPosition, SqlClient } from '@parcours/event-store';
import { quoteIdentifier } from '@parcours/event-store';
import { liveTables, Projection, rebuildTables, TableNames } from './projection';

export interface ProjectionStatus {
  name: string;
  status: 'running' | 'failed' | 'stopped';
  position: GlobalPosition | null;
  eventsBehind: number;
  eventsProcessed: number;
  error: string | null;
  updatedAt: string | null;
}

export interface RunnerOptions {
  batchSize?: number;
  idleMs?: number;
  log?: (message: string) => void;
}

interface CheckpointRow {
  position: string | null;
  status: string;
  error: string | null;
  events_processed: number;
  updated_at: string | null;
}

const CHECKPOINTS = 'projection_checkpoints';

/**
 * Feeds projections from the event store's global stream. Each batch and its
 * checkpoint are written in one transaction, so a crash at any point neither
 * loses nor double-counts an event. A projection whose handler throws stops
 * with its error recorded (visible in status() and /ready); it is never skipped.
 */
export class ProjectionRunner {
  private readonly batchSize: number;
  private readonly idleMs: number;
  private readonly log: (message: string) => void;
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly store: EventStore,
    private readonly sql: SqlClient,
    readonly projections: Projection[],
    options: RunnerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.idleMs = options.idleMs ?? 200;
    this.log = options.log ?? (() => undefined);
  }

  /** Creates the checkpoint table and every projection's live tables. */
  async migrate(): Promise<void> {
    await this.sql.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock(hashtext(current_schema() || $1))', [CHECKPOINTS]);
      await tx.query(
        `create table if not exists ${CHECKPOINTS} (
           name text primary key, position text, status text not null default 'running', error text,
           events_processed bigint not null default 0, updated_at timestamptz)`,
      );
      for (const p of this.projections) {
        for (const ddl of p.schema(liveTables)) await tx.query(ddl);
        await tx.query(`insert into ${CHECKPOINTS} (name) values ($1) on conflict (name) do nothing`, [p.name]);
      }
    });
  }

  private projection(name: string): Projection {
    const p = this.projections.find((x) => x.name === name);
    if (!p) throw new Error(`unknown projection: ${name}`);
    return p;
  }

  private async checkpoint(name: string): Promise<CheckpointRow | undefined> {
    const [row] = await this.sql.query<CheckpointRow>(
      `select position, status, error, events_processed, updated_at::text as updated_at from ${CHECKPOINTS} where name = $1`,
      [name],
    );
    return row;
  }

  /**
   * Processes one batch for a projection (or its rebuild); returns how many
   * events it applied. Throws when the projection's handler throws.
   */
  async runBatch(projectionName: string, checkpointName = projectionName, t: TableNames = liveTables, maxCount = this.batchSize): Promise<number> {
    const projection = this.projection(projectionName);
    const before = await this.checkpoint(checkpointName);
    if (!before) throw new Error(`no checkpoint ${checkpointName}`);
    if (before.status === 'failed') return 0;
    // Read outside the transaction (the embedded store shares one connection), then
    // check under the row lock that nobody moved the checkpoint meanwhile.
    const page = await this.store.readAll({ after: before.position ?? undefined, maxCount });
    if (page.events.length === 0) return 0;
    try {
      return await this.sql.transaction(async (tx) => {
        const [locked] = await tx.query<{ position: string | null }>(`select position from ${CHECKPOINTS} where name = $1 for update`, [checkpointName]);
        if ((locked?.position ?? null) !== (before.position ?? null)) return 0;
        await projection.apply(tx, page.events, t);
        await tx.query(
          `update ${CHECKPOINTS} set position = $2, events_processed = events_processed + $3, updated_at = now(), error = null where name = $1`,
          [checkpointName, page.position, page.events.length],
        );
        return page.events.length;
      });
    } catch (error) {
      if (page.events.length > 1) {
        // Find the event at fault: apply the batch again one event at a time,
        // committing those before it, so the projection stops exactly there.
        let applied = 0;
        for (let i = 0; i < page.events.length; i++) applied += await this.runBatch(projectionName, checkpointName, t, 1);
        return applied;
      }
      const e = page.events[0];
      const message = `${error instanceof Error ? error.message : String(error)} (event ${e.id}, type ${e.type}, stream ${e.streamId}, position ${e.position})`;
      await this.sql.query(`update ${CHECKPOINTS} set status = 'failed', error = $2, updated_at = now() where name = $1`, [checkpointName, message]);
      this.log(`projection ${checkpointName} stopped: ${message}`);
      throw error;
    }
  }

  /** Applies batches until the projection has caught up with the store. */
  async catchUp(projectionName: string): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.runBatch(projectionName);
      if (n === 0) return total;
      total += n;
    }
  }

  /** Runs every projection in the background until stop(). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loops = this.projections.map((p) => this.loop(p.name));
  }

  private async loop(name: string): Promise<void> {
    while (this.running) {
      let applied = 0;
      try {
        applied = await this.runBatch(name);
      } catch {
        return; // recorded as failed; a restart after the fix resumes from the checkpoint
      }
      if (applied === 0) await new Promise((r) => setTimeout(r, this.idleMs));
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    this.loops = [];
  }

  /** Clears a failure so that the projection resumes from its checkpoint (after a fix). */
  async resume(name: string): Promise<void> {
    await this.sql.query(`update ${CHECKPOINTS} set status = 'running', error = null where name = $1`, [name]);
  }

  async status(): Promise<ProjectionStatus[]> {
    const out: ProjectionStatus[] = [];
    for (const p of this.projections) {
      const row = await this.checkpoint(p.name);
      out.push({
        name: p.name,
        status: row?.status === 'failed' ? 'failed' : this.running ? 'running' : 'stopped',
        position: row?.position ?? null,
        eventsBehind: await this.store.countAfter(row?.position ?? undefined),
        eventsProcessed: Number(row?.events_processed ?? 0),
        error: row?.error ?? null,
        updatedAt: row?.updated_at ?? null,
      });
    }
    return out;
  }

  /**
   * Rebuilds a projection from the first event into new tables while the live
   * ones keep serving, then swaps them in one transaction.
   */
  async rebuild(name: string): Promise<number> {
    const projection = this.projection(name);
    const shadow = `${name}#rebuild`;
    await this.sql.transaction(async (tx) => {
      for (const table of projection.tables) await tx.query(`drop table if exists ${quoteIdentifier(rebuildTables(table))}`);
      for (const ddl of projection.schema(rebuildTables)) await tx.query(ddl);
      await tx.query(`delete from ${CHECKPOINTS} where name = $1`, [shadow]);
      await tx.query(`insert into ${CHECKPOINTS} (name) values ($1)`, [shadow]);
    });
    let total = 0;
    for (;;) {
      const n = await this.runBatch(name, shadow, rebuildTables);
      if (n === 0) break;
      total += n;
    }
    // Swap: the live checkpoint row is locked, so the live runner waits, then
    // continues from the rebuilt generation's position.
    await this.sql.transaction(async (tx) => {
      await tx.query(`select position from ${CHECKPOINTS} where name = $1 for update`, [name]);
      const [row] = await tx.query<{ position: string | null; events_processed: number }>(
        `select position, events_processed from ${CHECKPOINTS} where name = $1`,
        [shadow],
      );
      for (const table of projection.tables) {
        await tx.query(`drop table if exists ${quoteIdentifier(table)}`);
        await tx.query(`alter table ${quoteIdentifier(rebuildTables(table))} rename to ${quoteIdentifier(table)}`);
      }
      await tx.query(`update ${CHECKPOINTS} set position = $2, events_processed = $3, status = 'running', error = null, updated_at = now() where name = $1`, [
        name,
        row.position,
        row.events_processed,
      ]);
      await tx.query(`delete from ${CHECKPOINTS} where name = $1`, [shadow]);
    });
    // Events that arrived after the rebuilt generation's last batch are applied by the live runner.
    this.log(`projection ${name} rebuilt from ${total} events`);
    return total;
  }
}
