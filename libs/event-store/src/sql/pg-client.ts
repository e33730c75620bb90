import { Pool, PoolConfig, types } from 'pg';
import { quoteIdentifier, SqlClient, SqlQueryable } from './sql-client';

// int8 as JS numbers: revisions and positions stay far below 2^53.
types.setTypeParser(20, (v) => Number(v));

/** SqlClient over a pg connection pool, every connection pinned to one schema. */
export class PgSqlClient implements SqlClient {
  private readonly pool: Pool;

  constructor(config: PoolConfig & { schema: string }) {
    const { schema, ...poolConfig } = config;
    this.pool = new Pool({ max: 10, ...poolConfig });
    const searchPath = `set search_path to ${quoteIdentifier(schema)}`;
    this.pool.on('connect', (client) => {
      client.query(searchPath).catch(() => undefined);
    });
    // An idle client losing its server must not crash the process.
    this.pool.on('error', () => undefined);
  }

  async query<R>(sql: string, params: unknown[] = []): Promise<R[]> {
    return (await this.pool.query(sql, params)).rows as R[];
  }

  async transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const result = await work({
        query: async <R>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as R[],
      });
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async exec(script: string): Promise<void> {
    await this.pool.query(script);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
