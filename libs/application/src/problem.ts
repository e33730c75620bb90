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

/** Where the problem types are described (one page per code, relative to the API's documentation). */
export const PROBLEM_TYPE_BASE = 'https://parcours.example/problems/';

const TITLES: Record<number, string> = {
  400: 'Requête invalide',
  401: 'Authentification requise',
  403: 'Opération non autorisée',
  404: 'Ressource introuvable',
  409: 'Conflit',
  413: 'Requête trop volumineuse',
  415: 'Type de contenu non pris en charge',
  422: 'Règle non respectée',
  429: 'Trop de requêtes',
  500: 'Erreur interne',
  503: 'Service momentanément indisponible',
};

/**
 * The body of an error as RFC 9457 (`application/problem+json`) has it —
 * `type` (one per code), `title` (one per status), `status`, `detail`,
 * `instance` (the path asked) — keeping the product's `code`, `field` and
 * `fields`, and `statusCode` and `message` for the clients written before.
 */
export function problemDocument(body: ProblemBody, instance?: string) {
  return {
    type: `${PROBLEM_TYPE_BASE}${body.code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[body.statusCode] ?? 'Erreur',
    status: body.statusCode,
    detail: body.message,
    ...(instance ? { instance } : {}),
    ...body,
  };
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
