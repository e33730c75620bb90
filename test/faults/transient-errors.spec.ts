import { isTransientStoreError, PgSqlClient, retryDelay } from '@parcours/event-store';

/** A port of the range given to these tests, where nothing listens: the connection is refused. */
const REFUSING = 'postgres://postgres@127.0.0.1:19401/test';

describe('isTransientStoreError: what is worth retrying', () => {
  const pg = (code: string, message = 'x') => Object.assign(new Error(message), { code });

  it.each([
    [
      'admin shutdown (pg_terminate_backend)',
      pg('57P01', 'terminating connection due to administrator command'),
    ],
    ['crash shutdown', pg('57P02')],
    ['the server starting up', pg('57P03', 'the database system is starting up')],
    ['serialization failure', pg('40001')],
    ['deadlock', pg('40P01')],
    ['too many connections', pg('53300')],
    ['connection failure (class 08)', pg('08006')],
    ['connection refused', pg('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['connection reset', pg('ECONNRESET')],
    ['pg: connection terminated', new Error('Connection terminated unexpectedly')],
    ['pg: pool timeout', new Error('timeout exceeded when trying to connect')],
    ['pg: client not queryable', new Error('Client has encountered a connection error and is not queryable')],
    [
      'refused on every address of a host',
      Object.assign(new AggregateError([pg('ECONNREFUSED'), pg('ECONNREFUSED')]), { code: 'ECONNREFUSED' }),
    ],
    ['wrapped as a cause', new Error('load failed', { cause: pg('57P01') })],
    ['EventStoreDB unavailable', Object.assign(new Error('unavailable'), { type: 'unavailable' })],
  ])('%s is transient', (_, error) => {
    expect(isTransientStoreError(error)).toBe(true);
  });

  it.each([
    ['a unique violation', pg('23505')],
    ['a character PostgreSQL refuses', pg('22P05', 'unsupported Unicode escape sequence')],
    ['a missing table', pg('42P01')],
    ['a syntax error whose text mentions a connection', pg('42601', 'Connection terminated')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'household')")],
    [
      'a parse error of a request body',
      Object.assign(new SyntaxError('Unexpected token'), { type: 'entity.parse.failed' }),
    ],
    ['nothing', undefined],
    ['a string', 'ECONNREFUSED'],
  ])('%s is not', (_, error) => {
    expect(isTransientStoreError(error)).toBe(false);
  });

  it('recognises the error pg really gives when nothing listens', async () => {
    const client = new PgSqlClient({
      connectionString: REFUSING,
      schema: 'public',
      connectionTimeoutMillis: 2000,
    });
    try {
      const error = await client.query('select 1').catch((e: unknown) => e);
      expect(String((error as Error).message)).toMatch(/ECONNREFUSED/);
      expect(isTransientStoreError(error)).toBe(true);
      const inTransaction = await client
        .transaction(async (tx) => tx.query('select 1'))
        .catch((e: unknown) => e);
      expect(isTransientStoreError(inTransaction)).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('waits longer after each failure, up to a cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((n) => retryDelay(n, 100, 2000))).toEqual([
      100, 200, 400, 800, 1600, 2000, 2000, 2000,
    ]);
  });
});
