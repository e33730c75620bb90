import {
  AppendResult,
  ConcurrencyError,
  DuplicateEventIdError,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  GlobalPosition,
  InvalidEventStoreArgumentError,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
  RecordedEvent,
  StreamNotFoundError,
} from '../event-store.port';
import { stampMetadata, validateAppend, validateReadAll, validateReadStream } from '../validation';
import { EVENT_STORE_MIGRATIONS, isMigrated, migrate } from './migrations';
import { prepared, SqlClient, sqlErrorCode, SqlQueryable, UNIQUE_VIOLATION } from './sql-client';

interface EventRow {
  global_position: number;
  transaction_id: string;
  stream_id: string;
  stream_revision: number;
  event_id: string;
  event_type: string;
  data: Record<string, unknown>;
  metadata: RecordedEvent['metadata'];
}

const COLUMNS = `global_position, transaction_id::text as transaction_id, stream_id, stream_revision,
  event_id::text as event_id, event_type, data, metadata`;

/**
 * Positions are "<transaction id>:<global position>". Global order is the
 * order of (transaction id, sequence): a reader only reads rows whose
 * transaction is older than every transaction still running
 * (pg_snapshot_xmin), so a transaction that commits late can never land
 * behind a checkpoint already taken.
 */
function encodePosition(row: Pick<EventRow, 'transaction_id' | 'global_position'>): GlobalPosition {
  return `${row.transaction_id}:${row.global_position}`;
}

function decodePosition(position: GlobalPosition): [string, number] {
  const match = /^(\d{1,20}):(\d{1,18})$/.exec(position);
  if (!match) throw new InvalidEventStoreArgumentError(`invalid position: ${position}`);
  return [match[1], Number(match[2])];
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    streamId: row.stream_id,
    revision: Number(row.stream_revision),
    position: encodePosition(row),
    type: row.event_type,
    data: row.data,
    metadata: row.metadata,
  };
}

interface PendingAppend {
  streamId: string;
  events: EventToAppend[];
  expected: ExpectedRevision;
  rows: { id: string; type: string; data: Record<string, unknown>; metadata: Record<string, unknown> }[];
}

interface Waiting extends PendingAppend {
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

const settle = (w: Waiting, append: () => Promise<AppendResult>): Promise<void> =>
  append().then(w.resolve, w.reject);

/** Appends of one group commit, and groups sent at once (the pool has 10 connections). */
const MAX_GROUP = 32;
const MAX_GROUPS_IN_FLIGHT = 4;

/**
 * Several appends in one statement ($1: one row per append, streams
 * distinct): each bumps its stream's revision under the row lock, as its expectation allows,
 * and only those whose expectation holds insert their events. Answers one row
 * per append done.
 */
const GROUP_APPEND = prepared(
  'parcours_group_append',
  `
with req as (
  select * from jsonb_to_recordset($1::jsonb)
    as r(idx int, stream_id text, count bigint, kind text, expected bigint, events jsonb)
),
updated as (
  update streams s set revision = s.revision + r.count
    from req r
   where s.stream_id = r.stream_id and r.kind in ('exact', 'stream_exists')
     and (r.kind = 'stream_exists' or s.revision = r.expected)
  returning r.idx, s.revision
),
created as (
  insert into streams (stream_id, revision)
  select r.stream_id, r.count - 1 from req r where r.kind = 'no_stream'
  on conflict (stream_id) do nothing
  returning stream_id, revision
),
bumped as (
  insert into streams (stream_id, revision)
  select r.stream_id, r.count - 1 from req r where r.kind = 'any'
  on conflict (stream_id) do update set revision = streams.revision + excluded.revision + 1
  returning stream_id, revision
),
reserved as (
  select idx, revision from updated
  union all
  select r.idx, c.revision from created c join req r on r.stream_id = c.stream_id
  union all
  select r.idx, b.revision from bumped b join req r on r.stream_id = b.stream_id
),
inserted as (
  insert into events (stream_id, stream_revision, event_id, event_type, data, metadata)
  select r.stream_id, v.revision - r.count + e.ord, e.id, e.type, e.data, e.metadata
    from reserved v
    join req r on r.idx = v.idx,
    rows from (jsonb_to_recordset(r.events) as (id uuid, type text, data jsonb, metadata jsonb))
      with ordinality as e(id, type, data, metadata, ord)
   order by r.idx, e.ord
  returning stream_id, global_position, transaction_id
)
select v.idx, v.revision, max(i.global_position) as global_position, min(i.transaction_id::text) as transaction_id
  from reserved v
  join req r on r.idx = v.idx
  join inserted i on i.stream_id = r.stream_id
 group by v.idx, v.revision`,
);

/** The event store over PostgreSQL or PGlite: one SQL, two clients. */
export class SqlEventStore implements EventStore {
  private waiting: Waiting[] = [];
  private flushing = 0;

