import { HttpException } from '@nestjs/common';

/**
 * The one error shape of the API: a status, a stable code, a French message,
 * and for bad input the fields at fault.
 */
export interface ProblemBody {
  statusCode: number;
  code: string;
  message: string;
  field?: string;
  fields?: { field: string; messages: string[] }[];
}

/** What a 503 tells the client to wait before retrying (Retry-After). */
export const RETRY_AFTER_SECONDS = 2;

export class Problem extends HttpException {
  constructor(body: ProblemBody) {
    super(body, body.statusCode);
  }

  static unauthenticated(message = 'Authentification requise : jeton manquant ou invalide.') {
    return new Problem({ statusCode: 401, code: 'UNAUTHENTICATED', message });
  }

  static forbidden(message = "Vous n'avez pas le droit de faire cette opération.") {
    return new Problem({ statusCode: 403, code: 'FORBIDDEN', message });
  }

  static notFound(code: string, message: string) {
    return new Problem({ statusCode: 404, code, message });
  }

  static conflict(code: string, message: string) {
    return new Problem({ statusCode: 409, code, message });
  }
}
