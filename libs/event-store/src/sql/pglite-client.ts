import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { quoteIdentifier, SqlClient, SqlQueryable } from './sql-client';

/**
 * SqlClient over PGlite, PostgreSQL compiled to WebAssembly and run in this
 * process: the embedded default, persisted in a data directory (or in memory
 * when none is given). PGlite has a single connection, so transactions are
 * serialised by PGlite itself.
 */
export class PgliteSqlClient implements SqlClient {
  private constructor(
    private readonly db: PGlite,
    private readonly searchPath: string,
  ) {}

  static async open(options: { dataDir?: string; schema: string }): Promise<PgliteSqlClient> {
    if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
    const db = options.dataDir ? new PGlite(options.dataDir) : new PGlite();
    await db.waitReady;
    const schema = quoteIdentifier(options.schema);
    await db.exec(`create schema if not exists ${schema}; set search_path to ${schema}`);
    return new PgliteSqlClient(db, `set search_path to ${schema}`);
  }

  async query<R>(sql: string, params: unknown[] = []): Promise<R[]> {
    return (await this.db.query(sql, params)).rows as R[];
  }

  async transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) =>
      work({ query: async <R>(sql: string, params: unknown[] = []) => (await tx.query(sql, params)).rows as R[] }),
    );
  }

  async exec(script: string): Promise<void> {
    await this.db.exec(`${this.searchPath}; ${script}`);
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
  }
}
