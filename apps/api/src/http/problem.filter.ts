import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { NotFound, RuleViolation } from '@parcours/domain';
import { ConcurrencyError, EventStoreError } from '@parcours/event-store';
import type { Response } from 'express';
import { ProblemBody } from './problem';

/** Turns every error into a ProblemBody; nothing escapes as an unhandled rejection. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const body = this.toProblem(error);
    if (body.statusCode >= 500) {
      // Identifiers and the error's own text only: never a request body.
      this.logger.error(`${body.code}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    }
    res.status(body.statusCode).json(body);
  }

  private toProblem(error: unknown): ProblemBody {
    if (error instanceof NotFound) return { statusCode: 404, code: error.code, message: error.message };
    if (error instanceof RuleViolation) return { statusCode: 422, code: error.code, message: error.message, field: error.field };
    if (error instanceof ConcurrencyError) {
      return { statusCode: 409, code: 'CONCURRENCY_CONFLICT', message: 'Le parcours a été modifié entre-temps : rechargez-le puis recommencez.' };
    }
    if (error instanceof EventStoreError) return { statusCode: 400, code: error.code, message: 'Requête invalide.' };
    if (error instanceof HttpException) {
      const response = error.getResponse();
      if (typeof response === 'object' && response !== null && 'code' in response) return response as ProblemBody;
      const status = error.getStatus();
      if (status === 400 && /JSON/i.test(error.message)) return { statusCode: 400, code: 'MALFORMED_JSON', message: "Le corps de la requête n'est pas un JSON valide." };
      return { statusCode: status, code: status === 404 ? 'NOT_FOUND' : status === 413 ? 'PAYLOAD_TOO_LARGE' : 'HTTP_ERROR', message: error.message };
    }
    if ((error as { code?: string })?.code === '42P01') {
      return { statusCode: 503, code: 'READ_MODELS_NOT_READY', message: 'Les tableaux de suivi sont en cours de construction : réessayez dans un instant.' };
    }
    // body-parser's errors (malformed JSON, body too large) carry their status.
    const e = error as { type?: string; status?: number };
    if (e?.type === 'entity.parse.failed') return { statusCode: 400, code: 'MALFORMED_JSON', message: "Le corps de la requête n'est pas un JSON valide." };
    if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return { statusCode: e.status, code: 'BAD_REQUEST', message: 'Requête invalide.' };
    return { statusCode: 500, code: 'INTERNAL_ERROR', message: 'Erreur interne : rien n’a été enregistré si la réponse ne le dit pas.' };
  }
}
