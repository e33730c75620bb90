import fc from 'fast-check';
import { ParcoursEvent } from '@parcours/domain';
import { PgliteSqlClient, SqlClient, SqlEventStore } from '@parcours/event-store';
import { arbitrarySession, play } from '../../../domain/src/testing/random-sessions';
import { parcoursProjection } from '../parcours-view/parcours.projection';
import { appendParcours, dumpReadModels } from '../testing/histories';
import { Projection } from './projection';
import { ProjectionRunner } from './projection-runner';

async function openEmbedded(): Promise<{ sql: SqlClient; store: SqlEventStore }> {
  const sql = await PgliteSqlClient.open({ schema: 'projections' });
  const store = new SqlEventStore(sql);
  await store.migrate();
  return { sql, store };
}

const entered = (id: string): ParcoursEvent => ({
  type: 'ParcoursEntered',
  data: {
    parcoursId: id, cycle: 1, person: { lastName: 'L', firstName: 'F', birthDate: '1980-01-01', sex: 'male' },
    household: { type: 'single', size: 1 }, territory: 'T1', demandOn: '2025-01-01', rightOpenedOn: '2025-01-02', enteredOn: '2025-01-03',
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
    expect((await runner.status())[0]).toMatchObject({ name: 'parcours', eventsBehind: 2, eventsProcessed: 0 });
    expect(await runner.catchUp('parcours')).toBe(2);
    const [status] = await runner.status();
    expect(status).toMatchObject({ eventsBehind: 0, eventsProcessed: 2, error: null });
    expect(await sql.query(`select parcours_id from rm_portfolio order by 1`)).toEqual([{ parcours_id: 'p-1' }, { parcours_id: 'p-2' }]);
    // Nothing new: nothing applied, nothing counted twice.
    expect(await runner.catchUp('parcours')).toBe(0);
    expect((await runner.status())[0].eventsProcessed).toBe(2);
  });

  it('stops a projection whose handler throws, with its error, without skipping the event or touching others', async () => {
    let explode = true;
    const fragile: Projection = {
      name: 'fragile',
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
    expect(await sql.query(`select name from projection_checkpoints order by name`)).toEqual([{ name: 'parcours' }]);
    expect((await runner.status())[0].eventsBehind).toBe(0);
  });
});

describe('incremental processing and a full rebuild agree on random histories', () => {
  it('for any split of the log into batches', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbitrarySession, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 40 }), async (sessions, batchSize) => {
        const { sql, store } = await openEmbedded();
        try {
          const runner = new ProjectionRunner(store, sql, [parcoursProjection], { batchSize });
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
        } finally {
          await sql.close();
        }
      }),
      { numRuns: 10 },
    );
  });
});
