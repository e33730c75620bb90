import { EventStore, PgliteSqlClient, SqlClient, SqlEventStore } from '@parcours/event-store';
import {
  IntegrationRelay,
  MessageSink,
  OutgoingMessage,
  PARCOURS_TOPIC,
  RelayStatus,
} from '@parcours/messaging';
import type { ParcoursEvent } from '@parcours/domain';
import * as integration from '../../libs/messaging/src/outbound/integration-events';
import { appendParcours } from '../../libs/projections/src/testing/histories';
import { flakyStore, until } from '../support/faults';

const entered = (id: string): ParcoursEvent => ({
  type: 'ParcoursEntered',
  data: {
    parcoursId: id,
    cycle: 1,
    person: { lastName: 'L', firstName: 'F', birthDate: '1980-01-01', sex: 'male' },
    household: { type: 'single', size: 1 },
    territory: 'T1',
    demandOn: '2025-01-01',
    rightOpenedOn: '2025-01-02',
    enteredOn: '2025-01-03',
  },
});

/** A broker that is down while `down()` says so, and records what it acknowledged. */
class FlakySink implements MessageSink {
  readonly acknowledged: OutgoingMessage[] = [];
  constructor(private readonly down: () => boolean) {}
  async send(topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (this.down())
      throw Object.assign(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092'), {
        name: 'KafkaJSConnectionError',
        retriable: true,
      });
    if (topic === PARCOURS_TOPIC) this.acknowledged.push(...messages);
  }
  async close(): Promise<void> {}
}

/** The store, unavailable while `down()` says so. */
const flaky = (store: EventStore, down: () => boolean): EventStore =>
  flakyStore(store, down, () =>
    Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
  );

/**
 * The Kafka relay retries a broker or a store that is
 * away, for as long as it takes, showing `retrying`; it stops at an event it
 * cannot map, visibly, and resume() restarts it after the fix.
 */
describe('the Kafka relay when the broker or the store goes away', () => {
  let sql: SqlClient;
  let store: SqlEventStore;
  beforeEach(async () => {
    sql = await PgliteSqlClient.open({ schema: 'relay' });
    store = new SqlEventStore(sql);
    await store.migrate();
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await sql.close();
  });

  const keys = (sink: FlakySink) => sink.acknowledged.map((m) => m.key);

  it.each([
    ['the broker', 'sink', /ECONNREFUSED/],
    ['the store', 'store', /administrator command/],
  ])(
    'retries while %s is away, shows `retrying` with the last error, then publishes everything once',
    async (_, where, error) => {
      let down = true;
      const sink = new FlakySink(() => where === 'sink' && down);
      const relay = new IntegrationRelay(
        flaky(store, () => where === 'store' && down),
        sql,
        sink,
        { idleMs: 5, maxRetryDelayMs: 20 },
      );
      await relay.migrate();
      await appendParcours(store, 'p-1', [entered('p-1')]);
      relay.start();
      let status: RelayStatus | undefined;
      try {
        await until('a few failed attempts', async () => (status = await relay.status()).retries >= 3);
        expect(status).toMatchObject({ name: 'kafka-relay', status: 'retrying', eventsBehind: 1 });
        expect(status!.error).toMatch(error);
        down = false;
        await appendParcours(store, 'p-2', [entered('p-2')]);
        await until('the catch-up', async () => (await relay.status()).eventsBehind === 0);
        expect(await relay.status()).toMatchObject({
          status: 'running',
          error: null,
          retries: 0,
          eventsProcessed: 2,
        });
      } finally {
        await relay.stop();
      }
      expect(keys(sink)).toEqual(['p-1', 'p-2']);
      expect((await relay.status()).status).toBe('stopped');
    },
  );

  it('stops at an event it cannot map, after publishing those before it; resume() restarts it after the fix', async () => {
    const sink = new FlakySink(() => false);
    const relay = new IntegrationRelay(store, sql, sink, { idleMs: 5 });
    await relay.migrate();
    for (const id of ['p-1', 'p-2', 'p-3']) await appendParcours(store, id, [entered(id)]);
    const real = integration.envelopeOf;
    let fixed = false;
    jest.spyOn(integration, 'envelopeOf').mockImplementation((e) => {
      if (!fixed && e.streamId === 'parcours-p-2') throw new Error('cannot map this event');
      return real(e);
    });
    relay.start();
    try {
      await until('the stop', async () => (await relay.status()).status === 'failed');
      const failed = await relay.status();
      expect(failed).toMatchObject({ eventsBehind: 2, eventsProcessed: 1 });
      expect(failed.error).toMatch(
        /cannot map this event \(event .*, type ParcoursEntered, stream parcours-p-2/,
      );
      expect(keys(sink)).toEqual(['p-1']);
      // Recorded: another process (the API beside a separate worker) sees it too.
      expect(await sql.query(`select status from relay_checkpoints`)).toEqual([{ status: 'failed' }]);
      await new Promise((r) => setTimeout(r, 50));
      expect(keys(sink)).toEqual(['p-1']);
      fixed = true;
      await relay.resume();
      await until('the catch-up', async () => (await relay.status()).eventsBehind === 0);
      expect(await relay.status()).toMatchObject({ status: 'running', error: null });
    } finally {
      await relay.stop();
    }
    expect(keys(sink)).toEqual(['p-1', 'p-2', 'p-3']);
  });
});
