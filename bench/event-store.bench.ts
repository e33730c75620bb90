/**
 * Event store throughput: appends (one event per command, as the API does)
 * and read-all pages, on the embedded store and, when it answers, PostgreSQL.
 * Prints figures; asserts nothing. Run: npm run bench [-- events]
 */
import { randomUUID } from 'node:crypto';
import { EventStore, PgliteSqlClient, SqlEventStore } from '../libs/event-store/src';
import { onPostgres, runBench } from './support';

const EVENTS = Number(process.argv[2] ?? 5000);
const STREAMS = 500;

async function measure(name: string, store: EventStore): Promise<void> {
  const revisions = new Map<string, number>();
  const started = process.hrtime.bigint();
  for (let i = 0; i < EVENTS; i++) {
    const stream = `parcours-${i % STREAMS}`;
    const expected = revisions.get(stream) ?? 'no_stream';
    const r = await store.appendToStream(
      stream,
      [{ id: randomUUID(), type: 'AppointmentHeld', data: { on: '2025-03-01', n: i } }],
      {
        expectedRevision: expected,
      },
    );
    revisions.set(stream, r.nextExpectedRevision);
  }
  const appendMs = Number(process.hrtime.bigint() - started) / 1e6;
  const readStarted = process.hrtime.bigint();
  let after: string | undefined;
  let read = 0;
  for (;;) {
    const page = await store.readAll({ after, maxCount: 1000 });
    if (page.events.length === 0) break;
    read += page.events.length;
    after = page.position;
  }
  const readMs = Number(process.hrtime.bigint() - readStarted) / 1e6;
  console.log(
    `${name.padEnd(12)} append ${EVENTS} events: ${appendMs.toFixed(0)} ms (${((EVENTS / appendMs) * 1000).toFixed(0)}/s)` +
      ` | read-all ${read} events: ${readMs.toFixed(0)} ms (${((read / readMs) * 1000).toFixed(0)}/s)`,
  );
}

async function main(): Promise<void> {
  const embedded = new SqlEventStore(await PgliteSqlClient.open({ schema: 'bench' }));
  await embedded.migrate();
  await measure('PGlite', embedded);
  await embedded.close();

  await onPostgres('PostgreSQL', async (sql) => {
    const pg = new SqlEventStore(sql);
    await pg.migrate();
    await measure('PostgreSQL', pg);
  });
}

runBench(main);
