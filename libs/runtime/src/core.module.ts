import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '@parcours/config';
import { STORED_EVENT_RULES } from '@parcours/domain';
import { openStores, SchemaCheckedEventStore, Stores } from '@parcours/event-store';
import { CLOCK, CONFIG, EVENT_STORE, SQL, STORES } from './tokens';

/** Closes the stores when Nest shuts down (SIGTERM, tests' app.close()). */
class StoresLifecycle implements OnApplicationShutdown {
  constructor(@Inject(STORES) private readonly stores: Stores) {}
  async onApplicationShutdown() {
    await this.stores.close();
  }
}

/**
 * The stores with every append checked against the stored shape of its event
 * (libs/domain: event-schemas.ts, reference-event-schemas.ts): whatever the
 * API, a partner flow or a test through the app writes, the read side can fold.
 */
export function schemaCheckedStores(stores: Stores): Stores {
  if (stores.eventStore instanceof SchemaCheckedEventStore) return stores;
  return { ...stores, eventStore: new SchemaCheckedEventStore(stores.eventStore, STORED_EVENT_RULES), close: () => stores.close() };
}

export interface CoreOptions {
  /** Stores opened by the caller (tests); opened from the configuration otherwise. */
  stores?: Stores;
  /** The clock, so that tests can set "today". */
  clock?: () => Date;
}

/** Configuration, stores and clock, visible to every module of the API, the worker and the CLI. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, options: CoreOptions = {}): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: STORES, useFactory: async () => schemaCheckedStores(options.stores ?? (await openStores(config))) },
        { provide: EVENT_STORE, useFactory: (s: Stores) => s.eventStore, inject: [STORES] },
        { provide: SQL, useFactory: (s: Stores) => s.sql, inject: [STORES] },
        { provide: CLOCK, useValue: options.clock ?? (() => new Date()) },
        StoresLifecycle,
      ],
      exports: [CONFIG, STORES, EVENT_STORE, SQL, CLOCK],
    };
  }
}
