import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Problem } from '@parcours/application';
import type { AppConfig } from '@parcours/config';
import { AppLogger, createRootLogger } from '@parcours/runtime';
import { json, NextFunction, Request, Response } from 'express';
import { createServer, Server } from 'node:net';
import type { DestinationStream } from 'pino';
import { AppModule, AppOptions } from './app.module';
import { serveConsoleAssets } from './console/console-assets';
import { bindRequestLogger, correlation, declareCorrelationId, requestLogging } from './http/logging';
import { completeDocument } from './http/openapi';
import { traceRequests } from './http/request-tracing';
import { applySecurity } from './http/security';

/** Builds the HTTP application; shared by main.ts and the end-to-end tests. */
export interface CreateAppOptions extends AppOptions {
  /** false: nothing is logged (the end-to-end tests). */
  logger?: false;
  /** Where the JSON log lines go; stdout by default. */
  logDestination?: DestinationStream;
}

/**
 * Builds the HTTP application; shared by main.ts and the end-to-end tests.
 * A failure is thrown, not logged: the caller names its cause (see startupFailureMessage).
 */
export async function createApp(
  config: AppConfig,
  options: CreateAppOptions = {},
): Promise<INestApplication> {
  const { logger: enabled, logDestination, ...appOptions } = options;
  const root = enabled === false ? undefined : createRootLogger(logDestination);
  const app = await NestFactory.create(AppModule.forRoot(config, appOptions), {
    // Built outside the container so that module wiring, and its failure, are logged as JSON too.
    logger: root ? new AppLogger(root) : false,
    abortOnError: false,
    bodyParser: false,
  });
  // The correlation id and the request line first: refusals by the middlewares below are logged too.
  app.use(correlation);
  if (root) {
    app.use(requestLogging(root));
    app.use(bindRequestLogger);
  }
  // Security headers, CORS and trusted proxies first: every answer below carries them, refusals included.
  applySecurity(app, config);
  // The console's static files (its scripts, the Design System), before the body parsers: GET only, no body.
  serveConsoleAssets(app);
  // A command is small: a larger body is refused before it is parsed (413), a body
  // that is not JSON is refused (415), and so is nesting no command has (400), before
  // anything walks the body recursively.
  app.use(refuseBodiesNotJson);
  app.use(json({ limit: '100kb', type: isJsonMediaType }));
  app.use(refuseDeepBodies);
  app.use(traceRequests);
  app.enableShutdownHooks();
  // The correlation header is set by a middleware, for every route: declared here rather than on each controller.
  const document = declareCorrelationId(
    completeDocument(
      SwaggerModule.createDocument(
        app,
        new DocumentBuilder()
          .setTitle('Parcours API')
          .setDescription(
            'Parcours des bénéficiaires du RSA soumis aux droits et devoirs : commandes, consultations et données de référence.',
          )
          .setVersion('1')
          .addBearerAuth({
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description:
              "Jeton d'accès du fournisseur d'identité du Département (OpenID Connect, RS256 ou ES256)",
          })
          .build(),
      ),
    ),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/json' });
  return app;
}

/** Nesting of a JSON body: the deepest command is far below (person → household → members…). */
export const MAX_BODY_DEPTH = 32;

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** `application/json`, parameters (charset) aside: the one media type the published contract declares. */
function isJsonMediaType(req: { headers: Record<string, string | string[] | undefined> }): boolean {
  return (
    String(req.headers['content-type'] ?? '')
      .split(';')[0]
      .trim()
      .toLowerCase() === 'application/json'
  );
}

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/** 415 for a write whose body is not declared as JSON (it would otherwise be ignored and judged as empty). */
function refuseBodiesNotJson(req: Request, _res: Response, next: NextFunction): void {
  if (WITH_BODY.has(req.method) && hasBody(req) && !isJsonMediaType(req)) {
    next(
      new Problem({
        statusCode: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'Le corps de la requête doit être du JSON (Content-Type: application/json).',
      }),
    );
    return;
  }
  next();
}

/** True when a parsed value nests deeper than `max` objects or arrays; walked with a stack of its own, never recursively. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth > max) return true;
    for (const child of Object.values(current))
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}

function refuseDeepBodies(req: Request, _res: Response, next: NextFunction): void {
  // No bytes is no body, not an empty object: a route that needs a body then refuses it (as the document does).
  if (!hasBody(req)) req.body = undefined;
  if (nestsDeeperThan(req.body, MAX_BODY_DEPTH)) {
    next(
      new Problem({
        statusCode: 400,
        code: 'BODY_TOO_DEEP',
        message: `Le corps de la requête est imbriqué sur plus de ${MAX_BODY_DEPTH} niveaux.`,
      }),
    );
    return;
  }
  next();
}

/**
 * Holds the port until the caller lets it go: taken before anything starts
 * (the worker's projections start with the application), so that a port in use
 * stops the start-up with nothing else running.
 */
export function reservePort(port: number, host: string): Promise<{ release(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    // A client that connects while the app starts (a health probe) is closed at once: an open socket would keep close() waiting.
    const server: Server = createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () =>
      resolve({
        release: () => new Promise<void>((done) => server.close(() => done())),
      }),
    );
  });
}

const DATABASE_UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ECONNRESET',
  '28P01',
  '28000',
  '3D000',
  '57P03',
]);

function codesOf(error: unknown, seen = new Set<unknown>()): string[] {
  if (typeof error !== 'object' || error === null || seen.has(error)) return [];
  seen.add(error);
  const e = error as { code?: unknown; cause?: unknown; errors?: unknown };
  return [
    ...(typeof e.code === 'string' ? [e.code] : []),
    ...codesOf(e.cause, seen),
    ...(Array.isArray(e.errors) ? e.errors.flatMap((x) => codesOf(x, seen)) : []),
  ];
}

/** The URL without its password, safe to print. */
function withoutPassword(url: string | undefined): string {
  if (!url) return '(not set)';
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unreadable)';
  }
}

/** One line for an operator, without a stack: what failed and which setting to look at. */
export function startupFailureMessage(
  error: unknown,
  config: Pick<AppConfig, 'port' | 'host' | 'store' | 'databaseUrl'>,
): string {
  const codes = codesOf(error);
  const message = error instanceof Error ? error.message || error.constructor.name : String(error);
  if (codes.includes('EADDRINUSE'))
    return `parcours failed to start: port ${config.port} on ${config.host} is already in use (PORT); nothing was started`;
  if (codes.includes('EACCES'))
    return `parcours failed to start: port ${config.port} on ${config.host} may not be opened by this user (PORT); nothing was started`;
  if (config.store !== 'embedded' && config.databaseUrl && codes.some((c) => DATABASE_UNREACHABLE.has(c))) {
    const code = codes.find((c) => DATABASE_UNREACHABLE.has(c));
    return (
      `parcours failed to start: PostgreSQL at DATABASE_URL=${withoutPassword(config.databaseUrl)} ` +
      `cannot be reached (${code}: ${message.split('\n')[0]})`
    );
  }
  return `parcours failed to start: ${message.split('\n')[0]}`;
}
