import { ParcoursEvent } from '@parcours/domain';
import { SqlClient, SqlEventStore } from '@parcours/event-store';
import { createTestSchema, describeWithPostgres } from '../../../../test/support/services';
import { until } from '../../../../test/support/faults';
import { appendParcours } from '../testing/histories';
import { Projection } from './projection';
import { ProjectionRunner } from './projection-runner';

const entered = (id: string, territory: string): ParcoursEvent => ({
  type: 'ParcoursEntered',
  data: {
    parcoursId: id,
    cycle: 1,
    person: { lastName: 'L', firstName: 'F', birthDate: '1980-01-01', sex: 'female' },
    household: { type: 'single', size: 1 },
    territory,
    demandOn: '2025-01-01',
    rightOpenedOn: '2025-01-02',
    enteredOn: '2025-01-03',
  },
});

/**
 * A projection of the entries, in two versions: version 2 adds the territory
 * (a new column and a new index), as a changed fold would.
 */
function entries(version: 1 | 2, onApply: () => Promise<void> = async () => undefined): Projection {
  return {
    name: 'entries',
    version,
    tables: ['rm_entries'],
    schema: (t) => [
      version === 1
        ? `create table if not exists ${t('rm_entries')} (id text primary key)`
        : `create table if not exists ${t('rm_entries')} (id text primary key, territory text not null)`,
      `create index if not exists ${t('rm_entries')}_id on ${t('rm_entries')} (id)`,
      ...(version === 2
        ? [`create index if not exists ${t('rm_entries')}_territory on ${t('rm_entries')} (territory)`]
        : []),
    ],
    async apply(tx, events, t) {
      for (const e of events) {
        if (e.type !== 'ParcoursEntered') continue;
        await onApply();
        const id = e.streamId;
        if (version === 1) await tx.query(`insert into ${t('rm_entries')} (id) values ($1)`, [id]);
        else
          await tx.query(`insert into ${t('rm_entries')} (id, territory) values ($1, $2)`, [
            id,
            (e.data as { territory: string }).territory,
          ]);
      }
    },
  };
}

const indexesOf = (sql: SqlClient, table: string) =>
  sql
    .query<{ indexname: string }>(
      `select indexname from pg_indexes where schemaname = current_schema() and tablename = $1 order by 1`,
      [table],
    )
    .then((rows) => rows.map((r) => r.indexname));

