import type { Identity } from '@parcours/auth';
import type { NextFunction, Request, Response } from 'express';
import { storage, Store } from 'nestjs-pino/storage';
import { randomUUID } from 'node:crypto';
import pino, { Logger as Pino } from 'pino';
import { pinoHttp } from 'pino-http';

export const CORRELATION_ID_HEADER = 'x-correlation-id';
/** Identifier-like and short: anything else is replaced, never echoed nor logged. */
export const CORRELATION_ID_PATTERN = '^[\\w.:-]{1,100}$';
const CORRELATION_ID = new RegExp(CORRELATION_ID_PATTERN);

/** The caller's correlation id when it is a plausible identifier, else a fresh UUID. */
export function correlationIdFrom(header: unknown): string {
  return typeof header === 'string' && CORRELATION_ID.test(header) ? header : randomUUID();
}

type CorrelatedRequest = Request & { correlationId?: string; identity?: Identity };

/** The request's correlation id, decided once by {@link correlation} (a fresh one if that middleware did not run). */
export function correlationIdOfRequest(req: {
  correlationId?: string;
  headers: Record<string, unknown>;
}): string {
  return (req.correlationId ??= correlationIdFrom(req.headers[CORRELATION_ID_HEADER]));
}

/** First middleware: every answer, refusals included, carries the id its log line and its events carry. */
export function correlation(req: CorrelatedRequest, res: Response, next: NextFunction): void {
  res.setHeader(CORRELATION_ID_HEADER, correlationIdOfRequest(req));
  next();
}

/** The pattern of the route that matched (`/api/parcours/:id`): no ids, no query string; undefined when none did. */
export function routePatternOf(req: Request): string | undefined {
  const pattern = (req as Request & { route?: { path?: unknown } }).route?.path;
  return typeof pattern === 'string' ? `${req.baseUrl ?? ''}${pattern}` : undefined;
}

/** The route pattern when a route matched (no ids, no query string: `?lastName=` is personal data), else the bare path. */
export function routeOf(req: Request): string {
  return routePatternOf(req) ?? (req.originalUrl ?? req.url ?? '').split('?')[0];
}

/** One line per HTTP request: method, route, status, duration, identity, correlation id; never a body, a header or a query. */
export function requestLogging(root: Pino) {
  return pinoHttp({
    logger: root,
    genReqId: (req) => correlationIdOfRequest(req as CorrelatedRequest),
    customAttributeKeys: { reqId: 'correlationId', responseTime: 'durationMs' },
    // Nothing of the request is bound when it arrives (the route is not matched yet): the line is built when it ends.
    quietReqLogger: true,
    quietResLogger: true,
    wrapSerializers: false,
    serializers: {
      res: (res: Response) => ({ statusCode: res.statusCode }),
      err: pino.stdSerializers.err,
    },
    customSuccessObject: (req, _res, value) => ({
      req: { method: req.method, route: routeOf(req as Request) },
      ...value,
    }),
    customErrorObject: (req, _res, _error, value) => ({
      req: { method: req.method, route: routeOf(req as Request) },
      ...value,
    }),
    // Read when the answer is sent: the auth guard has then put the identity on the request.
    customProps: (req) => {
      const identity = (req as CorrelatedRequest).identity;
      return identity ? { sub: identity.sub, role: identity.role } : {};
    },
    customLogLevel: (_req, res, err) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    customSuccessMessage: (req, res, duration) =>
      `${req.method} ${routeOf(req as Request)} ${res.statusCode} ${duration}ms`,
    customErrorMessage: (req, res) => `${req.method} ${routeOf(req as Request)} ${res.statusCode}`,
    // Health probes every few seconds would drown the rest.
    autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') },
  });
}

/** After {@link requestLogging}: lines logged while serving a request carry its correlation id. */
export function bindRequestLogger(req: Request, _res: Response, next: NextFunction): void {
  const log = (req as Request & { log?: Pino }).log;
  if (log) storage.run(new Store(log), next);
  else next();
}

interface OpenApiOperation {
  parameters?: { name: string; in: string; [k: string]: unknown }[];
  responses?: Record<string, { headers?: Record<string, unknown> }>;
}

/** Declares the correlation header on every operation: optional in the request, always in the answer. */
export function declareCorrelationId<D extends { paths: object }>(document: D): D {
  // Any value is accepted in the request (one that is not identifier-like is replaced, not refused); the answer's always matches.
  const schema = { type: 'string', pattern: CORRELATION_ID_PATTERN, maxLength: 100 };
  for (const item of Object.values(document.paths) as Record<string, OpenApiOperation>[]) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'put', 'post', 'delete', 'patch'].includes(method)) continue;
      op.parameters ??= [];
      if (!op.parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === CORRELATION_ID_HEADER)) {
        op.parameters.push({
          name: 'X-Correlation-Id',
          in: 'header',
          required: false,
          schema: { type: 'string' },
          description:
            "Identifiant de corrélation, repris s'il est fait de lettres, chiffres, . _ : - " +
            '(100 caractères au plus) ; sinon un UUID est créé. Renvoyé dans la réponse, ' +
            'écrit dans le journal et dans les métadonnées des événements.',
        });
      }
      for (const response of Object.values(op.responses ?? {})) {
        response.headers = {
          ...response.headers,
          'X-Correlation-Id': {
            description: 'Identifiant de corrélation de la requête (reçu, ou créé).',
            schema,
          },
        };
      }
    }
  }
  return document;
}
