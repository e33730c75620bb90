import { HttpException } from '@nestjs/common';
import { RuleViolation } from '@parcours/domain';
import { ConcurrencyError, DuplicateEventIdError } from '@parcours/event-store';
import { classifyFailure } from './failures';
import { UnprocessableMessage } from './inbound-messages';

const pgError = (code: string, message = 'a message with "Durand" in it') =>
  Object.assign(new Error(message), { code });
const problem = (statusCode: number, body: Record<string, unknown>) =>
  new HttpException({ statusCode, ...body }, statusCode);

describe('the classification of a failed partner message', () => {
  it.each([
    ['a NUL byte PostgreSQL refuses (22P05)', pgError('22P05'), 'SQLSTATE_22P05'],
    ['invalid text for a type (22P02)', pgError('22P02'), 'SQLSTATE_22P02'],
    ['a value out of range (22003)', pgError('22003'), 'SQLSTATE_22003'],
    ['a check constraint (23514)', pgError('23514'), 'SQLSTATE_23514'],
    [
      'an invalid message',
      new UnprocessableMessage('INVALID_MESSAGE', '/person/lastName (pattern)'),
      'INVALID_MESSAGE',
    ],
    [
      'a rule',
      new RuleViolation('DATE_IN_FUTURE', 'La date 2030-01-01 est dans le futur.', 'enteredOn'),
      'DATE_IN_FUTURE',
    ],
    [
      'an unknown parcours (404)',
      problem(404, { code: 'PARCOURS_NOT_FOUND', message: "Ce parcours n'existe pas." }),
      'PARCOURS_NOT_FOUND',
    ],
    [
      'a refused input (400)',
      problem(400, {
        code: 'VALIDATION_FAILED',
        fields: [{ field: 'person.lastName', messages: ['Durand'] }],
      }),
      'VALIDATION_FAILED',
    ],
    ['a forbidden command (403)', problem(403, { code: 'FORBIDDEN' }), 'FORBIDDEN'],
    ['an event id reused', new DuplicateEventIdError('e-1'), 'DUPLICATE_EVENT_ID'],
  ])('%s is permanent: dead-lettered at once', (_, error, code) => {
    expect(classifyFailure(error)).toMatchObject({ kind: 'permanent', code });
  });

  it.each([
    ['the server shutting down (57P01)', pgError('57P01'), 'SQLSTATE_57P01'],
    ['the database starting (57P03)', pgError('57P03'), 'SQLSTATE_57P03'],
    ['a connection failure (08006)', pgError('08006'), 'SQLSTATE_08006'],
    ['a serialization failure (40001)', pgError('40001'), 'SQLSTATE_40001'],
    ['a deadlock (40P01)', pgError('40P01'), 'SQLSTATE_40P01'],
    ['too many connections (53300)', pgError('53300'), 'SQLSTATE_53300'],
    ['a refused connection', pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'), 'ECONNREFUSED'],
    ['a reset connection', pgError('ECONNRESET'), 'ECONNRESET'],
    ['a timeout', pgError('ETIMEDOUT'), 'ETIMEDOUT'],
    ['a connection lost mid-query', new Error('Connection terminated unexpectedly'), 'CONNECTION_LOST'],
    [
      'a concurrent write, after the write path retried',
      new ConcurrencyError('parcours-1', 3, 4),
      'CONCURRENCY_CONFLICT',
    ],
    [
      'the store unavailable (503)',
      problem(503, { code: 'STORE_UNAVAILABLE', message: 'Réessayez plus tard.' }),
      'STORE_UNAVAILABLE',
    ],
  ])('%s is transient: retried', (_, error, code) => {
    expect(classifyFailure(error)).toMatchObject({ kind: 'transient', code });
  });

  it.each([
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'Durand')"), 'TypeError'],
    ['an internal error of PostgreSQL', pgError('XX000'), 'SQLSTATE_XX000'],
    ['a 500', problem(500, { code: 'INTERNAL' }), 'INTERNAL'],
    ['something thrown that is not an error', 'Durand', 'UNKNOWN_ERROR'],
  ])('%s is unknown: retried up to the bound, then dead-lettered', (_, error, code) => {
    expect(classifyFailure(error)).toMatchObject({ kind: 'unknown', code });
  });

  it('never carries a value: codes and field paths only', () => {
    const details = [
      pgError('22P05', 'unsupported Unicode escape sequence: Durand'),
      new RuleViolation('DATE_IN_FUTURE', 'La date 1988-02-03 de Durand est dans le futur.', 'enteredOn'),
      problem(400, {
        code: 'VALIDATION_FAILED',
        message: 'Durand',
        fields: [{ field: 'person.lastName', messages: ['Durand 1988-02-03'] }],
      }),
      new TypeError('Durand 1988-02-03'),
      Object.assign(new Error('x'), { code: 'Durand 1988-02-03' }),
    ].map((e) => classifyFailure(e).detail);
    expect(details).toEqual([
      'SQLSTATE_22P05',
      '/enteredOn (DATE_IN_FUTURE)',
      'person.lastName (VALIDATION_FAILED)',
      'TypeError',
      'Error',
    ]);
  });
});
