import { PgliteSqlClient } from '../libs/event-store/src';
import { AuditTrail } from '../apps/api/src/audit/audit-trail';
(async () => {
  const sql = await PgliteSqlClient.open({ schema: 'b' });
  const t = new AuditTrail(sql, { capacity: 1e9, batchSize: 1000, flushIntervalMs: 1e6 });
  await t.onModuleInit();
  const reads = Array.from({ length: 200 }, () => ({ at: new Date(), who: { sub: 'bench', role: 'departement' as const }, method: 'GET', route: '/r', parcoursIds: Array.from({ length: 250 }, (_, i) => `0190c3a1-7e2b-7c3d-9f4e-${String(i).padStart(12, '0')}`) }));
  const run = async (label: string) => {
    const ms: number[] = [];
    for (let i = 0; i < 7; i++) { for (const r of reads) await t.record(r); const s = process.hrtime.bigint(); await t.flush(); ms.push(Number(process.hrtime.bigint() - s) / 1e6); }
    console.log(label, ms.sort((a, b) => a - b)[3].toFixed(0), 'ms per 200 reads');
  };
  await run('with gin');
  await sql.query('drop index audit_reads_parcours');
  await run('without gin');
  await sql.close();
})();
