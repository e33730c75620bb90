import { loadConfig } from '@parcours/config';
import { openStores } from '@parcours/event-store';
import { createProjectionRunner } from '@parcours/projections';
import { schemaCheckedStores } from '@parcours/runtime';
import { createTestSchema, describeWithPostgres, postgresUrl } from '../../../test/support/services';
import { demoParcours } from './demo-data';
import { runCli } from './main';

describe('demo data generation', () => {
  it('gives the same parcours for a seed, and others for another seed', () => {
    const first = demoParcours(7, 3, 5);
    expect(demoParcours(7, 3, 5)).toEqual(first);
    expect(demoParcours(8, 3, 5).parcoursId).not.toBe(first.parcoursId);
    expect(first.events.length).toBeGreaterThan(0);
    for (const e of first.events)
      if (e.type === 'ParcoursEntered') expect(e.data.territory).toMatch(/^T[1-5]$/);
  });
});

describeWithPostgres('npm run cli -- demo-data on PostgreSQL', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  beforeAll(async () => {
    schema = await createTestSchema('cli_demo');
  });
  afterAll(() => schema.drop());

  const env = () => ({
    PARCOURS_JWT_SECRET: 'cli-test-secret-of-at-least-32-characters',
    PARCOURS_STORE: 'postgres',
    DATABASE_URL: postgresUrl(),
    PARCOURS_PG_SCHEMA: schema.schema,
  });

  async function run(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(
      argv,
      (s) => out.push(s),
      (s) => err.push(s),
      env(),
    );
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  const parcoursStreams = async () =>
    Number(
      (
        await schema.client.query<{ n: string }>(
          `select count(*) as n from streams where stream_id like 'parcours-%'`,
        )
      )[0].n,
    );

  it('writes n parcours streams, refuses a second run without --append, and adds with it', async () => {
    const first = await run('demo-data', '--parcours', '12', '--seed', '5', '--territories', '3');
    expect(first).toMatchObject({ code: 0 });
    expect(first.out).toMatch(/^12 parcours of seed 5 in the store \(\d+ events, territories T1\.\.T3\)$/);
    expect(first.err).toMatch(/^demo-data 12 parcours, seed 5: started\n.*12 parcours, \d+ events in /);
    expect(await parcoursStreams()).toBe(12);

    const again = await run('demo-data', '--parcours', '12', '--seed', '5');
    expect(again.code).toBe(2);
    expect(again.out).toBe('');
    expect(again.err.split('\n')).toHaveLength(1);
    expect(again.err).toMatch(/^error: the store already holds \d+ events: add --append/);
    expect(await parcoursStreams()).toBe(12);

    const appended = await run('demo-data', '--parcours', '4', '--seed', '6', '--append');
    expect(appended.code).toBe(0);
    expect(await parcoursStreams()).toBe(16);
    // The same seed again (an interrupted run completed): the parcours already there are not written twice.
    const sameSeed = await run('demo-data', '--parcours', '13', '--seed', '5', '--append');
    expect(sameSeed.code).toBe(0);
    expect(await parcoursStreams()).toBe(17);
  });

  it('refuses a command line without --parcours or with a bad number, before opening the store', async () => {
    expect((await run('demo-data')).err).toMatch(/^error: --parcours <n> is required/);
    expect((await run('demo-data', '--parcours', '-3')).code).toBe(2);
    expect((await run('demo-data', '--parcours', '10', '--territories', '0')).err).toMatch(
      /--territories must be/,
    );
  });

  it('gives the progress of a rebuild of the demo parcours, batch after batch', async () => {
    const stores = schemaCheckedStores(await openStores(loadConfig(env())));
    try {
      const runner = createProjectionRunner(stores.eventStore, stores.sql, {
        batchSize: 25,
        rebuildBatchSize: 25,
      });
      await runner.migrate();
      const ticks: [number, number][] = [];
      const events = await runner.rebuild('parcours', undefined, {
        onProgress: (done, total) => ticks.push([done, total]),
      });
      expect(ticks.length).toBeGreaterThan(1);
      expect(ticks.at(-1)).toEqual([events, events]);
      expect(ticks.map(([done]) => done)).toEqual([...ticks.map(([done]) => done)].sort((a, b) => a - b));
    } finally {
      await stores.close();
    }
  });
});
