import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Problem } from './problem';

/** What the API takes from the headers of a command request. */
export interface CommandHeaders {
  correlationId: string;
  /** `If-Match: <revision>`: decide only if the parcours is still at that revision. */
  ifMatch?: number;
  /** `Idempotency-Key`: a retried request returns the first answer and appends nothing twice. */
  idempotencyKey?: string;
}

export const CommandHeadersOf = createParamDecorator((_: unknown, ctx: ExecutionContext): CommandHeaders => {
  const headers = ctx.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers;
  const correlation = headers['x-correlation-id'];
  const ifMatchRaw = headers['if-match']?.replace(/^W\//, '').replace(/"/g, '').trim();
  let ifMatch: number | undefined;
  if (ifMatchRaw !== undefined && ifMatchRaw !== '' && ifMatchRaw !== '*') {
    if (!/^-?\d{1,9}$/.test(ifMatchRaw)) {
      throw new Problem({ statusCode: 400, code: 'VALIDATION_FAILED', message: 'If-Match doit être une révision (entier).', field: 'If-Match' });
    }
    ifMatch = Number(ifMatchRaw);
  }
  const key = headers['idempotency-key'];
  if (key !== undefined && !/^[\w.:-]{1,100}$/.test(key)) {
    throw new Problem({ statusCode: 400, code: 'VALIDATION_FAILED', message: 'Idempotency-Key doit être un code de 1 à 100 caractères.', field: 'Idempotency-Key' });
  }
  return {
    correlationId: correlation && /^[\w.:-]{1,100}$/.test(correlation) ? correlation : randomUUID(),
    ifMatch,
    idempotencyKey: key,
  };
});