  /**
   * `groupCommit`: appends requested together (concurrent commands, partner
   * messages) share one statement and one commit; each keeps its own
   * expectation and its own answer.
   */
  constructor(
    private readonly sql: SqlClient,
    private readonly now: () => Date = () => new Date(),
    private readonly groupCommit = true,
  ) {}

  /** Applies the schema migrations; call once at start-up. */
  async migrate(): Promise<void> {
    await migrate(this.sql, EVENT_STORE_MIGRATIONS);
  }

  async appendToStream(
    streamId: string,
    events: EventToAppend[],
    options: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    validateAppend(streamId, events, expected);
    const append: PendingAppend = {
      streamId,
      events,
      expected,
      rows: events.map((e) => ({
        id: e.id,
        type: e.type,
        data: e.data,
        metadata: stampMetadata(e, this.now),
      })),
    };
    if (!this.groupCommit) return this.appendOne(append);
    return new Promise<AppendResult>((resolve, reject) => {
      this.waiting.push({ ...append, resolve, reject });
      if (this.flushing < MAX_GROUPS_IN_FLIGHT) {
        this.flushing += 1;
        // The next turn of the event loop: appends requested meanwhile join the same group.
        setImmediate(() => void this.flush());
      }
    });
  }

  /** Sends the waiting appends, a group at a time, until none waits. */
  private async flush(): Promise<void> {
    try {
      while (this.waiting.length > 0) {
        // Distinct streams in a group: a second append to a stream goes in the next one, after the first.
        const group: Waiting[] = [];
        const streams = new Set<string>();
        const rest: Waiting[] = [];
        for (const w of this.waiting) {
          if (group.length < MAX_GROUP && !streams.has(w.streamId)) {
            group.push(w);
            streams.add(w.streamId);
          } else rest.push(w);
        }
        this.waiting = rest;
        if (group.length === 1) await settle(group[0], () => this.appendOne(group[0]));
        else await this.appendGroup(group);
      }
    } finally {
      this.flushing -= 1;
    }
  }

  /**
   * Several appends to distinct streams in one statement and one commit
   * (group commit). An append whose expectation fails is done again alone,
   * which gives its conflict or its idempotent answer; if the statement
   * fails as a whole (an event id used twice, the database away), every
   * append of the group is done again alone, so each gets its own answer.
   */
  private async appendGroup(group: Waiting[]): Promise<void> {
    let done: Awaited<ReturnType<SqlEventStore['runGroup']>>;
    try {
      done = await this.runGroup(group);
    } catch {
      // In the order they were requested: of two appends with one event id, the first wins.
      for (const w of group) await settle(w, () => this.appendOne(w));
      return;
    }
    const byIdx = new Map(done.map((r) => [Number(r.idx), r]));
    await Promise.all(
      group.map((w, idx) => {
        const row = byIdx.get(idx);
        if (!row) return settle(w, () => this.appendOne(w));
        w.resolve({ nextExpectedRevision: Number(row.revision), position: encodePosition(row) });
        return undefined;
      }),
    );
  }

  /** The group statement: one row per append whose expectation held. */
  private runGroup(group: PendingAppend[]) {
    return this.sql.query<{ idx: number; revision: string; global_position: number; transaction_id: string }>(
      GROUP_APPEND,
      [
        JSON.stringify(
          group.map((w, idx) => ({
            idx,
            stream_id: w.streamId,
            count: w.events.length,
            kind: typeof w.expected === 'number' ? 'exact' : w.expected,
            expected: typeof w.expected === 'number' ? w.expected : null,
            events: w.rows,
          })),
        ),
      ],
    );
  }

