import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import type { AppConfig } from '@parcours/config';
import { ConsoleController } from './console/console.controller';
import { HealthController } from './health/health.controller';
import { AuthGuard } from './http/auth.guard';
import { ProblemFilter } from './http/problem.filter';
import { guardsAround, rateLimitModule } from './http/rate-limit';
import { validationPipe } from './http/validation';
import { ParcoursModule } from './parcours/parcours.module';
import { DeliveryWebhookModule } from './notifications/delivery-webhook.controller';
import { CoreModule, CoreOptions } from '@parcours/runtime';
// The worker runs inside the API process unless PARCOURS_WORKER_IN_PROCESS=false (then: apps/worker).
import { WorkerModule } from '@parcours/background';

export type AppOptions = CoreOptions;

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config, options),
        CqrsModule.forRoot(),
        ParcoursModule,
        DeliveryWebhookModule,
        ...(config.workerInProcess ? [WorkerModule] : []),
        ...(config.rateLimit.enabled ? [rateLimitModule(config)] : []),
      ],
      controllers: [HealthController, ConsoleController],
      providers: [
        // Global guards run in this order: address limit, authentication, identity limit (when rate limiting is on).
        ...guardsAround(config, { provide: APP_GUARD, useClass: AuthGuard }),
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_PIPE, useValue: validationPipe },
      ],
    };
  }
}
