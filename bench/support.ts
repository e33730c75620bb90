import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { PgSqlClient } from '../libs/event-store/src';

/** Runs a measure on a fresh PostgreSQL schema, dropped afterwards; says so and returns when no server answers. */
export async function onPostgres(label: string, measure: (sql: PgSqlClient) => Promise<void>): Promise<void> {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const admin = new Client({ connectionString: url });
  try {
    await admin.connect();
  } catch {
    console.log(`${label.padEnd(12)} skipped: no server at ${url}`);
    return;
  }
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  await admin.query(`create schema ${schema}`);
  const sql = new PgSqlClient({ connectionString: url, schema });
  try {
    await measure(sql);
  } finally {
    await sql.close();
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
}

export function runBench(main: () => Promise<void>): void {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
