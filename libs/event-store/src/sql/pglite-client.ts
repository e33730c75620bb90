import { mkdirSync } from 'node:fs';
import { relative } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { DataDirectoryLock } from './data-directory-lock';
import { quoteIdentifier, SqlClient, SqlQueryable } from './sql-client';

export {
  DataDirectoryLock,
  DataDirectoryLockedError,
  describeHolder,
  LOCK_FILE,
} from './data-directory-lock';
export type { LockHolder } from './data-directory-lock';

export interface PgliteOpenOptions {
  /** Persisted in this directory; in memory when absent. */
  dataDir?: string;
  schema: string;
  /** What opens the directory (`server`, `cli`…), written in its lock so that a refused opener knows whom to stop. */
  role?: string;
}

/** The script this process runs, when the caller did not say what it is. */
function defaultRole(): string {
  return process.argv[1] ? relative(process.cwd(), process.argv[1]) || process.argv[1] : 'node';
}

/**
 * SqlClient over PGlite, PostgreSQL compiled to WebAssembly and run in this
 * process: the embedded default, persisted in a data directory (or in memory
 * when none is given). PGlite has a single connection, so transactions are
 * serialised by PGlite itself. A data directory is locked while open: a second
 * opener, in this process or another, is refused (DataDirectoryLockedError).
 */
export class PgliteSqlClient implements SqlClient {
  private constructor(
    private readonly db: PGlite,
    private readonly searchPath: string,
    private readonly lock: DataDirectoryLock | undefined,
  ) {}

  static async open(options: PgliteOpenOptions): Promise<PgliteSqlClient> {
    let lock: DataDirectoryLock | undefined;
    if (options.dataDir) {
      mkdirSync(options.dataDir, { recursive: true });
      lock = DataDirectoryLock.acquire(options.dataDir, options.role ?? defaultRole());
    }
    try {
      const db = options.dataDir ? new PGlite(options.dataDir) : new PGlite();
      await db.waitReady;
      const schema = quoteIdentifier(options.schema);
      await db.exec(`create schema if not exists ${schema}; set search_path to ${schema}`);
      return new PgliteSqlClient(db, `set search_path to ${schema}`, lock);
    } catch (error) {
      lock?.release();
      throw error;
    }
  }

  async query<R>(sql: string, params: unknown[] = []): Promise<R[]> {
    return (await this.db.query(sql, params)).rows as R[];
  }

  async transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) =>
      work({
        query: async <R>(sql: string, params: unknown[] = []) => (await tx.query(sql, params)).rows as R[],
      }),
    );
  }

  async exec(script: string): Promise<void> {
    await this.db.exec(`${this.searchPath}; ${script}`);
  }

  async close(): Promise<void> {
    try {
      if (!this.db.closed) await this.db.close();
    } finally {
      this.lock?.release();
    }
  }
}
