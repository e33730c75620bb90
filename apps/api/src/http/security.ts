import type { INestApplication } from '@nestjs/common';
import type { CorsOptions } from '@nestjs/common/interfaces/external/cors-options.interface';
import type { AppConfig } from '@parcours/config';
import type { Express } from 'express';
import helmet from 'helmet';

/** What a browser client may send and read across origins: the headers of the published contract. */
export function corsOptions(origins: string[]): CorsOptions {
  return {
    origin: origins,
    methods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'If-Match', 'Idempotency-Key', 'X-Purpose'],
    exposedHeaders: ['Retry-After', 'Content-Disposition'],
    // Bearer tokens, no cookies: credentials are never needed.
    credentials: false,
    maxAge: 600,
  };
}

/**
 * HTTP hardening, applied before any other middleware so that every answer
 * (errors included) carries it: helmet's security headers, no X-Powered-By,
 * CORS only for the origins of PARCOURS_CORS_ORIGINS (none: no CORS header at
 * all, a browser on another origin cannot read the API), and the proxies
 * trusted for the client address (PARCOURS_TRUST_PROXY, used by the rate limit).
 */
export function applySecurity(app: INestApplication, config: AppConfig): void {
  const express = app.getHttpAdapter().getInstance() as Express;
  express.disable('x-powered-by');
  if (config.trustProxy !== false) express.set('trust proxy', config.trustProxy);
  // helmet's defaults: a same-origin CSP (the Swagger UI at /api/docs loads its own scripts), HSTS, nosniff, frameguard…
  // …except upgrade-insecure-requests, which would break the documentation served over http on a developer's machine
  // (TLS ends at the reverse proxy in a deployment, and HSTS keeps browsers on https there).
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  if (config.corsOrigins.length > 0) app.enableCors(corsOptions(config.corsOrigins));
}
