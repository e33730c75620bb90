/**
 * Read side throughput: projecting a log of random parcours (events/s), then
 * computing every indicator over the facts and querying a portfolio.
 * Prints figures; asserts nothing. Run: npm run bench:read [-- parcours]
 */
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { arbitrarySession, play } from '../libs/domain/src/testing/random-sessions';
import { PgliteSqlClient, SqlClient, SqlEventStore } from '../libs/event-store/src';
import {
  computeIndicators,
  loadFacts,
  parcoursProjection,
  ProjectionRunner,
  queryPortfolio,
} from '../libs/projections/src';
import { appendParcours } from '../libs/projections/src/testing/histories';
import { onPostgres, runBench } from './support';

const PARCOURS = Number(process.argv[2] ?? 500);

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

async function measure(name: string, sql: SqlClient): Promise<void> {
  const store = new SqlEventStore(sql);
  await store.migrate();
  const sessions = fc.sample(arbitrarySession, { numRuns: PARCOURS, seed: 2025 });
  let events = 0;
  for (const steps of sessions) {
    const id = randomUUID();
    const history = play(steps, id).events;
    if (history.length) await appendParcours(store, id, history, 10);
    events += history.length;
  }
  const runner = new ProjectionRunner(store, sql, [parcoursProjection], { batchSize: 500 });
  await runner.migrate();
  let t = process.hrtime.bigint();
  await runner.catchUp('parcours');
  const projectMs = ms(t);
  t = process.hrtime.bigint();
  await runner.rebuild('parcours');
  const rebuildMs = ms(t);
  t = process.hrtime.bigint();
  const snapshot = await loadFacts(sql);
  const report = computeIndicators(snapshot, { from: '2025-01-01', to: '2025-12-31' }, 'territory');
  const indicatorsMs = ms(t);
  t = process.hrtime.bigint();
  const portfolio = await queryPortfolio(
    sql,
    { kind: 'all' },
    { referentId: 'ref-ccas-1', sort: 'overdue', on: '2025-12-31' },
    { page: 1, pageSize: 50 },
  );
  const portfolioMs = ms(t);
  console.log(
    `${name.padEnd(11)} ${events} events of ${PARCOURS} parcours | project ${projectMs.toFixed(0)} ms` +
      ` (${((events / projectMs) * 1000).toFixed(0)} events/s)` +
      ` | rebuild ${rebuildMs.toFixed(0)} ms | ${report.groups.length} groups × ${report.groups[0]?.indicators.length ?? 0}` +
      ` indicators over ${snapshot.facts.length} cycles ${indicatorsMs.toFixed(0)} ms` +
      ` | portfolio of ${portfolio.total} ${portfolioMs.toFixed(0)} ms`,
  );
}

async function main(): Promise<void> {
  const embedded = await PgliteSqlClient.open({ schema: 'bench' });
  await measure('PGlite', embedded);
  await embedded.close();
  await onPostgres('PostgreSQL', (sql) => measure('PostgreSQL', sql));
}

runBench(main);
