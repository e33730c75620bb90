import { createServer, Server } from 'node:http';
import { mayScrape, MetricsAccess } from './metrics-access';
import { ParcoursMetrics } from './parcours-metrics';

/**
 * GET /metrics of a process without HTTP API (the worker run alone), on a port
 * of its own: the same exposition and the same access rule (PARCOURS_METRICS)
 * as the API's route; anything else is 404.
 */
export async function serveMetrics(
  metrics: ParcoursMetrics,
  access: MetricsAccess,
  port: number,
  host: string,
): Promise<Server> {
  const server = createServer((req, res) => {
    const answer = (status: number, title: string) =>
      res
        .writeHead(status, { 'Content-Type': 'application/problem+json', 'Cache-Control': 'no-store' })
        .end(JSON.stringify({ type: 'about:blank', title, status }));
    if (access.mode === 'off' || req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics')
      return answer(404, "Cette ressource n'existe pas.");
    if (!mayScrape(access, req.socket.remoteAddress))
      return answer(403, 'Les métriques ne sont pas accessibles depuis cette adresse.');
    metrics.metrics().then(
      (body) =>
        res.writeHead(200, { 'Content-Type': metrics.contentType, 'Cache-Control': 'no-store' }).end(body),
      () => answer(500, 'Les métriques ne peuvent être lues.'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
