import fc from 'fast-check';
import { ParcoursEvent } from '@parcours/domain';
import { EventStore, PgliteSqlClient, SqlClient, SqlEventStore } from '@parcours/event-store';
import { arbitrarySession, play } from '../../../domain/src/testing/random-sessions';
import { parcoursProjection } from '../parcours-view/parcours.projection';
import { appendParcours, dumpReadModels } from '../testing/histories';
import { Projection } from './projection';
import { ProjectionRunner, ProjectionStatus, ProjectionStoppedError } from './projection-runner';
import { flakyStore, until } from '../../../../test/support/faults';

async function openEmbedded(): Promise<{ sql: SqlClient; store: SqlEventStore }> {
  const sql = await PgliteSqlClient.open({ schema: 'projections' });
  const store = new SqlEventStore(sql);
  await store.migrate();
  return { sql, store };
}

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

describe('projection runner on the embedded store', () => {
  let sql: SqlClient;
  let store: SqlEventStore;
  beforeEach(async () => {
    ({ sql, store } = await openEmbedded());
  });
  afterEach(async () => {
    await sql.close();
  });

  it('catches up, checkpoints, and reports its lag', async () => {
    const runner = new ProjectionRunner(store, sql, [parcoursProjection], { batchSize: 2 });
    await runner.migrate();
    await appendParcours(store, 'p-1', [entered('p-1')]);
    await appendParcours(store, 'p-2', [entered('p-2')]);
    expect((await runner.status())[0]).toMatchObject({
      name: 'parcours',
      eventsBehind: 2,
      eventsProcessed: 0,
    });
    expect(await runner.catchUp('parcours')).toBe(2);
    const [status] = await runner.status();
    expect(status).toMatchObject({ eventsBehind: 0, eventsProcessed: 2, error: null });
    expect(await sql.query(`select parcours_id from rm_portfolio order by 1`)).toEqual([
      { parcours_id: 'p-1' },
      { parcours_id: 'p-2' },
    ]);
    // Nothing new: nothing applied, nothing counted twice.
    expect(await runner.catchUp('parcours')).toBe(0);
    expect((await runner.status())[0].eventsProcessed).toBe(2);
  });

  it('stops a projection whose handler throws, with its error, without skipping the event or touching others', async () => {
    let explode = true;
    const fragile: Projection = {
      name: 'fragile',
      version: 1,
      tables: ['rm_fragile'],
      schema: (t) => [`create table if not exists ${t('rm_fragile')} (id text primary key)`],
      async apply(tx, events, t) {
        for (const e of events) {
          await tx.query(`insert into ${t('rm_fragile')} (id) values ($1)`, [e.id]);
          if (explode && e.streamId === 'parcours-p-2') throw new Error('cannot handle this event');
        }
      },
    };
    const runner = new ProjectionRunner(store, sql, [parcoursProjection, fragile], { batchSize: 10 });
    await runner.migrate();
    await appendParcours(store, 'p-1', [entered('p-1')]);
    await appendParcours(store, 'p-2', [entered('p-2')]);
    await expect(runner.catchUp('fragile')).rejects.toThrow('cannot handle this event');
    expect(await runner.catchUp('parcours')).toBe(2);
    const status = Object.fromEntries((await runner.status()).map((s) => [s.name, s]));
    // It stopped exactly at the event at fault, p-1's event being applied.
    expect(status.fragile).toMatchObject({ status: 'failed', eventsBehind: 1, eventsProcessed: 1 });
    expect(status.fragile.error).toMatch(/cannot handle this event.*ParcoursEntered.*parcours-p-2/);
    expect(status.parcours).toMatchObject({ eventsBehind: 0, error: null });
    // The failed event left nothing behind, and a failed projection does not move by itself.
    expect(await sql.query('select count(*)::int as n from rm_fragile')).toEqual([{ n: 1 }]);
    expect(await runner.catchUp('fragile')).toBe(0);
    // After the fix, it resumes from its checkpoint.
    explode = false;
    await runner.resume('fragile');
    expect(await runner.catchUp('fragile')).toBe(1);
    expect(await sql.query('select count(*)::int as n from rm_fragile')).toEqual([{ n: 2 }]);
  });

  it('rebuilds into new tables and swaps them in, equal to what incremental processing produced', async () => {
    const runner = new ProjectionRunner(store, sql, [parcoursProjection], { batchSize: 7 });
    await runner.migrate();
    for (let i = 0; i < 5; i++) {
      const { events } = play(fc.sample(arbitrarySession, { numRuns: 1, seed: 42 + i })[0], `p-${i}`);
      if (events.length) await appendParcours(store, `p-${i}`, events);
      await runner.catchUp('parcours');
    }
    const incremental = await dumpReadModels(sql);
    expect(incremental.rm_portfolio.length).toBeGreaterThan(0);
    await runner.rebuild('parcours');
    expect(await dumpReadModels(sql)).toEqual(incremental);
    expect(await sql.query(`select name from projection_checkpoints order by name`)).toEqual([
      { name: 'parcours' },
    ]);
    expect((await runner.status())[0].eventsBehind).toBe(0);
  });
});