describeWithPostgres('projection versions (read-side migrations) on PostgreSQL', () => {
  let sql: SqlClient;
  let store: SqlEventStore;
  let drop: () => Promise<void>;
  beforeEach(async () => {
    ({ client: sql, drop } = await createTestSchema('pv'));
    store = new SqlEventStore(sql);
    await store.migrate();
  });
  afterEach(async () => drop());

  it('rebuilds a projection whose version rose at start-up, the old tables serving until the swap', async () => {
    const v1 = new ProjectionRunner(store, sql, [entries(1)]);
    await v1.migrate();
    await appendParcours(store, 'p-1', [entered('p-1', 'T1')]);
    await appendParcours(store, 'p-2', [entered('p-2', 'T2')]);
    await v1.catchUp('entries');

    // The new program: its fold waits at the first event until the test lets it go.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const v2 = new ProjectionRunner(store, sql, [entries(2, () => gate)], { idleMs: 5 });
    await v2.migrate();
    expect(await v2.status()).toMatchObject([{ name: 'entries', status: 'stopped' }]);
    v2.start();
    try {
      expect((await v2.status())[0].status).toBe('upgrading');
      // Meanwhile the version-1 tables serve as they stood.
      expect(await sql.query(`select * from rm_entries order by id`)).toEqual([
        { id: 'parcours-p-1' },
        { id: 'parcours-p-2' },
      ]);
      release();
      await until('the upgrade', async () => (await v2.status())[0].status === 'running');
      await appendParcours(store, 'p-3', [entered('p-3', 'T3')]);
      await until('the new event', async () => (await v2.status())[0].eventsBehind === 0);
      expect(await sql.query(`select id, territory from rm_entries order by id`)).toEqual([
        { id: 'parcours-p-1', territory: 'T1' },
        { id: 'parcours-p-2', territory: 'T2' },
        { id: 'parcours-p-3', territory: 'T3' },
      ]);
      expect(await sql.query(`select version from projection_checkpoints where name = 'entries'`)).toEqual([
        { version: 2 },
      ]);
      expect(await indexesOf(sql, 'rm_entries')).toEqual([
        'rm_entries_id',
        'rm_entries_pkey',
        'rm_entries_territory',
      ]);
    } finally {
      await v2.stop();
    }

    // A second start of the same program finds the version current: nothing to rebuild.
    const again = new ProjectionRunner(store, sql, [entries(2)]);
    await again.migrate();
    again.start();
    try {
      expect((await again.status())[0].status).toBe('running');
    } finally {
      await again.stop();
    }
  });

  it('keeps the live index names across two rebuilds, so the second generation is indexed too', async () => {
    const runner = new ProjectionRunner(store, sql, [entries(2)]);
    await runner.migrate();
    await appendParcours(store, 'p-1', [entered('p-1', 'T1')]);
    await runner.rebuild('entries');
    await runner.rebuild('entries');
    expect(await indexesOf(sql, 'rm_entries')).toEqual([
      'rm_entries_id',
      'rm_entries_pkey',
      'rm_entries_territory',
    ]);
    expect(await sql.query(`select id, territory from rm_entries`)).toEqual([
      { id: 'parcours-p-1', territory: 'T1' },
    ]);
  });

  it('leaves alone the tables of a newer version than the program knows, and says so', async () => {
    const newer = new ProjectionRunner(store, sql, [entries(2)]);
    await newer.migrate();
    await appendParcours(store, 'p-1', [entered('p-1', 'T1')]);
    await newer.catchUp('entries');
    const older = new ProjectionRunner(store, sql, [entries(1)]);
    await older.migrate();
    older.start();
    try {
      const [status] = await older.status();
      expect(status.status).toBe('stopped');
      expect(status.error).toMatch(/tables are at version 2, this program knows version 1/);
      expect(await sql.query(`select id, territory from rm_entries`)).toEqual([
        { id: 'parcours-p-1', territory: 'T1' },
      ]);
    } finally {
      await older.stop();
    }
  });

  it('two processes starting the new version together upgrade once, and both run on it', async () => {
    await new ProjectionRunner(store, sql, [entries(1)]).migrate();
    for (let i = 0; i < 30; i++) await appendParcours(store, `p-${i}`, [entered(`p-${i}`, `T${i % 3}`)]);
    const a = new ProjectionRunner(store, sql, [entries(2)], { idleMs: 5, rebuildBatchSize: 3 });
    const b = new ProjectionRunner(store, sql, [entries(2)], { idleMs: 5, rebuildBatchSize: 3 });
    await Promise.all([a.migrate(), b.migrate()]);
    a.start();
    b.start();
    try {
      await until(
        'both running',
        async () => (await a.status())[0].status === 'running' && (await b.status())[0].status === 'running',
        60_000,
      );
      await appendParcours(store, 'p-late', [entered('p-late', 'T9')]);
      await until('the new event', async () => (await a.status())[0].eventsBehind === 0);
      expect(
        await sql.query(`select count(*)::int as n, count(distinct id)::int as d from rm_entries`),
      ).toEqual([{ n: 31, d: 31 }]);
      expect(await sql.query(`select territory from rm_entries where id = 'parcours-p-late'`)).toEqual([
        { territory: 'T9' },
      ]);
      expect(await sql.query(`select name, version from projection_checkpoints order by name`)).toEqual([
        { name: 'entries', version: 2 },
      ]);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('an upgrade cut short by a stop starts again at the next start', async () => {
    await new ProjectionRunner(store, sql, [entries(1)]).migrate();
    for (let i = 0; i < 5; i++) await appendParcours(store, `p-${i}`, [entered(`p-${i}`, 'T1')]);
    let stopping!: () => void;
    const stopped = new Promise<void>((resolve) => (stopping = resolve));
    const first = new ProjectionRunner(store, sql, [entries(2, () => stopped)], { batchSize: 1, idleMs: 5 });
    await first.migrate();
    first.start();
    const stop = first.stop();
    stopping();
    await stop;
    expect(await sql.query(`select version from projection_checkpoints where name = 'entries'`)).toEqual([
      { version: 1 },
    ]);
    const second = new ProjectionRunner(store, sql, [entries(2)], { idleMs: 5 });
    await second.migrate();
    second.start();
    try {
      await until('the upgrade', async () => (await second.status())[0].status === 'running');
      expect(await sql.query(`select count(*)::int as n from rm_entries where territory = 'T1'`)).toEqual([
        { n: 5 },
      ]);
    } finally {
      await second.stop();
    }
  });
});
