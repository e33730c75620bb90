import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { PgSqlClient } from '../../libs/event-store/src/sql/pg-client';

/** describe() when PostgreSQL answered the global probe, describe.skip() with the reason otherwise. */
export const describeWithPostgres: jest.Describe = process.env.PARCOURS_TEST_POSTGRES_MISSING
  ? (describe.skip as jest.Describe)
  : describe;

export const describeWithKafka: jest.Describe = process.env.PARCOURS_TEST_KAFKA_MISSING
  ? (describe.skip as jest.Describe)
  : describe;

export const postgresUrl = (): string =>
  process.env.PARCOURS_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const kafkaBroker = (): string => process.env.PARCOURS_TEST_KAFKA_BROKER ?? '127.0.0.1:9092';

/** A schema of its own for one test, dropped by the returned function. */
export async function createTestSchema(
  prefix = 't',
): Promise<{ schema: string; client: PgSqlClient; drop(): Promise<void> }> {
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: postgresUrl() });
  await admin.connect();
  await admin.query(`create schema "${schema}"`);
  await admin.end();
  const client = new PgSqlClient({ connectionString: postgresUrl(), schema });
  return {
    schema,
    client,
    async drop() {
      await client.close().catch(() => undefined);
      const c = new Client({ connectionString: postgresUrl() });
      await c.connect();
      await c.query(`drop schema if exists "${schema}" cascade`);
      await c.end();
    },
  };
}

/** A unique name (topic, group, stream) for one test. */
export const uniqueName = (prefix: string): string => `${prefix}-${randomBytes(5).toString('hex')}`;
