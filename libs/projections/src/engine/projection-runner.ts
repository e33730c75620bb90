import type {
  EventStore,
  GlobalPosition,
  Leases,
  ReadAllResult,
  SqlClient,
  SqlQueryable,
} from '@parcours/event-store';
import {
  isTransientStoreError,
  migrate,
  Migration,
  quoteIdentifier,
  retryDelay,
} from '@parcours/event-store';
import { inEventSpans } from '@parcours/runtime';
import { liveTables, Projection, RebuildFold, rebuildTables, TableNames } from './projection';

/** A page of the log folded by a rebuild, with the writes it makes. */
interface FoldedPage {
  page: ReadAllResult;
  write: (tx: SqlQueryable) => Promise<void>;
}

/**
 * - `running`: moving with the log (or idle, caught up);
 * - `retrying`: the store failed on a passing error (outage, deadlock...): it tries again, waiting longer each time up to a cap;
 * - `failed`: stopped at an event its handler cannot fold, until `resume` after a fix;
 * - `upgrading`: its tables are of an older version: rebuilt from the log while the old ones serve;
 * - `stopped`: not run by this process.
 */
export type RunState = 'running' | 'retrying' | 'failed' | 'upgrading' | 'stopped';

export interface ProjectionStatus {
  name: string;
  status: RunState;
  position: GlobalPosition | null;
  eventsBehind: number;
  eventsProcessed: number;
  /** `failed`: the error it stopped on, with the event's id; `retrying`: the last passing error. */
  error: string | null;
  /** Attempts failed in a row while `retrying`. */
  retries: number;
  updatedAt: string | null;
}

export interface RunnerOptions {
  batchSize?: number;
  /** Events per transaction of a rebuild (larger: nobody waits on the shadow tables). */
  rebuildBatchSize?: number;
  idleMs?: number;
  /** Longest wait between two attempts while the store is unavailable. */
  maxRetryDelayMs?: number;
  log?: (message: string) => void;
  /** Shared with the other workers on the store: each projection is run by the one holding its lease. */
  leases?: Leases;
}

export interface RebuildOptions {
  /** Called after each batch with the events applied so far and those in the log when the rebuild began. */
  onProgress?: (done: number, total: number) => void;
}

/** No projection of that name. */
export class UnknownProjectionError extends Error {
  constructor(readonly projection: string) {
    super(`unknown projection: ${projection}`);
    this.name = 'UnknownProjectionError';
  }
}

/** A rebuild of that projection is already running in this process. */
export class ProjectionBusyError extends Error {
  constructor(readonly projection: string) {
    super(`projection ${projection} is being rebuilt`);
    this.name = 'ProjectionBusyError';
  }
}

/** The projection's handler could not fold an event: it is recorded as failed at that event. */
export class ProjectionStoppedError extends Error {
  constructor(
    readonly projection: string,
    message: string,
    /** What the handler threw. */
    readonly reason: unknown,
  ) {
    super(message);
    this.name = 'ProjectionStoppedError';
  }
}

interface CheckpointRow {
  name: string;
  position: string | null;
  status: string;
  error: string | null;
  events_processed: number;
  updated_at: string | null;
}

export const CHECKPOINTS = 'projection_checkpoints';

/** The runner's own tables. Append new ones; never edit one that has shipped. */
export const PROJECTION_MIGRATIONS: Migration[] = [
  {
    id: 1,
    name: 'projection checkpoints',
    sql: `create table if not exists ${CHECKPOINTS} (name text primary key, position text,
      status text not null default 'running', error text, events_processed bigint not null default 0,
      updated_at timestamptz);`,
  },
  {
    id: 2,
    name: 'projection versions',
    // Tables made before versions were recorded are version 0: rebuilt by the first start that knows better.
    sql: `alter table ${CHECKPOINTS} add column version int not null default 0;`,
  },
];

/** The tables of a projection are of a version this program does not know (a newer one wrote them). */
export class ProjectionVersionError extends Error {
  constructor(
    readonly projection: string,
    readonly tablesVersion: number,
    readonly codeVersion: number,
  ) {
    super(
      `projection ${projection}: its tables are at version ${tablesVersion}, this program knows ` +
        `version ${codeVersion}; run the newer program or rebuild them`,
    );
    this.name = 'ProjectionVersionError';
  }
}
/** A rebuild whose shadow checkpoint has not moved for this long is taken for dead (its process crashed). */
const REBUILD_STALE_SECONDS = 300;

