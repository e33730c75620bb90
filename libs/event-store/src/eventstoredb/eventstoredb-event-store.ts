import {
  ANY,
  EventStoreDBClient,
  FORWARDS,
  jsonEvent,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError as DbStreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import {
  AppendResult,
  ConcurrencyError,
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

/** "<commit>:<prepare>", EventStoreDB's own position in $all. */
function decodePosition(position: GlobalPosition): { commit: bigint; prepare: bigint } {
  const match = /^(\d{1,20}):(\d{1,20})$/.exec(position);
  if (!match) throw new InvalidEventStoreArgumentError(`invalid position: ${position}`);
  return { commit: BigInt(match[1]), prepare: BigInt(match[2]) };
}

function mapExpected(expected: ExpectedRevision) {
  if (expected === 'any') return ANY;
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'stream_exists') return STREAM_EXISTS;
  return BigInt(expected);
}

/**
 * The store for deployments running EventStoreDB / KurrentDB. Deliberately
 * thin: no EventStoreDB server runs on the project's CI machines, so this file
 * is exercised by the conformance suite only where EVENTSTORE_CONNECTION_STRING
 * is set. EventStoreDB itself provides revisions, global order, optimistic
 * concurrency and idempotence on event ids.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;

  constructor(
    connectionString: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.client = EventStoreDBClient.connectionString(connectionString);
  }

  async appendToStream(
    streamId: string,
    events: EventToAppend[],
    options: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    validateAppend(streamId, events, expected);
    try {
      const result = await this.client.appendToStream(
        streamId,
        events.map((e) =>
          jsonEvent({ id: e.id, type: e.type, data: e.data, metadata: stampMetadata(e, this.now) }),
        ),
        { expectedRevision: mapExpected(expected) },
      );
      const pos = result.position;
      return {
        nextExpectedRevision: Number(result.nextExpectedRevision),
        position: pos ? `${pos.commit}:${pos.prepare}` : '0:0',
      };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const actual = error.actualVersion;
        throw new ConcurrencyError(
          streamId,
          expected,
          typeof actual === 'bigint' ? Number(actual) : 'no_stream',
        );
      }
      throw error;
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    validateReadStream(streamId, options);
    const events: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(streamId, {
        direction: FORWARDS,
        fromRevision: options.fromRevision === undefined ? START : BigInt(options.fromRevision),
        maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
      });
      for await (const resolved of read) {
        if (resolved.event) events.push(this.toRecorded(resolved.event));
      }
    } catch (error) {
      if (error instanceof DbStreamNotFoundError) throw new StreamNotFoundError(streamId);
      throw error;
    }
    return events;
  }

  async readAll(options: ReadAllOptions = {}): Promise<ReadAllResult> {
    validateReadAll(options);
    const after = options.after ? decodePosition(options.after) : undefined;
    const maxCount = options.maxCount ?? 1000;
    const events: RecordedEvent[] = [];
    let position = options.after;
    const read = this.client.readAll({
      direction: FORWARDS,
      fromPosition: after ?? START,
      maxCount: maxCount + 1,
    });
    for await (const resolved of read) {
      const e = resolved.event;
      if (!e || !e.position) continue;
      // fromPosition is inclusive: skip the event the checkpoint points at.
      if (after && e.position.commit === after.commit && e.position.prepare === after.prepare) continue;
      position = `${e.position.commit}:${e.position.prepare}`;
      if (e.type.startsWith('$') || e.streamId.startsWith('$')) continue;
      events.push(this.toRecorded(e));
      if (events.length >= maxCount) break;
    }
    return { events, position };
  }

  async countAfter(position: GlobalPosition | undefined): Promise<number> {
    let count = 0;
    let after = position;
    for (;;) {
      const page = await this.readAll({ after, maxCount: 1000 });
      count += page.events.length;
      if (page.position === after) return count;
      after = page.position;
    }
  }

  async ping(): Promise<void> {
    const read = this.client.readAll({ direction: FORWARDS, fromPosition: START, maxCount: 1 });
    for await (const _ of read) break;
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }

  private toRecorded(e: {
    id: string;
    streamId: string;
    revision: bigint;
    type: string;
    data: unknown;
    metadata: unknown;
    position?: { commit: bigint; prepare: bigint };
    created: Date;
  }): RecordedEvent {
    const metadata = (e.metadata ?? {}) as RecordedEvent['metadata'];
    return {
      id: e.id,
      streamId: e.streamId,
      revision: Number(e.revision),
      position: e.position ? `${e.position.commit}:${e.position.prepare}` : '0:0',
      type: e.type,
      data: e.data as Record<string, unknown>,
      metadata: { ...metadata, recordedAt: metadata.recordedAt ?? e.created.toISOString() },
    };
  }
}
