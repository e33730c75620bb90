import type { NextFunction, Request, Response } from 'express';
import { routePatternOf } from '../http/logging';
import { ParcoursMetrics } from '@parcours/background';

/**
 * Times every request answered by a route, labelled with the route's pattern
 * (`/api/parcours/:id`), never the URL: an id in a label would make one series
 * per parcours and put identifiers in the monitoring. A request no route
 * matched is `unmatched`. A middleware rather than an interceptor, so that
 * refusals by the guards (401, 403, 429) are timed too.
 */
export function httpMetricsMiddleware(metrics: ParcoursMetrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const route = routePatternOf(req) ?? 'unmatched';
      metrics.observeHttp(req.method, route, res.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}
