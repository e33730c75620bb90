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

  it('migrates once even when two processes start together', async () => {
    const { client, drop } = await createTestSchema('mig');
    drops.push(drop);
    const a = new SqlEventStore(client);
    const b = new SqlEventStore(client);
    await Promise.all([a.migrate(), b.migrate()]);
    await expect(a.ping()).resolves.toBeUndefined();
  });
});
