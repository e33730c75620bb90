import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Problem } from '@parcours/application';
import { Public } from '../http/auth.guard';
import { mayScrape, MetricsAccess } from '@parcours/background';
import { ParcoursMetrics } from '@parcours/background';

export const METRICS_ACCESS = Symbol('METRICS_ACCESS');

/**
 * Prometheus scrapes without a token: the route is outside the bearer guard
 * and outside the OpenAPI document (no client app calls it); who may scrape is
 * PARCOURS_METRICS (metrics-access.ts).
 */
@Public()
@ApiExcludeController()
@Controller()
export class MetricsController {
  constructor(
    private readonly metrics: ParcoursMetrics,
    @Inject(METRICS_ACCESS) private readonly access: MetricsAccess,
  ) {}

  @Get('metrics')
  async scrape(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (this.access.mode === 'off') throw Problem.notFound('NOT_FOUND', "Cette ressource n'existe pas.");
    if (!mayScrape(this.access, req.ip))
      throw Problem.forbidden('Les métriques ne sont pas accessibles depuis cette adresse.');
    const body = await this.metrics.metrics();
    res.status(200).setHeader('Content-Type', this.metrics.contentType);
    res.setHeader('Cache-Control', 'no-store');
    // end(), not send(): the content type stays exactly the one of the exposition format.
    res.end(body);
  }
}