/** The checkpoints of the named projections, as recorded (whichever process runs them). */
export async function readCheckpoints(sql: SqlClient, names: string[]): Promise<CheckpointRow[]> {
  return sql.query<CheckpointRow>(
    `select name, position, status, error, events_processed, updated_at::text as ` +
      `updated_at from ${CHECKPOINTS} where name = any($1::text[]) order by name`,
    [names],
  );
}

/** Events of the log after each position: one count per distinct position, since readers are mostly at the same place. */
export async function eventsAfter(
  store: EventStore,
  positions: (GlobalPosition | null)[],
): Promise<Map<GlobalPosition | null, number>> {
  const distinct = [...new Set(positions)];
  const counts = await Promise.all(distinct.map((p) => store.countAfter(p ?? undefined)));
  return new Map(distinct.map((p, i) => [p, counts[i]]));
}

/**
 * The status of the named projections read from their checkpoints only:
 * what a process that does not run them (the API beside a separate worker) can tell.
 */
export async function recordedProjectionStatus(
  sql: SqlClient,
  store: EventStore,
  names: string[],
): Promise<ProjectionStatus[]> {
  const rows = await readCheckpoints(sql, names);
  const behind = await eventsAfter(
    store,
    rows.map((r) => r.position),
  );
  return rows.map((r) => ({
    name: r.name,
    status: r.status === 'failed' ? 'failed' : 'running',
    position: r.position,
    eventsBehind: behind.get(r.position) ?? 0,
    eventsProcessed: Number(r.events_processed),
    error: r.error,
    retries: 0,
    updatedAt: r.updated_at,
  }));
}

const isIndex = (ddl: string): boolean => /^\s*create\s+(unique\s+)?index\b/i.test(ddl);
/** The table a `create index ... on <table>` statement indexes. */
const indexedTable = (ddl: string): string | undefined => /\son\s+"?([\w#]+)"?/i.exec(ddl)?.[1];

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Feeds projections from the event store's global stream. Each batch and its
 * checkpoint are written in one transaction, so a crash at any point neither
 * loses nor double-counts an event.
 *
 * Two kinds of failure, told apart by isTransientStoreError:
 * - the store is unavailable (connection refused or terminated, deadlock...):
 *   the loop retries the same batch, waiting longer each time up to a cap,
 *   for as long as it takes, and shows `retrying` with the last error;
 * - the projection's handler cannot fold an event: it stops at that event
 *   with its error recorded (`failed`, visible in status() and /ready); the
 *   event is never skipped. Its loop keeps watching the checkpoint, so
 *   `resume` (from this process, another one or the CLI) restarts it.
 */
export class ProjectionRunner {
  private readonly batchSize: number;
  private readonly rebuildBatchSize: number;
  private readonly idleMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly log: (message: string) => void;
  private running = false;
  private readonly loops = new Map<string, Promise<void>>();
  private readonly retrying = new Map<string, { retries: number; error: string }>();
  private readonly wakers = new Map<string, () => void>();
  private readonly rebuilding = new Set<string>();
  /** Projections whose live tables are of an older version (name → that version), until their upgrade swaps. */
  private readonly outdated = new Map<string, number>();
  private readonly tooNew = new Map<string, ProjectionVersionError>();
  private readonly leases?: Leases;

  constructor(
    private readonly store: EventStore,
    private readonly sql: SqlClient,
    readonly projections: Projection[],
    options: RunnerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.rebuildBatchSize = options.rebuildBatchSize ?? Math.max(this.batchSize, 2000);
    this.idleMs = options.idleMs ?? 200;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 5000;
    this.log = options.log ?? (() => undefined);
    this.leases = options.leases;
  }

  /** Whether this process is the one to run the projection now (always, without leases). */
  private async holds(name: string): Promise<boolean> {
    return this.leases ? this.leases.hold(`projection:${name}`) : true;
  }

