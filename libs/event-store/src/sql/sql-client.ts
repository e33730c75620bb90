/**
 * The little the product needs from a SQL database, so that PostgreSQL (pg)
 * and the embedded PGlite run exactly the same statements.
 */
export interface SqlQueryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
}

export interface SqlClient extends SqlQueryable {
  /** Runs `work` in one transaction; rolls back when it throws. */
  transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
  close(): Promise<void>;
}

/** PostgreSQL error code of a unique constraint violation. */
export const UNIQUE_VIOLATION = '23505';

export function sqlErrorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : undefined;
}

/** Identifiers are interpolated, never user input: still, refuse anything odd. */
export function quoteIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid SQL identifier: ${name}`);
  return `"${name}"`;
}
