import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CommandHeaders, Problem } from '@parcours/application';
import { correlationIdOfRequest } from './logging';

/** `If-Match: 3`, `"3"`, `W/"3"`, `*` or empty (no condition): the patterns published in the OpenAPI document. */
export const IF_MATCH_PATTERN = '^\\s*(?:\\*|(?:W/)?"?(-?[0-9]{1,9})"?)?\\s*$';
export const IDEMPOTENCY_KEY_PATTERN = '^[A-Za-z0-9_.:-]{1,100}$';
const IF_MATCH = new RegExp(IF_MATCH_PATTERN);
const IDEMPOTENCY_KEY = new RegExp(IDEMPOTENCY_KEY_PATTERN);

/** `@CommandHeadersOf({ ifMatch: false })` on a route that takes no If-Match (one that writes to several parcours). */
export const CommandHeadersOf = createParamDecorator(
  (options: { ifMatch?: boolean } | undefined, ctx: ExecutionContext): CommandHeaders => {
    const request = ctx
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | undefined>; correlationId?: string }>();
    const headers = request.headers;
    let ifMatch: number | undefined;
    const ifMatchHeader = headers['if-match'];
    if (ifMatchHeader !== undefined && options?.ifMatch !== false) {
      const match = IF_MATCH.exec(ifMatchHeader);
      if (!match)
        throw new Problem({
          statusCode: 400,
          code: 'VALIDATION_FAILED',
          message: 'If-Match doit être une révision (entier).',
          field: 'If-Match',
        });
      if (match[1] !== undefined) ifMatch = Number(match[1]);
    }
    const key = headers['idempotency-key'];
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
      throw new Problem({
        statusCode: 400,
        code: 'VALIDATION_FAILED',
        message: 'Idempotency-Key doit être un code de 1 à 100 caractères.',
        field: 'Idempotency-Key',
      });
    }
    return {
      correlationId: correlationIdOfRequest(request),
      causationId: randomUUID(),
      ifMatch,
      idempotencyKey: key,
    };
  },
);

/** The correlation id alone, for writes that take no condition nor idempotency key (reference data). */
export const CorrelationIdOf = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  return correlationIdOfRequest(
    ctx.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; correlationId?: string }>(),
  );
});
