import { randomBytes } from 'node:crypto';
import { describeEventStoreConformance } from '../testing/conformance';
import { EventStoreDbEventStore } from './eventstoredb-event-store';

/**
 * No EventStoreDB server can be installed on the project's CI machines; set
 * EVENTSTORE_CONNECTION_STRING (e.g. esdb://127.0.0.1:2113?tls=false, see
 * docker-compose.yml) to run the conformance suite against one.
 */
const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

if (!connectionString) {
  describe('EventStoreDB event store', () => {
    it.skip('skipped: EVENTSTORE_CONNECTION_STRING is not set (no EventStoreDB server on this machine)', () =>
      undefined);
  });
} else {
  // EventStoreDB cannot be emptied between tests: each test writes under its own
  // stream prefix, and the suite's read-all checks need a fresh server.
  describeEventStoreConformance('EventStoreDB', {
    open: async () => {
      const store = new EventStoreDbEventStore(connectionString);
      const prefix = randomBytes(4).toString('hex');
      return new Proxy(store, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver);
          if (prop === 'appendToStream' || prop === 'readStream') {
            return (streamId: string, ...rest: unknown[]) =>
              (value as (...a: unknown[]) => unknown).call(
                target,
                streamId ? `${prefix}-${streamId}` : streamId,
                ...rest,
              );
          }
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    },
    largeStreamSize: 10_000,
  });
}