  /**
   * Applies the runner's migrations and creates the live tables of every
   * projection seen for the first time. A projection whose tables are of an
   * older version keeps them serving and is marked for an upgrade: start()
   * rebuilds it into a new generation and swaps it in. Tables of a newer
   * version than the code's are left alone and that projection does not run.
   */
  async migrate(): Promise<void> {
    await migrate(this.sql, PROJECTION_MIGRATIONS, 'projection_migrations');
    await this.leases?.migrate();
    await this.sql.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock(hashtext(current_schema() || $1))', [CHECKPOINTS]);
      const versions = new Map(
        (await tx.query<{ name: string; version: number }>(`select name, version from ${CHECKPOINTS}`)).map(
          (r) => [r.name, Number(r.version)],
        ),
      );
      for (const p of this.projections) {
        const recorded = versions.get(p.name);
        if (recorded === undefined) {
          for (const ddl of p.schema(liveTables)) await tx.query(ddl);
          await tx.query(`insert into ${CHECKPOINTS} (name, version) values ($1, $2)`, [p.name, p.version]);
        } else if (recorded === p.version) {
          // Idempotent: a table or an index dropped by hand is made again.
          for (const ddl of p.schema(liveTables)) await tx.query(ddl);
        } else if (recorded < p.version) {
          this.outdated.set(p.name, recorded);
        } else if (recorded > p.version) {
          this.tooNew.set(p.name, new ProjectionVersionError(p.name, recorded, p.version));
        }
      }
    });
    for (const [name, recorded] of this.outdated)
      this.log(
        `projection ${name}: tables at version ${recorded}, rebuilt to version ${this.projection(name).version} at start`,
      );
    for (const error of this.tooNew.values()) this.log(error.message);
  }

  private projection(name: string): Projection {
    const p = this.projections.find((x) => x.name === name);
    if (!p) throw new UnknownProjectionError(name);
    return p;
  }

  private async checkpoint(name: string): Promise<CheckpointRow | undefined> {
    const [row] = await readCheckpoints(this.sql, [name]);
    return row;
  }

  /**
   * Processes one batch for a projection (or its rebuild); returns how many
   * events it applied. Throws ProjectionStoppedError when the projection's
   * handler throws (recorded as failed), or the store's error when the store failed.
   */
  async runBatch(
    projectionName: string,
    checkpointName = projectionName,
    t: TableNames = liveTables,
    maxCount = this.batchSize,
  ): Promise<number> {
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
        const [locked] = await tx.query<{ position: string | null }>(
          `select position from ${CHECKPOINTS} where name = $1 for update`,
          [checkpointName],
        );
        if ((locked?.position ?? null) !== (before.position ?? null)) return 0;
        // Traced for the live tables only: a rebuild would re-open every traced command's trace.
        const traced = t === liveTables ? page.events : [];
        await inEventSpans(`project ${checkpointName}`, traced, () => projection.apply(tx, page.events, t));
        await this.moveCheckpoint(tx, checkpointName, page.position, page.events.length);
        return page.events.length;
      });
    } catch (error) {
      // The store failed, not the handler: the same batch is tried again later, nothing is recorded.
      if (isTransientStoreError(error)) throw error;
      if (page.events.length > 1) {
        // Find the event at fault: apply the batch again one event at a time,
        // committing those before it, so the projection stops exactly there.
        let applied = 0;
        for (let i = 0; i < page.events.length; i++)
          applied += await this.runBatch(projectionName, checkpointName, t, 1);
        return applied;
      }
      const e = page.events[0];
      const message = `${messageOf(error)} (event ${e.id}, type ${e.type}, stream ${e.streamId}, position ${e.position})`;
      await this.sql.query(
        `update ${CHECKPOINTS} set status = 'failed', error = $2, updated_at = now() where name = $1`,
        [checkpointName, message],
      );
      this.log(`projection ${checkpointName} stopped: ${message}`);
      throw new ProjectionStoppedError(checkpointName, message, error);
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
    for (const p of this.projections) {
      if (this.tooNew.has(p.name)) continue;
      if (this.outdated.has(p.name)) this.startUpgrade(p.name);
      else this.startLoop(p.name);
    }
  }

  /**
   * Rebuilds an outdated projection, then runs it. The old tables serve (as
   * they stood) until the swap; another process upgrading it at the same time
   * makes this one wait and retry, and the loop starts once the version is current.
   */
  private startUpgrade(name: string): void {
    if (this.loops.has(name)) return;
    const upgrade = (async () => {
      let attempt = 0;
      while (this.running && this.outdated.has(name)) {
        try {
          if ((await this.recordedVersion(name)) >= this.projection(name).version) this.outdated.delete(name);
          else if (!(await this.holds(name))) await this.sleep(name, this.idleMs * 5);
          else await this.rebuild(name, () => !this.running);
        } catch (error) {
          attempt += 1;
          this.log(`projection ${name}: upgrade not done yet (${messageOf(error)}), trying again`);
          await this.sleep(name, retryDelay(attempt, this.idleMs * 5, this.maxRetryDelayMs * 6));
        }
      }
      this.loops.delete(name);
      if (this.running) this.startLoop(name);
    })();
    this.loops.set(name, upgrade);
  }

  /**
   * The page after `after`, read and folded by a rebuild's fold (undefined at the end of the log). Its
   * failure is seen when awaited: it may happen while nobody awaits it yet.
   */
  private foldAhead(fold: RebuildFold, after: GlobalPosition | null): Promise<FoldedPage | undefined> {
    const folded = (async () => {
      const page = await this.store.readAll({ after: after ?? undefined, maxCount: this.rebuildBatchSize });
      if (page.events.length === 0) return undefined;
      return { page, write: await fold.prepare(this.sql, page.events) };
    })();
    folded.catch(() => undefined);
    return folded;
  }

  /** Writes a folded batch and moves the checkpoint from `before`, in one transaction; 0 when it had moved. */
  private commitFolded(
    checkpointName: string,
    before: GlobalPosition | null,
    folded: FoldedPage,
  ): Promise<number> {
    return this.sql.transaction(async (tx) => {
      const [locked] = await tx.query<{ position: string | null; status: string }>(
        `select position, status from ${CHECKPOINTS} where name = $1 for update`,
        [checkpointName],
      );
      if (!locked || locked.status === 'failed' || (locked.position ?? null) !== before) return 0;
      // Nothing waits on a rebuild's commit being durable: one cut short by a crash starts again from the first event.
      await tx.query('set local synchronous_commit to off');
      await folded.write(tx);
      await this.moveCheckpoint(tx, checkpointName, folded.page.position, folded.page.events.length);
      return folded.page.events.length;
    });
  }

  private async moveCheckpoint(
    tx: SqlQueryable,
    name: string,
    position: GlobalPosition | undefined,
    events: number,
  ) {
    await tx.query(
      `update ${CHECKPOINTS} set position = $2, events_processed = events_processed + $3, updated_at = ` +
        `now(), error = null where name = $1`,
      [name, position, events],
    );
  }

  /** Tables side by side, each on a connection of its own: PostgreSQL works on them in parallel. */
  private async analyze(projection: Projection): Promise<void> {
    await Promise.all(
      projection.tables.map((table) => this.sql.query(`analyze ${quoteIdentifier(rebuildTables(table))}`)),
    );
  }

  /**
   * Once a rebuild's tables are full: their secondary indexes built (a bulk build, not one entry per row)
   * and analysed, each table on a connection of its own so that PostgreSQL works on them in parallel.
   */
  private async finishTables(projection: Projection): Promise<void> {
    const indexes = projection.schema(rebuildTables).filter(isIndex);
    await Promise.all(
      projection.tables.map(async (logical) => {
        const table = rebuildTables(logical);
        for (const ddl of indexes) if (indexedTable(ddl) === table) await this.sql.query(ddl);
        await this.sql.query(`analyze ${quoteIdentifier(table)}`);
      }),
    );
    // An index whose table was not recognised above is still built.
    for (const ddl of indexes)
      if (!projection.tables.some((t) => indexedTable(ddl) === rebuildTables(t))) await this.sql.query(ddl);
  }

  private async recordedVersion(name: string): Promise<number> {
    const [row] = await this.sql.query<{ version: number }>(
      `select version from ${CHECKPOINTS} where name = $1`,
      [name],
    );
    return Number(row?.version ?? 0);
  }

  private startLoop(name: string): void {
    if (this.loops.has(name)) return;
    const loop = this.loop(name).finally(() => this.loops.delete(name));
    this.loops.set(name, loop);
  }

  private async loop(name: string): Promise<void> {
    while (this.running) {
      let applied = 0;
      try {
        // Another worker holds it: wait, and take it over when its lease expires.
        if (!(await this.holds(name))) {
          await this.sleep(name, this.idleMs * 5);
          continue;
        }
        applied = await this.runBatch(name);
        const was = this.retrying.get(name);
        if (was) this.log(`projection ${name}: running again after ${was.retries} failed attempts`);
        this.retrying.delete(name);
      } catch (error) {
        if (!(error instanceof ProjectionStoppedError)) {
          // Anything but the handler's own failure is retried, never fatal: the loop must outlive an outage.
          const retries = (this.retrying.get(name)?.retries ?? 0) + 1;
          this.retrying.set(name, { retries, error: messageOf(error) });
          if (retries === 1)
            this.log(`projection ${name}: store unavailable, retrying (${messageOf(error)})`);
          await this.sleep(name, retryDelay(retries, this.idleMs, this.maxRetryDelayMs));
          continue;
        }
        // Recorded as failed: runBatch answers 0 until the checkpoint is resumed.
        this.retrying.delete(name);
      }
      if (applied === 0) await this.sleep(name, this.idleMs);
    }
  }

  private sleep(name: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wakers.get(name) === done) this.wakers.delete(name);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.set(name, done);
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const wake of [...this.wakers.values()]) wake();
    await Promise.all(this.loops.values());
    this.retrying.clear();
    // Handed over at once rather than at expiry.
    for (const p of this.projections) await this.leases?.release(`projection:${p.name}`);
  }

  /**
   * Clears a failure so that the projection resumes from its checkpoint (after
   * a fix). Its loop, if it runs in this process, starts again at once; one
   * running in another process sees the cleared checkpoint within its idle delay.
   */
  async resume(name: string): Promise<void> {
    this.projection(name);
    await this.sql.query(
      `update ${CHECKPOINTS} set status = 'running', error = null, updated_at = now() where name = $1`,
      [name],
    );
    if (!this.running) return;
    this.startLoop(name);
    this.wakers.get(name)?.();
  }

  async status(): Promise<ProjectionStatus[]> {
    const recorded = new Map(
      (
        await recordedProjectionStatus(
          this.sql,
          this.store,
          this.projections.map((p) => p.name),
        )
      ).map((s) => [s.name, s]),
    );
    return this.projections.map((p) => {
      const row = recorded.get(p.name);
      const retrying = this.running ? this.retrying.get(p.name) : undefined;
      const failed = row?.status === 'failed';
      return {
        name: p.name,
        status: failed ? 'failed' : this.runState(p.name, !!retrying),
        position: row?.position ?? null,
        eventsBehind: row?.eventsBehind ?? 0,
        eventsProcessed: row?.eventsProcessed ?? 0,
        error: failed ? (row?.error ?? null) : (this.tooNew.get(p.name)?.message ?? retrying?.error ?? null),
        retries: failed ? 0 : (retrying?.retries ?? 0),
        updatedAt: row?.updatedAt ?? null,
      };
    });
  }

  /** The state of a projection that is not failed, as this process runs it. */
  private runState(name: string, retrying: boolean): RunState {
    if (!this.running || this.tooNew.has(name)) return 'stopped';
    if (this.outdated.has(name)) return 'upgrading';
    return retrying ? 'retrying' : 'running';
  }

  /**
   * Rebuilds a projection from the first event into new tables while the live
   * ones keep serving, then swaps them in one transaction.
   */
  async rebuild(
    name: string,
    abandon: () => boolean = () => false,
    options: RebuildOptions = {},
  ): Promise<number> {
    const projection = this.projection(name);
    if (this.rebuilding.has(name)) throw new ProjectionBusyError(name);
    this.rebuilding.add(name);
    try {
      return await this.rebuildInto(projection, abandon, options);
    } finally {
      this.rebuilding.delete(name);
    }
  }

  private async rebuildInto(
    projection: Projection,
    abandon: () => boolean,
    { onProgress }: RebuildOptions,
  ): Promise<number> {
    const name = projection.name;
    const shadow = `${name}#rebuild`;
    await this.sql.transaction(async (tx) => {
      // Another process (a worker apart, a second API) may be rebuilding: its shadow checkpoint moves
      // at every batch. One rebuild at a time; a shadow left by a crash is taken over once it stands still.
      await tx.query('select pg_advisory_xact_lock(hashtext(current_schema() || $1))', [shadow]);
      const [running] = await tx.query(
        `select 1 from ${CHECKPOINTS} where name = $1 and status <> 'failed'
           and updated_at > now() - interval '${REBUILD_STALE_SECONDS} seconds'`,
        [shadow],
      );
      if (running) throw new ProjectionBusyError(name);
      for (const table of projection.tables)
        await tx.query(`drop table if exists ${quoteIdentifier(rebuildTables(table))}`);
      // Secondary indexes are built once the tables are full (a bulk build, not one entry per row). The
      // tables are logged while they fill: made unlogged, they had to be rewritten whole by `set logged`
      // at the end, which cost PostgreSQL about 10 % more than logging the rows as they come.
      for (const ddl of projection.schema(rebuildTables)) if (!isIndex(ddl)) await tx.query(ddl);
      await tx.query(`delete from ${CHECKPOINTS} where name = $1`, [shadow]);
      await tx.query(`insert into ${CHECKPOINTS} (name, updated_at) values ($1, now())`, [shadow]);
    });
    let total = 0;
    let batches = 0;
    // Counted only when someone watches the progress: the total it is shown against.
    const inLog = onProgress ? await this.store.countAfter(undefined) : 0;
    // Batches folded one ahead when the projection can: the next page is read and folded while PostgreSQL
    // writes the last one. At the first failure, that batch is done again the plain way (runBatch), which
    // retries or records the failure as usual, and so are the rest.
    let fold = projection.rebuildFold?.(rebuildTables, this.rebuildBatchSize);
    let position: GlobalPosition | null = null;
    let ahead = fold && this.foldAhead(fold, position);
    for (;;) {
      if (abandon()) {
        // Stopping (an upgrade at start-up cut short): the next start begins again, without waiting for this shadow to go stale.
        await this.sql.query(`delete from ${CHECKPOINTS} where name = $1`, [shadow]);
        throw new Error(`rebuild of ${name} abandoned: the runner is stopping`);
      }
      let n = 0;
      if (fold && ahead) {
        try {
          const folded = await ahead;
          ahead = undefined;
          if (folded) {
            const committed = this.commitFolded(shadow, position, folded);
            const next = folded.page.position ?? null;
            ahead = this.foldAhead(fold, next);
            n = await committed;
            position = next;
          }
        } catch (error) {
          fold = ahead = undefined;
          this.log(
            `projection ${name}: rebuild goes on batch by batch after ${position ?? 'the start'} (${messageOf(error)})`,
          );
          n = await this.runBatch(name, shadow, rebuildTables, this.rebuildBatchSize);
        }
      } else n = await this.runBatch(name, shadow, rebuildTables, this.rebuildBatchSize);
      if (n === 0) break;
      total += n;
      batches += 1;
      // Statistics of the new tables as they grow (after batches 1, 4, 16, 64...): without them,
      // PostgreSQL plans the fold's lookups by id as scans of what it thinks are empty tables.
      if ((batches & (batches - 1)) === 0 && Math.log2(batches) % 2 === 0) await this.analyze(projection);
      onProgress?.(total, Math.max(inLog, total));
    }
    await this.finishTables(projection);
    // Swap: the live checkpoint row is locked, so the live runner waits, then
    // continues from the rebuilt generation's position.
    await this.sql.transaction(async (tx) => {
      await tx.query(`select position from ${CHECKPOINTS} where name = $1 for update`, [name]);
      const [row] = await tx.query<{
        position: string | null;
        events_processed: number;
        status: string;
        error: string | null;
      }>(`select position, events_processed, status, error from ${CHECKPOINTS} where name = $1`, [shadow]);
      // Taken over by another process meanwhile (after standing still): that one swaps, not this one.
      if (!row) throw new ProjectionBusyError(name);
      // The rebuild stopped at an event it cannot fold: the live tables stay as they are.
      if (row.status === 'failed')
        throw new ProjectionStoppedError(name, row.error ?? 'rebuild failed', undefined);
      for (const table of projection.tables) {
        await tx.query(`drop table if exists ${quoteIdentifier(table)}`);
        await tx.query(
          `alter table ${quoteIdentifier(rebuildTables(table))} rename to ${quoteIdentifier(table)}`,
        );
        // Its indexes too: left under the shadow's names, the next rebuild's `create index if not
        // exists` would find them taken and build the new generation without any.
        const indexes = await tx.query<{ indexname: string }>(
          `select indexname from pg_indexes where schemaname = current_schema() and tablename = $1`,
          [table],
        );
        for (const { indexname } of indexes)
          if (indexname.startsWith(rebuildTables(table)))
            await tx.query(
              `alter index ${quoteIdentifier(indexname)} rename to ${quoteIdentifier(
                table + indexname.slice(rebuildTables(table).length),
              )}`,
            );
      }
      await tx.query(
        `update ${CHECKPOINTS} set position = $2, events_processed = $3, status = 'running', error = null, ` +
          `version = $4, updated_at = now() where name = $1`,
        [name, row.position, row.events_processed, projection.version],
      );
      await tx.query(`delete from ${CHECKPOINTS} where name = $1`, [shadow]);
    });
    this.outdated.delete(name);
    // Events that arrived after the rebuilt generation's last batch are applied by the live runner.
    this.log(`projection ${name} rebuilt from ${total} events (version ${projection.version})`);
    if (this.running) this.wakers.get(name)?.();
    return total;
  }
}
