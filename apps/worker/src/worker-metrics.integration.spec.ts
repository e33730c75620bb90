import { ChildProcess } from 'node:child_process';
import fc from 'fast-check';
import { SqlEventStore } from '@parcours/event-store';
import { arbitrarySession, play } from '../../../libs/domain/src/testing/random-sessions';
import { appendParcours } from '../../../libs/projections/src/testing/histories';
import { createTestSchema, describeWithPostgres, postgresUrl } from '../../../test/support/services';
import { spawnWorker } from '../../../test/support/worker';

/** The value of a sample of the scrape (labels written as Prometheus prints them), undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/**
 * The worker run alone (apps/worker/src/main.ts) has no HTTP API: with
 * PARCOURS_WORKER_METRICS_PORT it serves GET /metrics on that port, with the
 * live state of its projections.
 */
describeWithPostgres('the worker alone: GET /metrics on its own port', () => {
  jest.setTimeout(120_000);
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    schema = await createTestSchema('wmetrics');
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await schema.drop();
  });

  it('shows its projections catching up with the log, and nothing else on that port', async () => {
    const store = new SqlEventStore(schema.client);
    await store.migrate();
    let total = 0;
    for (const [i, steps] of fc.sample(arbitrarySession, { numRuns: 20, seed: 11 }).entries()) {
      const { events } = play(steps, `wm-${i}`);
      if (events.length) await appendParcours(store, `wm-${i}`, events, 5);
      total += events.length;
    }
    expect(total).toBeGreaterThan(50);

    child = spawnWorker(
      {
        PARCOURS_STORE: 'postgres',
        DATABASE_URL: postgresUrl(),
        PARCOURS_PG_SCHEMA: schema.schema,
        PARCOURS_WORKER_METRICS_PORT: '0',
      },
      { stdout: true },
    );
    // The port chosen by the system is in the start-up log line.
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`no metrics line in: ${out}`)), 60_000);
      child!.stdout!.on('data', (d) => {
        out += d;
        const found = /metrics on (http:\/\/[\d.]+:\d+\/metrics)/.exec(out);
        if (found) {
          clearTimeout(timer);
          resolve(found[1]);
        }
      });
      child!.once('exit', (code) => reject(new Error(`worker exited ${code}: ${out}`)));
    });

    let text = '';
    const started = Date.now();
    while (sample(text, 'parcours_projection_events_processed{projection="parcours"}') !== total) {
      if (Date.now() - started > 60_000) throw new Error(`never caught up:\n${text}`);
      await new Promise((r) => setTimeout(r, 100));
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      text = await res.text();
    }
    expect(sample(text, 'parcours_projection_events_behind{projection="parcours"}')).toBe(0);
    expect(sample(text, 'parcours_projection_status{projection="parcours",status="running"}')).toBe(1);
    // Node's own metrics, prefixed as the API's.
    expect(sample(text, 'parcours_process_resident_memory_bytes')).toBeGreaterThan(0);
    // No Kafka configured: no relay nor consumer series.
    expect(text).not.toMatch(/^parcours_(relay|consumer)_/m);

    const other = await fetch(url.replace('/metrics', '/api/parcours'));
    expect(other.status).toBe(404);
    expect((await fetch(url, { method: 'POST' })).status).toBe(404);
  });
});
