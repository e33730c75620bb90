import { ChildProcess } from 'node:child_process';
import fc from 'fast-check';
import { SqlEventStore } from '@parcours/event-store';
import { parcoursProjection, ProjectionRunner } from '@parcours/projections';
import { arbitrarySession, play } from '../../../libs/domain/src/testing/random-sessions';
import { appendParcours, dumpReadModels } from '../../../libs/projections/src/testing/histories';
import { createTestSchema, describeWithPostgres, postgresUrl } from '../../../test/support/services';
import { spawnWorker } from '../../../test/support/worker';

/**
 * The real worker process (apps/worker/src/main.ts) against PostgreSQL,
 * killed with SIGKILL while it projects, then restarted: the read models must
 * equal a rebuild from the log — nothing lost, nothing counted twice.
 */
describeWithPostgres('worker killed mid-batch', () => {
  jest.setTimeout(180_000);
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    schema = await createTestSchema('crash');
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await schema.drop();
  });

  function startWorker(): ChildProcess {
    const worker = spawnWorker({
      PARCOURS_STORE: 'postgres',
      DATABASE_URL: postgresUrl(),
      PARCOURS_PG_SCHEMA: schema.schema,
      PARCOURS_PROJECTION_BATCH_SIZE: '40',
    });
    let errors = '';
    worker.stderr!.on('data', (d) => (errors += d));
    worker.on('exit', (code, signal) => {
      if (code && code !== 0 && signal !== 'SIGKILL') console.error(`worker exited ${code}: ${errors}`);
    });
    return worker;
  }

  async function processed(): Promise<number> {
    try {
      const [row] = await schema.client.query<{ n: number }>(
        `select events_processed::int as n from projection_checkpoints where name = 'parcours'`,
      );
      return row?.n ?? 0;
    } catch {
      return 0; // not migrated yet
    }
  }

  async function waitFor(
    condition: () => Promise<boolean>,
    what: string,
    timeoutMs = 120_000,
  ): Promise<void> {
    const started = Date.now();
    while (!(await condition())) {
      if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('resumes from its checkpoint and ends equal to a rebuild', async () => {
    const store = new SqlEventStore(schema.client);
    await store.migrate();
    const sessions = fc.sample(arbitrarySession, { numRuns: 120, seed: 7 });
    let total = 0;
    for (const [i, steps] of sessions.entries()) {
      const { events } = play(steps, `crash-${i}`);
      if (events.length) await appendParcours(store, `crash-${i}`, events, 5);
      total += events.length;
    }
    expect(total).toBeGreaterThan(1000);

    // Kill it twice while it is working through the log.
    for (const fraction of [0.2, 0.6]) {
      child = startWorker();
      await waitFor(async () => (await processed()) >= total * fraction, `${fraction * 100} % processed`);
      child.kill('SIGKILL');
      await new Promise((r) => child!.once('exit', r));
      expect(await processed()).toBeLessThan(total);
    }

    child = startWorker();
    await waitFor(
      async () =>
        (await processed()) === total &&
        (await store.countAfter(
          (
            await schema.client.query<{ position: string }>(
              `select position from projection_checkpoints where name = 'parcours'`,
            )
          )[0].position,
        )) === 0,
      'catch-up',
    );
    child.kill('SIGTERM');
    await new Promise((r) => child!.once('exit', r));
    child = undefined;

    expect(await processed()).toBe(total);
    const afterCrashes = await dumpReadModels(schema.client);
    await new ProjectionRunner(store, schema.client, [parcoursProjection]).rebuild('parcours');
    expect(await dumpReadModels(schema.client)).toEqual(afterCrashes);
  });
});