/** PostgreSQL's own errors, as pg reports them. */
const adminShutdown = () =>
  Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
const deadlock = () => Object.assign(new Error('deadlock detected'), { code: '40P01' });

/** The store, unavailable while `down()` says so. */
const flaky = (store: EventStore, down: () => boolean): EventStore =>
  flakyStore(store, down, () =>
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
  );

describe('projection runner when the store goes away', () => {
  let sql: SqlClient;
  let store: SqlEventStore;
  beforeEach(async () => {
    ({ sql, store } = await openEmbedded());
  });
  afterEach(async () => {
    await sql.close();
  });

  const statusOf = async (runner: ProjectionRunner, name = 'parcours'): Promise<ProjectionStatus> =>
    (await runner.status()).find((s) => s.name === name)!;

  it('retries a transient failure with capped backoff, shows `retrying` with the last error, and moves again on its own', async () => {
    let down = true;
    const runner = new ProjectionRunner(
      flaky(store, () => down),
      sql,
      [parcoursProjection],
      { idleMs: 5, maxRetryDelayMs: 20 },
    );
    await runner.migrate();
    await appendParcours(store, 'p-1', [entered('p-1')]);
    runner.start();
    try {
      await until('a few failed attempts', async () => (await statusOf(runner)).retries >= 3);
      const retrying = await statusOf(runner);
      expect(retrying).toMatchObject({ status: 'retrying', eventsBehind: 1, eventsProcessed: 0 });
      expect(retrying.error).toMatch(/ECONNREFUSED/);
      // Nothing recorded as failed: the checkpoint does not need a resume.
      expect(await sql.query(`select status, error from projection_checkpoints`)).toEqual([
        { status: 'running', error: null },
      ]);
      down = false;
      await until('the catch-up', async () => (await statusOf(runner)).eventsBehind === 0);
      expect(await statusOf(runner)).toMatchObject({
        status: 'running',
        error: null,
        retries: 0,
        eventsProcessed: 1,
      });
      // And it keeps following the log.
      await appendParcours(store, 'p-2', [entered('p-2')]);
      await until('the next event', async () => (await statusOf(runner)).eventsProcessed === 2);
    } finally {
      await runner.stop();
    }
    expect((await statusOf(runner)).status).toBe('stopped');
  });

  it('does not take a connection lost or a deadlock inside the batch for a fault of the handler', async () => {
    const failures = [adminShutdown(), deadlock()];
    const wrapped: Projection = {
      ...parcoursProjection,
      async apply(tx, events, t) {
        const failure = failures.shift();
        if (failure) throw failure;
        return parcoursProjection.apply(tx, events, t);
      },
    };
    const runner = new ProjectionRunner(store, sql, [wrapped], { batchSize: 10 });
    await runner.migrate();
    await appendParcours(store, 'p-1', [entered('p-1')]);
    await appendParcours(store, 'p-2', [entered('p-2')]);
    await expect(runner.runBatch('parcours')).rejects.toMatchObject({ code: '57P01' });
    await expect(runner.runBatch('parcours')).rejects.toMatchObject({ code: '40P01' });
    expect(await statusOf(runner)).toMatchObject({ eventsBehind: 2, error: null });
    expect(await runner.catchUp('parcours')).toBe(2);
  });

  it('a failed projection keeps its loop: resume() restarts it in the running process', async () => {
    let explode = true;
    const fragile: Projection = {
      name: 'fragile',
      version: 1,
      tables: ['rm_fragile'],
      schema: (t) => [`create table if not exists ${t('rm_fragile')} (id text primary key)`],
      async apply(tx, events, t) {
        for (const e of events) {
          if (explode && e.streamId === 'parcours-p-2') throw new Error('cannot handle this event');
          await tx.query(`insert into ${t('rm_fragile')} (id) values ($1)`, [e.id]);
        }
      },
    };
    const runner = new ProjectionRunner(store, sql, [fragile], { idleMs: 5 });
    await runner.migrate();
    await appendParcours(store, 'p-1', [entered('p-1')]);
    await appendParcours(store, 'p-2', [entered('p-2')]);
    runner.start();
    try {
      await until('the failure', async () => (await statusOf(runner, 'fragile')).status === 'failed');
      expect(await statusOf(runner, 'fragile')).toMatchObject({
        eventsBehind: 1,
        eventsProcessed: 1,
        retries: 0,
      });
      expect((await statusOf(runner, 'fragile')).error).toMatch(/cannot handle this event.*parcours-p-2/);
      explode = false;
      await runner.resume('fragile');
      await until(
        'the catch-up after resume',
        async () => (await statusOf(runner, 'fragile')).eventsBehind === 0,
      );
      expect(await statusOf(runner, 'fragile')).toMatchObject({
        status: 'running',
        error: null,
        eventsProcessed: 2,
      });
    } finally {
      await runner.stop();
    }
  });

  it('names the event at fault in a ProjectionStoppedError, and refuses unknown names', async () => {
    const broken: Projection = {
      name: 'broken',
      version: 1,
      tables: [],
      schema: () => [],
      apply: async () => Promise.reject(new Error('bug')),
    };
    const runner = new ProjectionRunner(store, sql, [broken]);
    await runner.migrate();
    await appendParcours(store, 'p-1', [entered('p-1')]);
    const error = await runner.runBatch('broken').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProjectionStoppedError);
    expect((error as Error).message).toMatch(
      /^bug \(event .*, type ParcoursEntered, stream parcours-p-1, position .*\)$/,
    );
    await expect(runner.resume('nope')).rejects.toThrow('unknown projection: nope');
  });
});

