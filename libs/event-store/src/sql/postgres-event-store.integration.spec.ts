import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createTestSchema, describeWithPostgres, postgresUrl } from '../../../../test/support/services';
import { describeEventStoreConformance, event } from '../testing/conformance';
import { SqlEventStore } from './sql-event-store';

describeWithPostgres('PostgreSQL event store', () => {
  const drops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const drop of drops) await drop();
  });

  async function openStore(): Promise<{ store: SqlEventStore; schema: string }> {
    const { client, schema, drop } = await createTestSchema('es');
    drops.push(drop);
    const store = new SqlEventStore(client);
    await store.migrate();
    return { store, schema };
  }

  describeEventStoreConformance('PostgreSQL', { open: async () => (await openStore()).store });

  it('never lets a reader pass a position that a transaction still running can fill', async () => {
    const { store, schema } = await openStore();
    await store.appendToStream('before', [event('Before')]);

    // A writer that has taken its sequence number but not committed yet.
    const slow = new Client({ connectionString: postgresUrl() });
    await slow.connect();
    await slow.query(`set search_path to "${schema}"`);
    await slow.query('begin');
    await slow.query(`insert into streams (stream_id, revision) values ('slow', 0)`);
    await slow.query(
      `insert into events (stream_id, stream_revision, event_id, event_type, data, metadata)
       values ('slow', 0, $1, 'Slow', '{}', '{"recordedAt":"2025-01-01T00:00:00Z"}')`,
      [randomUUID()],
    );
    // A faster writer takes a later sequence number and commits first.
    await store.appendToStream('fast', [event('Fast')]);

    const first = await store.readAll();
    expect(first.events.map((e) => e.type)).toEqual(['Before']);

    await slow.query('commit');
    await slow.end();
    const rest = await store.readAll({ after: first.position });
    expect(rest.events.map((e) => e.type).sort()).toEqual(['Fast', 'Slow']);
    expect(await store.countAfter(rest.position)).toBe(0);
  });

  it('gives each append of one group commit its own answer: success, conflict, idempotent retry', async () => {
    const { store } = await openStore();
    await store.appendToStream('exists', [event('First')]);
    const retried = event('Retried');
    await store.appendToStream('retry', [retried]);
    // Requested in the same turn of the event loop: they are sent as one group.
    const results = await Promise.allSettled([
      store.appendToStream('new', [event('A'), event('B')], { expectedRevision: 'no_stream' }),
      store.appendToStream('exists', [event('Stale')], { expectedRevision: 5 }),
      store.appendToStream('missing', [event('Orphan')], { expectedRevision: 'stream_exists' }),
      store.appendToStream('exists', [event('Second')], { expectedRevision: 0 }),
      store.appendToStream('retry', [retried], { expectedRevision: 'no_stream' }),
      store.appendToStream('any', [event('C')]),
      store.appendToStream('exists-too', [event('D')], { expectedRevision: 'no_stream' }),
    ]);
    expect(
      results.map((r) => (r.status === 'fulfilled' ? r.value.nextExpectedRevision : r.reason.name)),
    ).toEqual([1, 'ConcurrencyError', 'ConcurrencyError', 1, 0, 0, 0]);
    expect((await store.readStream('exists')).map((e) => e.type)).toEqual(['First', 'Second']);
    expect((await store.readStream('new')).map((e) => [e.type, e.revision])).toEqual([
      ['A', 0],
      ['B', 1],
    ]);
    expect((await store.readStream('retry')).map((e) => e.type)).toEqual(['Retried']);
    await expect(store.readStream('missing')).rejects.toThrow();
    const all = (await store.readAll({ maxCount: 100 })).events.map((e) => e.type);
    expect(all.filter((t) => t === 'A' || t === 'B')).toEqual(['A', 'B']);
  });

  it('answers a group whose statement fails by doing each append alone (an event id used twice)', async () => {
    const { store } = await openStore();
    const shared = event('Shared');
    const results = await Promise.allSettled([
      store.appendToStream('one', [shared]),
      store.appendToStream('two', [shared]),
      store.appendToStream('three', [event('Own')]),
    ]);
    expect(results.map((r) => (r.status === 'fulfilled' ? 'ok' : r.reason.name))).toEqual([
      'ok',
      'DuplicateEventIdError',
      'ok',
    ]);
    expect((await store.readAll({ maxCount: 10 })).events.map((e) => e.streamId).sort()).toEqual([
      'one',
      'three',
    ]);
  });

  it('migrates once even when two processes start together', async () => {
    const { client, drop } = await createTestSchema('mig');
    drops.push(drop);
    const a = new SqlEventStore(client);
    const b = new SqlEventStore(client);
    await Promise.all([a.migrate(), b.migrate()]);
    await expect(a.ping()).resolves.toBeUndefined();
  });
});
