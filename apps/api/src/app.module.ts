import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import type { AppConfig } from '@parcours/config';
import { openStores, Stores } from '@parcours/event-store';
import { HealthController } from './health/health.controller';
import { AuthGuard } from './http/auth.guard';
import { ProblemFilter } from './http/problem.filter';
import { validationPipe } from './http/validation';
import { ParcoursModule } from './parcours/parcours.module';
import { CLOCK, CONFIG, EVENT_STORE, SQL, STORES } from './tokens';

/** Closes the stores when Nest shuts down (SIGTERM, tests' app.close()). */
class StoresLifecycle implements OnApplicationShutdown {
  constructor(@Inject(STORES) private readonly stores: Stores) {}
  async onApplicationShutdown() {
    await this.stores.close();
  }
}

export interface AppOptions {
  /** Stores opened by the caller (tests); opened from the configuration otherwise. */
  stores?: Stores;
  /** The clock, so that tests can set "today". */
  clock?: () => Date;
}

/** Configuration, stores and clock, visible to every module. */
@Global()
@Module({})
class CoreModule {
  static forRoot(config: AppConfig, options: AppOptions): DynamicModule {
    const exported = [CONFIG, STORES, EVENT_STORE, SQL, CLOCK];
    return {
      module: CoreModule,
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: STORES, useFactory: () => options.stores ?? openStores(config) },
        { provide: EVENT_STORE, useFactory: (s: Stores) => s.eventStore, inject: [STORES] },
        { provide: SQL, useFactory: (s: Stores) => s.sql, inject: [STORES] },
        { provide: CLOCK, useValue: options.clock ?? (() => new Date()) },
        StoresLifecycle,
      ],
      exports: exported,
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(config, options), CqrsModule.forRoot(), ParcoursModule],
      controllers: [HealthController],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_PIPE, useValue: validationPipe },
      ],
    };
  }
}
