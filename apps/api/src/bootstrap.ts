import { INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { AppConfig } from '@parcours/config';
import { json, NextFunction, Request, Response } from 'express';
import { AppModule, AppOptions } from './app.module';
import { completeDocument } from './http/openapi';
import { Problem } from './http/problem';
import { applySecurity } from './http/security';

/** Builds the HTTP application; shared by main.ts and the end-to-end tests. */
export async function createApp(config: AppConfig, options: AppOptions & { logger?: false } = {}): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config, options), {
    logger: options.logger === false ? false : new Logger(),
    abortOnError: false,
    bodyParser: false,
  });
  // Security headers, CORS and trusted proxies first: every answer below carries them, refusals included.
  applySecurity(app, config);
  // A command is small: a larger body is refused before it is parsed (413), a body
  // that is not JSON is refused (415), and so is nesting no command has (400), before
  // anything walks the body recursively.
  app.use(refuseBodiesNotJson);
  app.use(json({ limit: '100kb', type: isJsonMediaType }));
  app.use(refuseDeepBodies);
  app.enableShutdownHooks();
  const document = completeDocument(SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Parcours API')
      .setDescription("Parcours des bénéficiaires du RSA soumis aux droits et devoirs : commandes, consultations et données de référence.")
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: "Jeton d'accès du fournisseur d'identité du Département (OpenID Connect, RS256 ou ES256)" })
      .build(),
  ));
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/json' });
  return app;
}

/** Nesting of a JSON body: the deepest command is far below (person → household → members…). */
export const MAX_BODY_DEPTH = 32;

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** `application/json`, parameters (charset) aside: the one media type the published contract declares. */
function isJsonMediaType(req: { headers: Record<string, string | string[] | undefined> }): boolean {
  return String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase() === 'application/json';
}

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/** 415 for a write whose body is not declared as JSON (it would otherwise be ignored and judged as empty). */
function refuseBodiesNotJson(req: Request, _res: Response, next: NextFunction): void {
  if (WITH_BODY.has(req.method) && hasBody(req) && !isJsonMediaType(req)) {
    next(new Problem({ statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Le corps de la requête doit être du JSON (Content-Type: application/json).' }));
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
    for (const child of Object.values(current)) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}

function refuseDeepBodies(req: Request, _res: Response, next: NextFunction): void {
  // No bytes is no body, not an empty object: a route that needs a body then refuses it (as the document does).
  if (!hasBody(req)) req.body = undefined;
  if (nestsDeeperThan(req.body, MAX_BODY_DEPTH)) {
    next(new Problem({ statusCode: 400, code: 'BODY_TOO_DEEP', message: `Le corps de la requête est imbriqué sur plus de ${MAX_BODY_DEPTH} niveaux.` }));
    return;
  }
  next();
}
