import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '@parcours/config';
import { PARCOURS_PERSONAL_DATA, STORED_EVENT_RULES } from '@parcours/domain';
import {
  EnvironmentMasterKey,
  MasterKey,
  openStores,
  PersonalDataEventStore,
  PersonKeys,
  SchemaCheckedEventStore,
  Stores,
} from '@parcours/event-store';
import { CLOCK, CONFIG, EVENT_STORE, SQL, STORES } from './tokens';
import { flushTracing } from './tracing';

/** Closes the stores when Nest shuts down (SIGTERM, tests' app.close()), after sending the traces buffered. */
class StoresLifecycle implements OnApplicationShutdown {
  constructor(@Inject(STORES) private readonly stores: Stores) {}
  async onApplicationShutdown() {
    await flushTracing();
    await this.stores.close();
  }
}

/**
 * The stores with every append checked against the stored shape of its event
 * (libs/domain: event-schemas.ts, reference-event-schemas.ts): whatever the
 * API, a partner flow or a test through the app writes, the read side can fold.
 */
export function schemaCheckedStores(
  stores: Stores,
  masterKey: MasterKey = EnvironmentMasterKey.fromEnvironment(),
): Stores {
  if (stores.eventStore instanceof SchemaCheckedEventStore) return stores;
  // Checked in clear, then sealed: the personal fields reach the database encrypted with the person's key (DOMAIN.md §7).
  const sealed = new PersonalDataEventStore(
    stores.eventStore,
    PARCOURS_PERSONAL_DATA,
    new PersonKeys(stores.sql, masterKey),
  );
  return {
    ...stores,
    eventStore: new SchemaCheckedEventStore(sealed, STORED_EVENT_RULES),
    close: () => stores.close(),
  };
}

/** The sealing layer behind the product's event store. */
export function personalDataStoreOf(stores: Stores): PersonalDataEventStore {
  const sealed = stores.eventStore instanceof SchemaCheckedEventStore ? stores.eventStore.inner : undefined;
  if (!(sealed instanceof PersonalDataEventStore))
    throw new Error('the event store does not seal personal data');
  return sealed;
}

/** The person keys behind the product's event store (erasure, retention). */
export const personKeysOf = (stores: Stores): PersonKeys => personalDataStoreOf(stores).keys;

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
        {
          provide: STORES,
          useFactory: async () => schemaCheckedStores(options.stores ?? (await openStores(config))),
        },
        { provide: EVENT_STORE, useFactory: (s: Stores) => s.eventStore, inject: [STORES] },
        { provide: SQL, useFactory: (s: Stores) => s.sql, inject: [STORES] },
        { provide: CLOCK, useValue: options.clock ?? (() => new Date()) },
        StoresLifecycle,
      ],
      exports: [CONFIG, STORES, EVENT_STORE, SQL, CLOCK],
    };
  }
}
