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

/** Statements run often enough to be prepared once per connection, by their text. */
const preparedNames = new Map<string, string>();

/**
 * Marks a statement as worth preparing: a client that can (pg) parses and
 * plans it once per connection instead of at every call. For the few
 * statements of every append, whose planning costs as much as their work.
 */
export function prepared(name: string, sql: string): string {
  preparedNames.set(sql, name);
  return sql;
}

export const preparedName = (sql: string): string | undefined => preparedNames.get(sql);

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

/**
 * SQLSTATE codes of failures that pass: the server went away or is starting
 * (class 08, 57P01-57P03), it is short of resources (class 53), or the
 * transaction lost a race it may win next time (40001, 40P01).
 */
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '57P01', '57P02', '57P03', '57P05', '55P03']);
const TRANSIENT_SQLSTATE_CLASSES = ['08', '53'];

/** Socket errors of a server that is unreachable or went away. */
const TRANSIENT_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

/** Messages of pg's own errors, which carry no code. */
const TRANSIENT_MESSAGES = [
  /connection terminated/i,
  /connection error/i,
  /timeout exceeded when trying to connect/i,
  /not queryable/i,
  /server closed the connection unexpectedly/i,
];

/** EventStoreDB client errors that pass (`type` of its CommandError). */
const TRANSIENT_ESDB_TYPES = new Set(['unavailable', 'deadline-exceeded', 'timeout', 'not-leader']);

/**
 * True when an error of the store (PostgreSQL, its driver, EventStoreDB)
 * will likely not happen again if the same work is retried later: the server
 * refused or dropped the connection, was shut down by an administrator, or
 * the transaction hit a serialization failure or a deadlock. Data errors,
 * constraint violations and bugs are not transient: retrying them changes nothing.
 */
export function isTransientStoreError(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const e = error as { code?: unknown; message?: unknown; type?: unknown; cause?: unknown; errors?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code !== undefined) {
    if (TRANSIENT_SQLSTATES.has(code) || TRANSIENT_SOCKET_CODES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code) && TRANSIENT_SQLSTATE_CLASSES.includes(code.slice(0, 2))) return true;
  }
  if (typeof e.type === 'string' && TRANSIENT_ESDB_TYPES.has(e.type)) return true;
  // A SQLSTATE that is not transient is the server's final word, whatever the message says.
  if (
    code === undefined &&
    typeof e.message === 'string' &&
    TRANSIENT_MESSAGES.some((m) => m.test(e.message as string))
  )
    return true;
  // Node reports a refused connection to every address of a host as an AggregateError.
  if (Array.isArray(e.errors) && e.errors.some((inner) => isTransientStoreError(inner, depth + 1)))
    return true;
  return e.cause !== undefined && isTransientStoreError(e.cause, depth + 1);
}

/**
 * Wait before the `attempt`-th retry (1, 2, ...) of work that failed on a
 * transient error: doubles from `initialMs`, capped at `maxMs`, so that a
 * long outage costs one attempt every few seconds, for as long as it lasts.
 */
export function retryDelay(attempt: number, initialMs = 100, maxMs = 5000): number {
  return Math.min(maxMs, Math.max(1, initialMs) * 2 ** Math.min(Math.max(attempt - 1, 0), 20));
}