describe('incremental processing and a full rebuild agree on random histories', () => {
  it('for any split of the log into batches', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(arbitrarySession, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 8 }),
        async (sessions, batchSize, rebuildBatchSize) => {
          const { sql, store } = await openEmbedded();
          try {
            // Small rebuild batches: views kept in memory between them, forgotten and read back.
            const logged: string[] = [];
            const runner = new ProjectionRunner(store, sql, [parcoursProjection], {
              batchSize,
              rebuildBatchSize,
              log: (m) => logged.push(m),
            });
            await runner.migrate();
            for (const [i, steps] of sessions.entries()) {
              const { events } = play(steps, `p-${i}`);
              if (events.length === 0) continue;
              await appendParcours(store, `p-${i}`, events, 1 + (i % 4));
              // Interleave processing with writing, as the worker does.
              await runner.runBatch('parcours');
            }
            await runner.catchUp('parcours');
            const incremental = await dumpReadModels(sql);
            await runner.rebuild('parcours');
            expect(await dumpReadModels(sql)).toEqual(incremental);
            // Folded ahead from start to end: never fell back to the plain batches.
            expect(logged.filter((m) => m.includes('batch by batch'))).toEqual([]);
          } finally {
            await sql.close();
          }
        },
      ),
      { numRuns: 10 },
    );
  }, 300_000); // a property over many PGlite databases: slow on a loaded machine, never a speed check
});
