import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { AppConfig } from '@parcours/config';
import { openStores, Stores } from '@parcours/event-store';
import { HealthController } from './health/health.controller';
import { CLOCK, CONFIG, EVENT_STORE, SQL, STORES } from './tokens';

/** Closes the stores when Nest shuts down (SIGTERM, tests' app.close()). */
class StoresLifecycle implements OnApplicationShutdown {
  constructor(@Inject(STORES) private readonly stores: Stores) {}
  async onApplicationShutdown() {
    await this.stores.close();
  }
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: { stores?: Stores; clock?: () => Date } = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot()],
      controllers: [HealthController],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: STORES, useFactory: () => options.stores ?? openStores(config) },
        { provide: EVENT_STORE, useFactory: (s: Stores) => s.eventStore, inject: [STORES] },
        { provide: SQL, useFactory: (s: Stores) => s.sql, inject: [STORES] },
        { provide: CLOCK, useValue: options.clock ?? (() => new Date()) },
        StoresLifecycle,
      ],
      exports: [CONFIG, STORES, EVENT_STORE, SQL, CLOCK],
    };
  }
}
