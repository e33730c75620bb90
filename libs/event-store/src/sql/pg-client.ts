import { Client, ClientConfig, Pool, PoolConfig, types } from 'pg';
import { preparedName, quoteIdentifier, SqlClient, SqlQueryable } from './sql-client';

// int8 as JS numbers: revisions and positions stay far below 2^53.
types.setTypeParser(20, (v) => Number(v));

export interface PgSqlClientConfig extends PoolConfig {
  schema: string;
  /** Told of errors of connections nobody was using (the server went away); they are harmless otherwise. */
  onIdleError?: (error: Error) => void;
}

/**
 * SqlClient over a pg connection pool, every connection pinned to one schema.
 *
 * PostgreSQL may drop any connection at any time (restart, failover,
 * pg_terminate_backend). pg reports it as an 'error' event on the pool or on
 * the client, and an 'error' event nobody listens to ends the process. The
 * pool only listens to its idle clients, and a connection may be cut in the
 * very data that completes its opening, before its first user could listen:
 * so every client gets a listener of its own for its whole life, from the
 * moment it exists. A broken client is destroyed rather than given back, and
 * the failure reaches the caller as a rejected promise (see isTransientStoreError).
 */
/** Clients whose connection failed: never given back to the pool. */
const brokenClients = new WeakSet<Client>();

/** A pg client that listens to its own errors from the moment it exists. */
class ListenedClient extends Client {
  constructor(config?: string | ClientConfig) {
    super(config);
    this.on('error', () => brokenClients.add(this));
  }
}

/** A statement marked `prepared` goes by its name: pg prepares it once on each connection. */
const statement = (text: string, values: unknown[]) => ({ name: preparedName(text), text, values });

export class PgSqlClient implements SqlClient {
  private readonly pool: Pool;

  constructor(config: PgSqlClientConfig) {
    const { schema, onIdleError, ...poolConfig } = config;
    quoteIdentifier(schema); // refuses anything that is not a plain identifier
    this.pool = new Pool({
      max: 10,
      // Never wait forever for a server that does not answer: the caller gets an error it can retry.
      connectionTimeoutMillis: 10_000,
      keepAlive: true,
      // The server sets the schema when it opens the session: no query may run before it is set.
      options: `-c search_path=${schema}`,
      ...poolConfig,
      Client: ListenedClient,
    });
    this.pool.on('error', (error) => onIdleError?.(error));
  }

  async query<R>(sql: string, params: unknown[] = []): Promise<R[]> {
    return (await this.pool.query(statement(sql, params))).rows as R[];
  }

  async transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let failure: Error | undefined;
    try {
      await client.query('begin');
      const result = await work({
        query: async <R>(sql: string, params: unknown[] = []) =>
          (await client.query(statement(sql, params))).rows as R[],
      });
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch((rollbackError: Error) => {
        failure = rollbackError;
      });
      throw error;
    } finally {
      const broken = failure ?? (brokenClients.has(client) ? new Error('connection lost') : undefined);
      client.release(broken);
    }
  }

  async exec(script: string): Promise<void> {
    await this.pool.query(script);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
