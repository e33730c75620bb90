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

function parsePosition(position: GlobalPosition | undefined): number {
  if (position === undefined) return 0;
  if (!/^\d{1,15}$/.test(position)) throw new InvalidEventStoreArgumentError(`invalid position: ${position}`);
  return Number(position);
}

/** In-process store for fast unit tests only: never the default, nothing survives a restart. */
export class MemoryEventStore implements EventStore {
  private readonly all: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly byId = new Map<string, RecordedEvent>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  async appendToStream(
    streamId: string,
    events: EventToAppend[],
    options: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    validateAppend(streamId, events, expected);
    const known = events.map((e) => this.byId.get(e.id.toLowerCase())).filter((e) => e !== undefined);
    if (known.length > 0) {
      if (known.length !== events.length || known.some((e) => e.streamId !== streamId)) {
        throw new DuplicateEventIdError(known[0].id);
      }
      const last = known[known.length - 1];
      return { nextExpectedRevision: last.revision, position: last.position };
    }
    const stream = this.streams.get(streamId) ?? [];
    const actual = stream.length === 0 ? 'no_stream' : stream.length - 1;
    const ok =
      expected === 'any' ||
      (expected === 'no_stream' && actual === 'no_stream') ||
      (expected === 'stream_exists' && actual !== 'no_stream') ||
      expected === actual;
    if (!ok) throw new ConcurrencyError(streamId, expected, actual);
    for (const e of events) {
      const recorded: RecordedEvent = {
        id: e.id.toLowerCase(),
        streamId,
        revision: stream.length,
        position: String(this.all.length + 1),
        type: e.type,
        data: structuredClone(e.data),
        metadata: stampMetadata(e, this.now),
      };
      stream.push(recorded);
      this.all.push(recorded);
      this.byId.set(recorded.id, recorded);
    }
    this.streams.set(streamId, stream);
    return { nextExpectedRevision: stream.length - 1, position: String(this.all.length) };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    validateReadStream(streamId, options);
    const stream = this.streams.get(streamId);
    if (!stream) throw new StreamNotFoundError(streamId);
    const from = options.fromRevision ?? 0;
    return stream
      .slice(from, options.maxCount === undefined ? undefined : from + options.maxCount)
      .map((e) => structuredClone(e));
  }

  async readAll(options: ReadAllOptions = {}): Promise<ReadAllResult> {
    validateReadAll(options);
    const from = parsePosition(options.after);
    const events = this.all.slice(from, from + (options.maxCount ?? 1000)).map((e) => structuredClone(e));
    return { events, position: events.length ? events[events.length - 1].position : options.after };
  }

  async countAfter(position: GlobalPosition | undefined): Promise<number> {
    return this.all.length - parsePosition(position);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}
