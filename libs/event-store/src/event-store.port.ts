/**
 * The event store port: the only place where the product writes.
 *
 * One stream per aggregate (a parcours, a référent...), each event with a
 * per-stream revision (0, 1, 2...) and a position in the global order that
 * projections and the Kafka relay follow from their own checkpoints.
 */

/** Who did what and why, kept beside every event. */
export interface EventMetadata {
  /** When the event was recorded (ISO 8601, UTC). Set by the store when absent. */
  recordedAt?: string;
  /** Identifier of the user or system that issued the command (never a name). */
  actor?: string;
  correlationId?: string;
  causationId?: string;
  [key: string]: unknown;
}

export interface EventToAppend {
  /** UUID chosen by the writer: re-appending the same id is a no-op. */
  id: string;
  type: string;
  data: Record<string, unknown>;
  metadata?: EventMetadata;
}

/**
 * An opaque, adapter-specific position in the global order. Compare positions
 * only through the store that produced them; persist them as strings.
 */
export type GlobalPosition = string;

export interface RecordedEvent {
  id: string;
  streamId: string;
  /** 0-based index of the event in its stream. */
  revision: number;
  position: GlobalPosition;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata & { recordedAt: string };
}

/**
 * What the writer believes about the stream before appending:
 * - `any`: no check;
 * - `no_stream`: the stream must not exist yet;
 * - `stream_exists`: the stream must have at least one event;
 * - a number: the revision of the stream's last event.
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export interface AppendResult {
  /** Revision of the stream's last event after the append. */
  nextExpectedRevision: number;
  /** Position of the last appended event (of the existing one on an idempotent retry). */
  position: GlobalPosition;
}

export interface ReadStreamOptions {
  fromRevision?: number;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Read events strictly after this position; from the beginning when absent. */
  after?: GlobalPosition;
  maxCount?: number;
}

export interface ReadAllResult {
  events: RecordedEvent[];
  /**
   * Where the next read should start. It may stay behind the last event that
   * exists when a concurrent transaction can still commit before it.
   */
  position: GlobalPosition | undefined;
}

export interface EventStore {
  appendToStream(
    streamId: string,
    events: EventToAppend[],
    options?: { expectedRevision?: ExpectedRevision },
  ): Promise<AppendResult>;
  /** Throws {@link StreamNotFoundError} when the stream has no event. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<ReadAllResult>;
  /** Number of events after a position (for lag reporting). */
  countAfter(position: GlobalPosition | undefined): Promise<number>;
  /** Checks that the store answers and is migrated. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class EventStoreError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Optimistic concurrency: the stream is not at the revision the writer expected. */
export class ConcurrencyError extends EventStoreError {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(
      'CONCURRENCY_CONFLICT',
      `stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`,
    );
  }
}

export class StreamNotFoundError extends EventStoreError {
  constructor(readonly streamId: string) {
    super('STREAM_NOT_FOUND', `stream ${streamId} not found`);
  }
}

/** A caller's mistake (empty stream id, negative revision, bad event...). */
export class InvalidEventStoreArgumentError extends EventStoreError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}

/** An event id reused for a different event or stream. */
export class DuplicateEventIdError extends EventStoreError {
  constructor(readonly eventId: string) {
    super('DUPLICATE_EVENT_ID', `event id ${eventId} is already used by another event`);
  }
}
