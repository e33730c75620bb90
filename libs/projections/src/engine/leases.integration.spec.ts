import { randomUUID } from 'node:crypto';
import { Leases, SqlEventStore } from '@parcours/event-store';
import { createTestSchema, describeWithPostgres } from '../../../../test/support/services';
import { Projection } from './projection';
import { ProjectionRunner } from './projection-runner';

/** A projection that writes which worker applied each event: work done twice would show. */
const applied = (worker: string): Projection => ({
  name: 'applied',
  version: 1,
  tables: ['applied_by'],
  schema: (t) => [
    `create table if not exists ${t('applied_by')} (event_id text not null, worker text not null)`,
  ],
  async apply(tx, events, t) {
    await tx.query(`insert into ${t('applied_by')} select unnest($1::text[]), $2`, [
      events.map((e) => e.id),
      worker,
    ]);
  },
});

/**
 * Two workers on one store (the plan beyond one machine, docs/SCALING.md): a
 * projection is run by the one holding its lease; the other takes it over
 * when the holder stops (at once) or dies (when its lease expires).
 */
describeWithPostgres('workers sharing projections through leases', () => {
  jest.setTimeout(60_000);
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let store: SqlEventStore;
  let written = 0;
  const runners: ProjectionRunner[] = [];

  beforeAll(async () => {
    schema = await createTestSchema('leases');
    store = new SqlEventStore(schema.client);
    await store.migrate();
  });
  afterAll(async () => {
    for (const r of runners) await r.stop().catch(() => undefined);
    await schema.drop();
  });

  const append = async (n: number) => {
    for (let i = 0; i < n; i++)
      await store.appendToStream(`s-${written + i}`, [{ id: randomUUID(), type: 'Noted', data: {} }], {
        expectedRevision: 'no_stream',
      });
    written += n;
  };
  const worker = async (name: string, leases: Leases) => {
    const runner = new ProjectionRunner(store, schema.client, [applied(name)], { idleMs: 20, leases });
    runners.push(runner);
    await runner.migrate();
    runner.start();
    return runner;
  };
  const byWorker = async () =>
    schema.client.query<{ worker: string; n: number; distinct: number }>(
      'select worker, count(*)::int as n, count(distinct event_id)::int as distinct from applied_by group by worker order by worker',
    );
  const allApplied = async () => {
    const started = Date.now();
    for (;;) {
      const [{ n }] = await schema.client.query<{ n: number }>('select count(*)::int as n from applied_by');
      if (n >= written) return;
      if (Date.now() - started > 30_000) throw new Error(`${n} of ${written} applied`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('one holder at a time; handed over at a clean stop, taken over after a crash once the lease expires', async () => {
    const a = await worker('a', new Leases(schema.client, 400));
    await append(30);
    await allApplied();
    await worker('b', new Leases(schema.client, 400));
    await append(30);
    await allApplied();
    // B waited: A holds the lease and renews it.
    expect(await byWorker()).toEqual([{ worker: 'a', n: 60, distinct: 60 }]);

    await a.stop();
    await append(30);
    await allApplied();
    expect(await byWorker()).toEqual([
      { worker: 'a', n: 60, distinct: 60 },
      { worker: 'b', n: 30, distinct: 30 },
    ]);

    // B dies without a word: its lease stays until it expires, then C takes the projection over.
    const b = runners[1];
    const crashed = new Leases(schema.client, 400);
    (b as unknown as { leases: Leases }).leases = crashed; // release() of a lease it does not hold: nothing
    await b.stop();
    const c = await worker('c', new Leases(schema.client, 400));
    await append(30);
    await allApplied();
    const rows = await byWorker();
    expect(rows).toEqual([
      { worker: 'a', n: 60, distinct: 60 },
      { worker: 'b', n: 30, distinct: 30 },
      { worker: 'c', n: 30, distinct: 30 },
    ]);
    await c.stop();
  });

  it('a lease is held by one process whatever the number asking at once', async () => {
    const contenders = Array.from({ length: 8 }, () => new Leases(schema.client, 5_000));
    const won = await Promise.all(contenders.map((l) => l.hold('race')));
    expect(won.filter(Boolean)).toHaveLength(1);
    const holder = contenders[won.indexOf(true)].holder;
    expect((await contenders[0].holders()).race).toBe(holder);
  });
});