  /**
   * One append alone (a group of one): one statement, one round trip, nothing
   * written when its expectation fails.
   */
  private async appendOne(append: PendingAppend): Promise<AppendResult> {
    const { streamId, events, expected } = append;
    try {
      const [row] = await this.runGroup([append]);
      if (row) return { nextExpectedRevision: Number(row.revision), position: encodePosition(row) };
    } catch (error) {
      // Otherwise a racing writer took the same revision, or the same event ids were appended before.
      if (sqlErrorCode(error) !== UNIQUE_VIOLATION) throw error;
    }
    // The expectation failed: a retry of an append already done answers as then, anything else is a conflict.
    const retried = await this.findIdempotentRetry(this.sql, streamId, events);
    if (retried) return retried;
    throw new ConcurrencyError(streamId, expected, await this.currentRevision(streamId));
  }

  /** When every event id is already in this stream, the append was done before: answer as then. */
  private async findIdempotentRetry(
    db: SqlQueryable,
    streamId: string,
    events: EventToAppend[],
  ): Promise<AppendResult | undefined> {
    const existing = await db.query<EventRow>(
      `select ${COLUMNS} from events where event_id = any($1::uuid[]) order by global_position`,
      [events.map((e) => e.id)],
    );
    if (existing.length === 0) return undefined;
    const sameStream = existing.every((r) => r.stream_id === streamId);
    if (!sameStream || existing.length !== events.length) {
      const clash = existing.find((r) => r.stream_id !== streamId) ?? existing[0];
      throw new DuplicateEventIdError(clash.event_id);
    }
    const last = existing[existing.length - 1];
    return { nextExpectedRevision: Number(last.stream_revision), position: encodePosition(last) };
  }

  private async currentRevision(
    streamId: string,
    db: SqlQueryable = this.sql,
  ): Promise<number | 'no_stream'> {
    const [row] = await db.query<{ revision: number }>(`select revision from streams where stream_id = $1`, [
      streamId,
    ]);
    return row ? Number(row.revision) : 'no_stream';
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    validateReadStream(streamId, options);
    const rows = await this.sql.query<EventRow>(
      `select ${COLUMNS} from events where stream_id = $1 and stream_revision >= $2
       order by stream_revision limit $3`,
      [streamId, options.fromRevision ?? 0, options.maxCount ?? null],
    );
    if (rows.length === 0 && (await this.currentRevision(streamId)) === 'no_stream') {
      throw new StreamNotFoundError(streamId);
    }
    return rows.map(toRecorded);
  }

  async readAll(options: ReadAllOptions = {}): Promise<ReadAllResult> {
    validateReadAll(options);
    const [txId, seq] = options.after ? decodePosition(options.after) : ['0', 0];
    const rows = await this.sql.query<EventRow>(
      `select ${COLUMNS} from events
       where (transaction_id, global_position) > ($1::xid8, $2::bigint)
         and transaction_id < pg_snapshot_xmin(pg_current_snapshot())
       order by events.transaction_id, events.global_position
       limit $3`,
      [txId, seq, options.maxCount ?? 1000],
    );
    const events = rows.map(toRecorded);
    return { events, position: events.length ? events[events.length - 1].position : options.after };
  }

  async countAfter(position: GlobalPosition | undefined): Promise<number> {
    const [txId, seq] = position ? decodePosition(position) : ['0', 0];
    const [row] = await this.sql.query<{ n: number }>(
      `select count(*)::int as n from events where (transaction_id, global_position) > ($1::xid8, $2::bigint)`,
      [txId, seq],
    );
    return Number(row.n);
  }

  async ping(): Promise<void> {
    if (!(await isMigrated(this.sql, EVENT_STORE_MIGRATIONS)))
      throw new Error('event store schema is not migrated');
  }

  async close(): Promise<void> {
    await this.sql.close();
  }
}
