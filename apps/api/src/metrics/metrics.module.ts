import {
  Global,
  Inject,
  Injectable,
  MiddlewareConsumer,
  Module,
  NestModule,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { WriteMetrics } from '@parcours/application';
import type { AppConfig } from '@parcours/config';
import type { EventStore, SqlClient } from '@parcours/event-store';
import { CONFIG, EVENT_STORE, SQL } from '@parcours/runtime';
import { AuditTrail } from '../audit/audit-trail';
import { Operations } from '../health/operations';
import { httpMetricsMiddleware } from './http-metrics.middleware';
import { metricsAccessOf } from '@parcours/background';
import { METRICS_ACCESS, MetricsController } from './metrics.controller';
import { ParcoursMetrics } from '@parcours/background';

/** Wires the gauges read at scrape time to what the application runs, once everything is built. */
@Injectable()
class MetricsSources implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly metrics: ParcoursMetrics,
    private readonly moduleRef: ModuleRef,
    @Inject(SQL) private readonly sql: SqlClient,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    // The same view as /api/projections: the live runner, relay and consumer when the worker runs here, their checkpoints otherwise.
    const operations = new Operations(this.moduleRef, this.sql, this.store, this.config);
    this.metrics.watchComponents(() => operations.components(), {
      kafka: this.config.kafkaBrokers.length > 0,
    });
    let audit: AuditTrail | undefined;
    try {
      audit = this.moduleRef.get(AuditTrail, { strict: false });
    } catch {
      audit = undefined;
    }
    if (audit) this.metrics.watchAudit(() => ({ written: audit.written, pending: audit.pending }));
  }

  onApplicationShutdown(): void {
    this.metrics.close();
  }
}

/**
 * GET /metrics for Prometheus and the metrics of this application instance.
 * Global, so that the write path (ParcoursWriteModule, shared with the worker)
 * finds them as WriteMetrics; where it is absent (the worker alone) nothing is measured.
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [
    { provide: ParcoursMetrics, useFactory: () => new ParcoursMetrics() },
    // The write path (libs/application) knows the metrics by the abstract WriteMetrics only.
    { provide: WriteMetrics, useExisting: ParcoursMetrics },
    { provide: METRICS_ACCESS, useFactory: (config: AppConfig) => metricsAccessOf(config), inject: [CONFIG] },
    MetricsSources,
  ],
  exports: [ParcoursMetrics, WriteMetrics],
})
export class MetricsModule implements NestModule {
  constructor(private readonly metrics: ParcoursMetrics) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(httpMetricsMiddleware(this.metrics)).forRoutes('{*path}');
  }
}
