import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { startSpan, withSpan } from '@parcours/runtime';
import type { NextFunction, Request, Response } from 'express';
import { correlationIdOfRequest, routePatternOf } from './logging';

/**
 * A span per request when tracing is on (PARCOURS_TRACING), parent of its
 * command's span. Placed after the body is parsed: the parser's stream
 * callbacks would not carry the span to the route. Named by the route's
 * pattern, never the URL (ids, and `?lastName=`, stay out of the traces).
 */
export function traceRequests(req: Request, res: Response, next: NextFunction): void {
  const span = startSpan(
    `HTTP ${req.method}`,
    { 'http.request.method': req.method, 'parcours.correlation_id': correlationIdOfRequest(req) },
    SpanKind.SERVER,
  );
  if (!span) return next();
  res.once('close', () => {
    const route = routePatternOf(req) ?? 'unmatched';
    span.updateName(`${req.method} ${route}`);
    span.setAttributes({ 'http.route': route, 'http.response.status_code': res.statusCode });
    if (res.statusCode >= 500 || !res.writableFinished)
      span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${res.statusCode}` });
    span.end();
  });
  withSpan(span, next);
}
