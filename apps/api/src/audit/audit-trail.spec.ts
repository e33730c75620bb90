import { Logger } from '@nestjs/common';
import { PgliteSqlClient, SqlClient, SqlQueryable } from '@parcours/event-store';
import { AuditedRead, AuditTrail, AuditTrailOptions } from './audit-trail';
import { auditOfParcours } from './audit.queries';

/** The SQL client of the tests, with the audit's inserts counted and an outage at will. */
class Flaky implements SqlClient {
  down = false;
  inserts: number[] = [];
  constructor(private readonly inner: SqlClient) {}
  async query<R>(sql: string, params?: unknown[]): Promise<R[]> {
    if (sql.startsWith('insert into audit_reads')) {
      if (this.down)
        throw Object.assign(new Error('terminating connection due to administrator command'), {
          code: '57P01',
        });
      this.inserts.push((JSON.parse(String(params![0])) as unknown[]).length);
    }
    return this.inner.query<R>(sql, params);
  }
  transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    return this.inner.transaction(work);
  }
  exec(script: string): Promise<void> {
    return this.inner.exec(script);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

const read = (n: number, ids = [`p-${n}`]): AuditedRead => ({
  at: new Date(Date.UTC(2025, 5, 30, 10, 0, 0, n)),
  who: { sub: 'user-ref-1', role: 'referent', referentId: 'ref-1', organisationId: 'org-1' },
  method: 'GET',
  route: '/api/parcours/:id',
  parcoursIds: ids,
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describe('the audit trail buffer', () => {
  let pglite: PgliteSqlClient;
  let sql: Flaky;
  let before = 0;
  // Rows cannot be deleted: each test counts from where the previous one left the table.
  const count = async () =>
    Number((await sql.query<{ n: number }>('select count(*)::int as n from audit_reads'))[0].n) - before;

  async function trail(options: Partial<AuditTrailOptions>): Promise<AuditTrail> {
    const t = new AuditTrail(sql, options);
    await t.onModuleInit();
    return t;
  }

  beforeAll(async () => {
    Logger.overrideLogger(false);
    pglite = await PgliteSqlClient.open({ schema: 'audit_unit' });
  });
  beforeEach(async () => {
    sql = new Flaky(pglite);
    await new AuditTrail(sql).onModuleInit();
    before = 0;
    before = await count();
  });
  afterAll(async () => {
    await pglite.close();
  });

  it('writes a full batch at once in one insert, the rest after the interval', async () => {
    const t = await trail({ batchSize: 100, flushIntervalMs: 300 });
    for (let i = 0; i < 100; i++) await t.record(read(i));
    await until(async () => (await count()) === 100, 250);
    expect(sql.inserts).toEqual([100]);
    for (let i = 100; i < 105; i++) await t.record(read(i));
    await sleep(100);
    expect(await count()).toBe(100);
    await until(async () => (await count()) === 105);
    expect(sql.inserts).toEqual([100, 5]);
    await t.beforeApplicationShutdown();
  });

  it('keeps every read through an outage, answers 503 when full, and writes them all in order once the database is back', async () => {
    const t = await trail({ batchSize: 10, flushIntervalMs: 10, capacity: 25 });
    sql.down = true;
    // 12 reads of 2 ids each: 24 ids held; the next one would pass the capacity.
    for (let i = 0; i < 12; i++) await t.record(read(i, [`q-${i}`, 'p-shared']));
    await until(() => t.pending.failures >= 2);
    expect(t.pending).toMatchObject({ reads: 12, parcoursIds: 24 });
    await expect(t.record(read(12, ['q-12', 'p-shared']))).rejects.toMatchObject({
      response: { statusCode: 503, code: 'STORE_UNAVAILABLE' },
    });
    // A one-id read still fits; then the buffer refuses before any read is done.
    await t.record(read(13));
    expect(() => t.assertAccepting()).toThrow(
      expect.objectContaining({ response: expect.objectContaining({ code: 'STORE_UNAVAILABLE' }) }),
    );
    sql.down = false;
    await until(async () => (await count()) === 13);
    expect(t.pending).toEqual({ reads: 0, parcoursIds: 0, failures: 0 });
    const shared = await auditOfParcours(sql, 'p-shared');
    expect(shared.map((r) => r.readAt)).toEqual([...Array(12).keys()].map((i) => read(i).at.toISOString()));
    // Narrowed to the parcours asked: no other person of the same read.
    expect(shared.every((r) => r.parcoursIds.length === 1 && r.parcoursIds[0] === 'p-shared')).toBe(true);
    expect(() => t.assertAccepting()).not.toThrow();
    await t.beforeApplicationShutdown();
  });

  it('writes what is left at shutdown, and a read answered after that before its answer', async () => {
    const t = await trail({ flushIntervalMs: 60_000 });
    await t.record(read(1));
    await t.record(read(2));
    expect(await count()).toBe(0);
    await t.beforeApplicationShutdown();
    expect(await count()).toBe(2);
    await t.record(read(3));
    expect(await count()).toBe(3);
    sql.down = true;
    await expect(t.record(read(4))).rejects.toMatchObject({ response: { statusCode: 503 } });
  });

  it('gives up at shutdown only after its timeout, saying how many reads are lost', async () => {
    const t = await trail({ flushIntervalMs: 60_000, shutdownTimeoutMs: 300 });
    await t.record(read(1));
    sql.down = true;
    const started = Date.now();
    await t.beforeApplicationShutdown();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(t.pending.reads).toBe(1);
  });

  it('stores a NUL of a claim as a replacement character rather than blocking the buffer', async () => {
    const t = await trail({});
    await t.record({ ...read(1, ['p-nul']), who: { sub: 'odd\u0000sub', role: 'departement' } });
    await t.flush();
    const [record] = await auditOfParcours(sql, 'p-nul');
    expect(record.actor).toEqual({ sub: 'odd\uFFFDsub', role: 'departement' });
  });
});
