import {
  EventToAppend,
  ExpectedRevision,
  InvalidEventStoreArgumentError,
  ReadAllOptions,
  ReadStreamOptions,
} from './event-store.port';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Shared by every adapter so that bad input gets the same typed error everywhere. */
export function validateStreamId(streamId: unknown): asserts streamId is string {
  if (typeof streamId !== 'string' || streamId.length === 0 || streamId.length > 200) {
    throw new InvalidEventStoreArgumentError(
      'stream id must be a non-empty string of at most 200 characters',
    );
  }
  if (streamId.startsWith('$')) {
    throw new InvalidEventStoreArgumentError('stream ids starting with $ are reserved');
  }
}

function validateCount(name: string, value: unknown, min: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new InvalidEventStoreArgumentError(`${name} must be an integer >= ${min}`);
  }
}

export function validateExpectedRevision(expected: unknown): asserts expected is ExpectedRevision {
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return;
  validateCount('expected revision', expected, 0);
  if (expected === undefined) throw new InvalidEventStoreArgumentError('expected revision is required');
}

export function validateAppend(streamId: unknown, events: unknown, expected: unknown): void {
  validateStreamId(streamId);
  validateExpectedRevision(expected);
  if (!Array.isArray(events) || events.length === 0) {
    throw new InvalidEventStoreArgumentError('append needs at least one event');
  }
  const ids = new Set<string>();
  for (const e of events as EventToAppend[]) {
    if (!e || typeof e.id !== 'string' || !UUID.test(e.id)) {
      throw new InvalidEventStoreArgumentError('every event needs a UUID id');
    }
    if (ids.has(e.id.toLowerCase()))
      throw new InvalidEventStoreArgumentError(`event id ${e.id} appears twice`);
    ids.add(e.id.toLowerCase());
    if (typeof e.type !== 'string' || e.type.length === 0 || e.type.startsWith('$')) {
      throw new InvalidEventStoreArgumentError('every event needs a type not starting with $');
    }
    if (e.data === null || typeof e.data !== 'object' || Array.isArray(e.data)) {
      throw new InvalidEventStoreArgumentError('event data must be an object');
    }
  }
}

export function validateReadStream(streamId: unknown, options: ReadStreamOptions): void {
  validateStreamId(streamId);
  validateCount('fromRevision', options.fromRevision, 0);
  validateCount('maxCount', options.maxCount, 1);
}

export function validateReadAll(options: ReadAllOptions): void {
  validateCount('maxCount', options.maxCount, 1);
  if (options.after !== undefined && typeof options.after !== 'string') {
    throw new InvalidEventStoreArgumentError('position must be a string');
  }
}

export function stampMetadata(
  e: EventToAppend,
  now: () => Date,
): EventToAppend['metadata'] & { recordedAt: string } {
  return { ...(e.metadata ?? {}), recordedAt: e.metadata?.recordedAt ?? now().toISOString() };
}
