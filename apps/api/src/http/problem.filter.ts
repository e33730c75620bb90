import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { NotFound, RuleViolation } from '@parcours/domain';
import {
  ConcurrencyError,
  EventSchemaViolation,
  EventStoreError,
  isTransientStoreError,
} from '@parcours/event-store';
import type { Request, Response } from 'express';
import { ProblemBody, problemDocument, RETRY_AFTER_SECONDS } from '@parcours/application';

const PAYLOAD_TOO_LARGE: ProblemBody = {
  statusCode: 413,
  code: 'PAYLOAD_TOO_LARGE',
  message: 'Le corps de la requête dépasse la taille admise (100 ko).',
};

/** Turns every error into a ProblemBody; nothing escapes as an unhandled rejection. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request>();
    const body = this.toProblem(error);
    // Identifiers and the error's own text only: never a request body.
    const text = `${body.code}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
    if (body.statusCode === 503) {
      this.logger.warn(text);
      // A passing state: the client may retry (with the same Idempotency-Key, a command is recorded once).
      res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    } else if (body.statusCode >= 500) {
      this.logger.error(text);
    }
    // RFC 9457: the problem's type, title, status, detail and instance, beside the product's code, field and fields.
    res
      .status(body.statusCode)
      .type('application/problem+json')
      .send(JSON.stringify(problemDocument(body, req?.path)));
  }

  private toProblem(error: unknown): ProblemBody {
    return problemOf(error, this.logger);
  }
}

/** The problem an error answers as (status, rule code, French message); a 500 for anything unknown. */
export function problemOf(error: unknown, logger = new Logger('http')): ProblemBody {
  if (error instanceof NotFound) return { statusCode: 404, code: error.code, message: error.message };
  if (error instanceof RuleViolation)
    return { statusCode: 422, code: error.code, message: error.message, field: error.field };
  if (error instanceof ConcurrencyError) {
    return {
      statusCode: 409,
      code: 'CONCURRENCY_CONFLICT',
      message: 'Le parcours a été modifié entre-temps : rechargez-le puis recommencez.',
    };
  }
  if (error instanceof EventSchemaViolation) {
    // A command the DTOs let through but whose event its schema refuses: nothing written, and a gap to close in a DTO.
    logger.error(
      `EVENT_SCHEMA_VIOLATION: ${error.eventType} ${error.faults.map((f) => `${f.path || '/'} (${f.rule})`).join('; ')}`,
    );
    return {
      statusCode: 422,
      code: error.code,
      message: "La commande produirait un événement non conforme à son schéma : rien n'a été enregistré.",
      fields: error.faults.map((f) => ({
        field: f.path.replace(/^\//, '').replace(/\//g, '.') || 'body',
        messages: [f.rule],
      })),
    };
  }
  if (error instanceof EventStoreError)
    return { statusCode: 400, code: error.code, message: 'Requête invalide.' };
  // The database refused or dropped the connection, or the transaction lost a race: never a 500.
  if (isTransientStoreError(error)) {
    return {
      statusCode: 503,
      code: 'STORE_UNAVAILABLE',
      message:
        'La base de données est momentanément indisponible : réessayez dans quelques ' +
        'secondes (avec la même clé Idempotency-Key, une commande n’est enregistrée ' +
        'qu’une fois).',
    };
  }
  if (error instanceof HttpException) {
    const response = error.getResponse();
    if (typeof response === 'object' && response !== null && 'code' in response)
      return response as ProblemBody;
    const status = error.getStatus();
    if (status === 400 && /JSON/i.test(error.message))
      return {
        statusCode: 400,
        code: 'MALFORMED_JSON',
        message: "Le corps de la requête n'est pas un JSON valide.",
      };
    if (status === 413) return PAYLOAD_TOO_LARGE;
    return {
      statusCode: status,
      code: status === 404 ? 'NOT_FOUND' : 'HTTP_ERROR',
      message: error.message,
    };
  }
  if ((error as { code?: string })?.code === '42P01') {
    return {
      statusCode: 503,
      code: 'READ_MODELS_NOT_READY',
      message: 'Les tableaux de suivi sont en cours de construction : réessayez dans un instant.',
    };
  }
  // body-parser's errors (malformed JSON, body too large) carry their status.
  const e = error as { type?: string; status?: number };
  if (e?.type === 'entity.parse.failed')
    return {
      statusCode: 400,
      code: 'MALFORMED_JSON',
      message: "Le corps de la requête n'est pas un JSON valide.",
    };
  if (e?.type === 'entity.too.large') return PAYLOAD_TOO_LARGE;
  if (e?.type === 'charset.unsupported' || e?.type === 'encoding.unsupported') {
    return {
      statusCode: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'Le corps de la requête doit être du JSON en UTF-8, sans compression inconnue.',
    };
  }
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500)
    return { statusCode: e.status, code: 'BAD_REQUEST', message: 'Requête invalide.' };
  return {
    statusCode: 500,
    code: 'INTERNAL_ERROR',
    message: 'Erreur interne : rien n’a été enregistré si la réponse ne le dit pas.',
  };
}
