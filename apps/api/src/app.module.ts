import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import type { AppConfig } from '@parcours/config';
import { HealthController } from './health/health.controller';
import { AuthGuard } from './http/auth.guard';
import { ProblemFilter } from './http/problem.filter';
import { validationPipe } from './http/validation';
import { ParcoursModule } from './parcours/parcours.module';
import { CoreModule, CoreOptions } from '@parcours/runtime';
// The worker runs inside the API process unless PARCOURS_WORKER_IN_PROCESS=false (then: apps/worker).
import { WorkerModule } from '../../worker/src/worker.module';

export type AppOptions = CoreOptions;

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(config, options), CqrsModule.forRoot(), ParcoursModule, ...(config.workerInProcess ? [WorkerModule] : [])],
      controllers: [HealthController],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_PIPE, useValue: validationPipe },
      ],
    };
  }
}
