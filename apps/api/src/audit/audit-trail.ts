import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnModuleInit,
  Optional,
} from '@nestjs/common';
import type { Identity } from '@parcours/auth';
import { isTransientStoreError, retryDelay, SqlClient } from '@parcours/event-store';
import { SQL } from '@parcours/runtime';
import { Problem } from '@parcours/application';
import { migrateAuditSchema } from './audit-schema';

/** One read of personal data, as the interceptor sees it. */
export interface AuditedRead {
  at: Date;
  who: Identity;
  method: string;
  route: string;
  purpose?: string;
  parcoursIds: string[];
}

export interface AuditTrailOptions {
  /** A read waits at most this long in memory before it is written. */
  flushIntervalMs: number;
  /** Reads written by one insert; the buffer is written at once when it holds that many. */
  batchSize: number;
  /**
   * Parcours ids held in memory at most (a read weighs its id count, at least 1):
   * beyond, reads answer 503 STORE_UNAVAILABLE rather than go unrecorded.
   */
  capacity: number;
  /** At shutdown, how long to keep trying to write what is left. */
  shutdownTimeoutMs: number;
}

export const AUDIT_TRAIL_OPTIONS = Symbol('AUDIT_TRAIL_OPTIONS');

/** 100 000 ids are a few megabytes; at 500 reads/s of 20 lines, ten seconds of outage. */
export const DEFAULT_AUDIT_TRAIL_OPTIONS: AuditTrailOptions = {
  flushIntervalMs: 200,
  batchSize: 500,
  capacity: 100_000,
  shutdownTimeoutMs: 10_000,
};

/** The answer to a read whose audit cannot be kept: the read is not served. */
export const auditUnavailable = () =>
  new Problem({
    statusCode: 503,
    code: 'STORE_UNAVAILABLE',
    message:
      'Le journal des consultations ne peut être enregistré pour le moment : réessayez dans quelques secondes.',
  });

type Row = {
  read_at: string;
  actor_sub: string;
  actor_role: string;
  organisation_id: string | null;
  referent_id: string | null;
  territory: string | null;
  method: string;
  route: string;
  purpose: string | null;
  parcours_ids: string[];
};

/** PostgreSQL text (and jsonb) cannot hold NUL: one odd claim must not block the whole buffer. */
// eslint-disable-next-line no-control-regex -- the NUL is the very character to replace
const text = (v: string) => v.replace(/\u0000/g, '\uFFFD');
const optional = (v: string | undefined) => (v === undefined ? null : text(v));

function toRow(read: AuditedRead): Row {
  return {
    read_at: read.at.toISOString(),
    actor_sub: text(read.who.sub),
    actor_role: text(read.who.role),
    organisation_id: optional(read.who.organisationId),
    referent_id: optional(read.who.referentId),
    territory: optional(read.who.territory),
    method: text(read.method),
    route: text(read.route),
    purpose: optional(read.purpose),
    parcours_ids: read.parcoursIds.map(text),
  };
}

const weightOf = (row: Row) => Math.max(1, row.parcours_ids.length);

/** Rows of one JSON parameter, in their order: one statement whatever the batch size, and no limit on bind parameters. */
const INSERT =
  `insert into audit_reads (read_at, actor_sub, actor_role, organisation_id, ` +
  `referent_id, territory, method, route, purpose, parcours_ids)
  select read_at, ` +
  `actor_sub, actor_role, organisation_id, referent_id, territory, method, route, ` +
  `purpose, parcours_ids
  from rows from (jsonb_to_recordset($1::jsonb) as ` +
  `(read_at timestamptz, actor_sub text, actor_role text, organisation_id text, ` +
  `referent_id text,
                  territory text, method text, route text, ` +
  `purpose text, parcours_ids text[])) with ordinality as r
  order by r.ordinality`;

/**
 * The audit of reads, written in batches so that a read does not wait for
 * it: a read is buffered, and the buffer is written in one multi-row insert
 * every `flushIntervalMs` or as soon as it holds `batchSize` reads.
 *
 * Nothing is dropped. While the database refuses the insert, the buffer is
 * kept and retried (pause doubling up to 5 s); when it is full, reads answer
 * 503 STORE_UNAVAILABLE (Retry-After) instead of serving data unrecorded. At
 * shutdown what is left is written (retried up to `shutdownTimeoutMs`), and a
 * read answered after that point is written before its answer. What a crash
 * of the process (kill -9) can lose is the buffer: at most `flushIntervalMs`
 * of reads while the database answers.
 */
