import { randomUUID } from 'node:crypto';
import {
  ConcurrencyError,
  DuplicateEventIdError,
  EventStore,
  EventToAppend,
  InvalidEventStoreArgumentError,
  RecordedEvent,
  StreamNotFoundError,
} from '../event-store.port';

export interface ConformanceTarget {
  /** A fresh, empty store for each test. */
  open(): Promise<EventStore>;
  /** Number of events in the large-stream test (10 000 by default). */
  largeStreamSize?: number;
}

export function event(type: string, data: Record<string, unknown> = {}, metadata = {}): EventToAppend {
  return { id: randomUUID(), type, data, metadata };
}

async function readEverything(store: EventStore, pageSize = 1000): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.readAll({ after, maxCount: pageSize });
    out.push(...page.events);
    if (page.events.length === 0) return out;
    after = page.position;
  }
}

/**
 * The behaviour every EventStore adapter must show. Each adapter's spec calls
 * this with a factory of empty stores; a new adapter is done when it passes.
 */
export function describeEventStoreConformance(name: string, target: ConformanceTarget): void {
  describe(`EventStore conformance: ${name}`, () => {
    let store: EventStore;
    beforeEach(async () => {
      store = await target.open();
    });
    afterEach(async () => {
      await store.close();
    });

    describe('append and read a stream', () => {
      it('numbers events from revision 0 and keeps data and metadata', async () => {
        const result = await store.appendToStream(
          'parcours-1',
          [
            event('Entered', { on: '2025-01-06' }, { actor: 'referent:42', correlationId: 'c-1' }),
            event('Oriented'),
          ],
          { expectedRevision: 'no_stream' },
        );
        expect(result.nextExpectedRevision).toBe(1);
        const events = await store.readStream('parcours-1');
        expect(events.map((e) => [e.revision, e.type])).toEqual([
          [0, 'Entered'],
          [1, 'Oriented'],
        ]);
        expect(events[0].data).toEqual({ on: '2025-01-06' });
        expect(events[0].metadata.actor).toBe('referent:42');
        expect(events[0].metadata.correlationId).toBe('c-1');
        expect(new Date(events[0].metadata.recordedAt).getTime()).not.toBeNaN();
        expect(events[0].streamId).toBe('parcours-1');
      });

      it('reads from a revision, with a maximum count', async () => {
        await store.appendToStream('s', [event('A'), event('B'), event('C'), event('D')]);
        const events = await store.readStream('s', { fromRevision: 1, maxCount: 2 });
        expect(events.map((e) => e.type)).toEqual(['B', 'C']);
      });

      it('keeps streams apart', async () => {
        await store.appendToStream('a', [event('A1')]);
        await store.appendToStream('b', [event('B1'), event('B2')]);
        expect((await store.readStream('a')).map((e) => e.type)).toEqual(['A1']);
        expect((await store.readStream('b')).map((e) => e.revision)).toEqual([0, 1]);
      });
    });

    describe('optimistic concurrency', () => {
      it('accepts the exact expected revision and refuses a stale one', async () => {
        await store.appendToStream('s', [event('A')], { expectedRevision: 'no_stream' });
        await store.appendToStream('s', [event('B')], { expectedRevision: 0 });
        const error = await store.appendToStream('s', [event('C')], { expectedRevision: 0 }).catch((e) => e);
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect(error.actual).toBe(1);
        expect((await store.readStream('s')).map((e) => e.type)).toEqual(['A', 'B']);
      });

      it('checks no_stream and stream_exists', async () => {
        await expect(
          store.appendToStream('s', [event('A')], { expectedRevision: 'stream_exists' }),
        ).rejects.toBeInstanceOf(ConcurrencyError);
        await store.appendToStream('s', [event('A')], { expectedRevision: 'no_stream' });
        await expect(
          store.appendToStream('s', [event('B')], { expectedRevision: 'no_stream' }),
        ).rejects.toBeInstanceOf(ConcurrencyError);
        await store.appendToStream('s', [event('B')], { expectedRevision: 'stream_exists' });
        await store.appendToStream('s', [event('C')], { expectedRevision: 'any' });
        expect((await store.readStream('s')).length).toBe(3);
      });

      it('lets exactly one of N racing writers win each revision, and loses nothing', async () => {
        await store.appendToStream('race', [event('Start')], { expectedRevision: 'no_stream' });
        const writers = 8;
        const outcomes = await Promise.allSettled(
          Array.from({ length: writers }, (_, w) =>
            store.appendToStream('race', [event('Write', { w })], { expectedRevision: 0 }),
          ),
        );
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(rejected).toHaveLength(writers - 1);
        for (const r of rejected) expect(r.reason).toBeInstanceOf(ConcurrencyError);

        // Writers that retry on a fresh revision all get through, each exactly once.
        const perWriter = 5;
        await Promise.all(
          Array.from({ length: writers }, async (_, w) => {
            for (let i = 0; i < perWriter; i++) {
              for (;;) {
                const last = (await store.readStream('race')).at(-1)!.revision;
                try {
                  await store.appendToStream('race', [event('Retry', { w, i })], { expectedRevision: last });
                  break;
                } catch (error) {
                  if (!(error instanceof ConcurrencyError)) throw error;
                }
              }
            }
          }),
        );
        const events = await store.readStream('race');
        expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => i));
        const retries = events.filter((e) => e.type === 'Retry').map((e) => `${e.data.w}/${e.data.i}`);
        expect(new Set(retries).size).toBe(writers * perWriter);
        expect(retries).toHaveLength(writers * perWriter);
      });

      it('appends a batch atomically: all its events or none', async () => {
        const taken = event('Taken');
        await store.appendToStream('other', [taken]);
        const batch = [event('First'), { ...taken, type: 'Second' }];
        await expect(store.appendToStream('s', batch)).rejects.toBeInstanceOf(DuplicateEventIdError);
        await expect(store.readStream('s')).rejects.toBeInstanceOf(StreamNotFoundError);
        expect(await readEverything(store)).toHaveLength(1);
      });
    });

    describe('idempotence', () => {
      it('treats a re-append of the same event ids as done, not as new events', async () => {
        const batch = [event('A'), event('B')];
        const first = await store.appendToStream('s', batch, { expectedRevision: 'no_stream' });
        const again = await store.appendToStream('s', batch, { expectedRevision: 'no_stream' });
        expect(again.nextExpectedRevision).toBe(first.nextExpectedRevision);
        expect(await store.readStream('s')).toHaveLength(2);
        expect(await readEverything(store)).toHaveLength(2);
      });

      it('refuses an event id already used in another stream', async () => {
        const e = event('A');
        await store.appendToStream('s1', [e]);
        await expect(store.appendToStream('s2', [e])).rejects.toBeInstanceOf(DuplicateEventIdError);
      });
    });

    describe('global order and read-all', () => {
      it('reads all streams in the order of their appends', async () => {
        await store.appendToStream('a', [event('1')]);
        await store.appendToStream('b', [event('2'), event('3')]);
        await store.appendToStream('a', [event('4')]);
        const all = await readEverything(store);
        expect(all.map((e) => e.type)).toEqual(['1', '2', '3', '4']);
        expect(all.map((e) => e.streamId)).toEqual(['a', 'b', 'b', 'a']);
      });

      it('resumes from a checkpoint without skipping or repeating', async () => {
        for (let i = 0; i < 7; i++) await store.appendToStream(`s-${i % 3}`, [event(`E${i}`)]);
        const paged = await readEverything(store, 2);
        expect(paged.map((e) => e.type)).toEqual(['E0', 'E1', 'E2', 'E3', 'E4', 'E5', 'E6']);

        const firstPage = await store.readAll({ maxCount: 3 });
        expect(firstPage.events.map((e) => e.type)).toEqual(['E0', 'E1', 'E2']);
        await store.appendToStream('late', [event('E7')]);
        const rest = await store.readAll({ after: firstPage.position, maxCount: 100 });
        expect(rest.events.map((e) => e.type)).toEqual(['E3', 'E4', 'E5', 'E6', 'E7']);
        expect(await store.countAfter(firstPage.position)).toBe(5);
        expect(await store.countAfter(undefined)).toBe(8);

        const end = await store.readAll({ after: rest.position });
        expect(end.events).toEqual([]);
        expect(end.position).toBe(rest.position);
      });

      it('keeps the global order over hundreds of separate appends, page after page', async () => {
        // Enough transactions for any counter behind positions to change its number of digits.
        for (let i = 0; i < 400; i++) await store.appendToStream(`s-${i % 40}`, [event('E', { i })]);
        const paged = await readEverything(store, 64);
        expect(paged.map((e) => e.data.i)).toEqual(Array.from({ length: 400 }, (_, i) => i));
      });

      it('delivers every event of concurrent writers to a reader following the global stream', async () => {
        const seen: RecordedEvent[] = [];
        let after: string | undefined;
        let writing = true;
        const reader = (async () => {
          while (writing || (await store.countAfter(after)) > 0) {
            const page = await store.readAll({ after, maxCount: 50 });
            seen.push(...page.events);
            after = page.position;
            await new Promise((r) => setTimeout(r, 1));
          }
        })();
        await Promise.all(
          Array.from({ length: 6 }, async (_, w) => {
            for (let i = 0; i < 20; i++) await store.appendToStream(`w-${w}`, [event('E', { w, i })]);
          }),
        );
        writing = false;
        await reader;
        expect(seen).toHaveLength(120);
        expect(new Set(seen.map((e) => e.id)).size).toBe(120);
      });
    });

    it('stores and reads back a large stream', async () => {
      const size = target.largeStreamSize ?? 10_000;
      const batch = 500;
      for (let from = 0; from < size; from += batch) {
        const events = Array.from({ length: Math.min(batch, size - from) }, (_, i) =>
          event('Tick', { n: from + i }),
        );
        await store.appendToStream('large', events, {
          expectedRevision: from === 0 ? 'no_stream' : from - 1,
        });
      }
      const events = await store.readStream('large');
      expect(events).toHaveLength(size);
      expect(events[size - 1].revision).toBe(size - 1);
      expect(events[size - 1].data.n).toBe(size - 1);
      const tail = await store.readStream('large', { fromRevision: size - 10 });
      expect(tail.map((e) => e.data.n)).toEqual(Array.from({ length: 10 }, (_, i) => size - 10 + i));
    });

    describe('bad input gets a typed error, never a crash', () => {
      it('unknown stream', async () => {
        await expect(store.readStream('nobody')).rejects.toBeInstanceOf(StreamNotFoundError);
      });

      it.each([
        [
          'negative expected revision',
          () => store.appendToStream('s', [event('A')], { expectedRevision: -1 }),
        ],
        [
          'fractional expected revision',
          () => store.appendToStream('s', [event('A')], { expectedRevision: 1.5 }),
        ],
        ['no events', () => store.appendToStream('s', [])],
        ['empty stream id', () => store.appendToStream('', [event('A')])],
        ['event id not a UUID', () => store.appendToStream('s', [{ id: 'x', type: 'A', data: {} }])],
        [
          'data not an object',
          () => store.appendToStream('s', [{ id: randomUUID(), type: 'A', data: null as never }]),
        ],
        ['negative fromRevision', () => store.readStream('s', { fromRevision: -1 })],
        ['zero maxCount', () => store.readAll({ maxCount: 0 })],
        ['garbage position', () => store.readAll({ after: 'not-a-position' })],
      ])('%s', async (_, call) => {
        await expect(call()).rejects.toBeInstanceOf(InvalidEventStoreArgumentError);
      });
    });
  });
}
