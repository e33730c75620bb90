import { RuleViolation } from '@parcours/domain';
import { ConcurrencyError, EventSchemaViolation, EventStoreError } from '@parcours/event-store';
import { UnprocessableMessage } from './inbound-messages';

/**
 * What to do with a partner message whose processing failed:
 * - permanent: the same message will fail the same way (bad data, a rule, a
 *   right, an unknown parcours): dead-lettered at once;
 * - transient: the store or the network is away for a while: retried with
 *   backoff, then dead-lettered when the bound is reached;
 * - unknown: retried like a transient one, so that a bug met once does not
 *   lose the message, and dead-lettered at the bound: never blocks a partition.
 */
export type FailureKind = 'permanent' | 'transient' | 'unknown';

export interface Failure {
  kind: FailureKind;
  /** A stable code: the rule's or the API's code, `SQLSTATE_22P05`, `ECONNREFUSED`... */
  code: string;
  /** Field paths and codes only, never a value: it goes into dead-letter headers and logs. */
  detail: string;
}

/** Data exceptions (22: NUL byte, bad encoding, value out of range...) and integrity violations (23). */
const PERMANENT_SQL_CLASSES = ['22', '23'];
/** Connection (08), serialization and deadlock (40), resources (53), shutdown and cancel (57), system I/O (58). */
const TRANSIENT_SQL_CLASSES = ['08', '40', '53', '57', '58'];
/** Lock not available. */
const TRANSIENT_SQL_STATES = ['55P03'];
const TRANSIENT_NETWORK_CODES = [
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
];
const SQLSTATE = /^[0-9A-Z]{5}$/;
const SAFE_CODE = /^[A-Za-z0-9_]{1,60}$/;
const FIELD_PATH = /^[\w.[\]/-]{1,100}$/;

function httpStatusOf(error: unknown): number | undefined {
  const getStatus = (error as { getStatus?: unknown } | null)?.getStatus;
  return typeof getStatus === 'function' ? Number(getStatus.call(error)) : undefined;
}

function fieldsOf(body: { field?: unknown; fields?: unknown }): string {
  const fields = Array.isArray(body.fields)
    ? body.fields.map((f: { field?: unknown }) => String(f?.field))
    : body.field
      ? [String(body.field)]
      : [];
  return fields.filter((f) => FIELD_PATH.test(f)).join(', ');
}

/** Sorts an error into permanent, transient or unknown, with a code and a value-free detail. */
export function classifyFailure(error: unknown): Failure {
  if (error instanceof UnprocessableMessage)
    return { kind: 'permanent', code: error.code, detail: error.message };
  if (error instanceof RuleViolation)
    return {
      kind: 'permanent',
      code: error.code,
      detail: error.field ? `/${error.field} (${error.code})` : error.code,
    };
  // The write path's own retries on a concurrent write were not enough: later they will be.
  if (error instanceof ConcurrencyError) return { kind: 'transient', code: error.code, detail: error.code };
  if (error instanceof EventSchemaViolation) {
    return {
      kind: 'permanent',
      code: error.code,
      detail: error.faults.map((f) => `${f.path || '/'} (${f.rule})`).join('; ') || error.code,
    };
  }
  if (error instanceof EventStoreError) {
    // An event refused by its schema will be refused again: the message is bad, not the moment.
    const kind = [
      'DUPLICATE_EVENT_ID',
      'INVALID_ARGUMENT',
      'STREAM_NOT_FOUND',
      'EVENT_SCHEMA_VIOLATION',
    ].includes(error.code)
      ? 'permanent'
      : 'unknown';
    return { kind, code: error.code, detail: error.code };
  }

  const status = httpStatusOf(error);
  if (status !== undefined) {
    const response = (error as { getResponse?: () => unknown }).getResponse?.();
    const body = (typeof response === 'object' && response !== null ? response : {}) as {
      code?: unknown;
      field?: unknown;
      fields?: unknown;
    };
    const code = typeof body.code === 'string' && SAFE_CODE.test(body.code) ? body.code : `HTTP_${status}`;
    const fields = fieldsOf(body);
    const detail = fields ? `${fields} (${code})` : code;
    if (status === 503 || status === 409 || status === 429) return { kind: 'transient', code, detail };
    if (status >= 400 && status < 500) return { kind: 'permanent', code, detail };
    return { kind: 'unknown', code, detail };
  }

  const raw = (error as { code?: unknown } | null)?.code;
  const code = typeof raw === 'string' ? raw : undefined;
  if (code && SQLSTATE.test(code) && !TRANSIENT_NETWORK_CODES.includes(code)) {
    const sqlCode = `SQLSTATE_${code}`;
    const sqlClass = code.slice(0, 2);
    if (PERMANENT_SQL_CLASSES.includes(sqlClass))
      return { kind: 'permanent', code: sqlCode, detail: sqlCode };
    if (TRANSIENT_SQL_CLASSES.includes(sqlClass) || TRANSIENT_SQL_STATES.includes(code))
      return { kind: 'transient', code: sqlCode, detail: sqlCode };
    return { kind: 'unknown', code: sqlCode, detail: sqlCode };
  }
  if (code && TRANSIENT_NETWORK_CODES.includes(code)) return { kind: 'transient', code, detail: code };
  // node-postgres reports a connection lost mid-query with this message and no code.
  if (
    error instanceof Error &&
    /connection (terminated|ended|closed)|terminating connection|timeout/i.test(error.message)
  ) {
    return { kind: 'transient', code: 'CONNECTION_LOST', detail: 'CONNECTION_LOST' };
  }
  const name = error instanceof Error && SAFE_CODE.test(error.name) ? error.name : 'UNKNOWN_ERROR';
  const safe = code && SAFE_CODE.test(code) ? code : name;
  return { kind: 'unknown', code: safe, detail: safe };
}