@Injectable()
export class AuditTrail implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('audit');
  private readonly options: AuditTrailOptions;
  /** Reads not yet written, oldest first; a batch being written stays here until it is. */
  private readonly buffer: Row[] = [];
  private weight = 0;
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private closing = false;
  /** Reads written since the process started, for the metrics. */
  written = 0;

  constructor(
    @Inject(SQL) private readonly sql: SqlClient,
    @Optional() @Inject(AUDIT_TRAIL_OPTIONS) options?: Partial<AuditTrailOptions>,
  ) {
    this.options = { ...DEFAULT_AUDIT_TRAIL_OPTIONS, ...options };
  }

  async onModuleInit(): Promise<void> {
    await migrateAuditSchema(this.sql);
  }

  /** What is waiting, for tests and operations. */
  get pending(): { reads: number; parcoursIds: number; failures: number } {
    return { reads: this.buffer.length, parcoursIds: this.weight, failures: this.failures };
  }

  /** Throws 503 when the buffer is full: checked before a read is done, so that a refused read costs nothing. */
  assertAccepting(): void {
    if (!this.closing && this.weight >= this.options.capacity) throw auditUnavailable();
  }

  /** Records one read; resolves once it is buffered (written, during shutdown). Throws 503 when it cannot be kept. */
  async record(read: AuditedRead): Promise<void> {
    const row = toRow(read);
    if (this.closing) {
      // The final flush has started: nothing buffered any more would be written.
      await this.insert([row]).catch((error) => {
        this.logger.warn(`a read during shutdown answered 503: ${describe(error)}`);
        throw auditUnavailable();
      });
      return;
    }
    const weight = weightOf(row);
    // A read heavier than the whole capacity still passes alone, or it never would.
    if (this.buffer.length > 0 && this.weight + weight > this.options.capacity) throw auditUnavailable();
    this.buffer.push(row);
    this.weight += weight;
    // While the database is away, the retry timer decides when to try again.
    if (this.buffer.length >= this.options.batchSize && this.failures === 0) this.flushInBackground();
    else this.schedule(this.options.flushIntervalMs);
  }

  /** Writes everything buffered; rejects when the database refuses (the reads stay buffered). */
  flush(): Promise<void> {
    this.flushing ??= this.drain()
      .then(
        () => {
          if (this.failures > 0)
            this.logger.log(`audit written again after ${this.failures} failed attempts`);
          this.failures = 0;
        },
        (error) => {
          this.failures++;
          // Every attempt would be noise over a long outage: the first, then one in ten.
          if (this.failures === 1 || this.failures % 10 === 0) {
            const text = `AUDIT_WRITE_FAILED (attempt ${this.failures}, ${this.buffer.length} reads waiting): ${describe(error)}`;
            if (isTransientStoreError(error)) this.logger.warn(text);
            else this.logger.error(text);
          }
          // Whoever asked for this flush, the reads left are tried again later.
          this.schedule(retryDelay(this.failures, this.options.flushIntervalMs));
          throw error;
        },
      )
      .finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    const deadline = Date.now() + this.options.shutdownTimeoutMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.flush();
        return;
      } catch (error) {
        if (Date.now() >= deadline) {
          this.logger.error(
            `AUDIT_LOST: ${this.buffer.length} reads could not be written before shutdown: ${describe(error)}`,
          );
          return;
        }
        await new Promise((resolve) =>
          setTimeout(resolve, Math.min(retryDelay(attempt), Math.max(0, deadline - Date.now()))),
        );
      }
    }
  }

  private async drain(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.buffer.length) {
      const batch = this.buffer.slice(0, this.options.batchSize);
      await this.insert(batch);
      // Reads recorded meanwhile were appended after the batch: only the batch leaves.
      this.buffer.splice(0, batch.length);
      this.weight -= batch.reduce((sum, row) => sum + weightOf(row), 0);
    }
  }

  private async insert(rows: Row[]): Promise<void> {
    await this.sql.query(INSERT, [JSON.stringify(rows)]);
    this.written += rows.length;
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.closing) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushInBackground();
    }, delayMs);
    // A buffer waiting to be written does not keep a process alive: shutdown writes it.
    this.timer.unref();
  }

  private flushInBackground(): void {
    if (this.flushing || this.closing) return;
    // A failure is counted, logged and rescheduled by flush() itself.
    this.flush().catch(() => undefined);
  }
}

function describe(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  return `${code ? `${String(code)} ` : ''}${error instanceof Error ? error.message : String(error)}`;
}
