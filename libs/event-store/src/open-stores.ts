import type { AppConfig } from '@parcours/config';
import { EventStore } from './event-store.port';
import { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store';
import { MemoryEventStore } from './memory/memory-event-store';
import { PgSqlClient } from './sql/pg-client';
import { PgliteSqlClient } from './sql/pglite-client';
import { SqlClient } from './sql/sql-client';
import { SqlEventStore } from './sql/sql-event-store';

/**
 * The event store and the SQL database of the read models, as configured.
 * Embedded: one PGlite database holds both. PostgreSQL: one pool, two roles.
 */
export interface Stores {
  eventStore: EventStore;
  /** Where read models, checkpoints and idempotency records live. */
  sql: SqlClient;
  close(): Promise<void>;
}

export async function openStores(config: AppConfig): Promise<Stores> {
  const sql: SqlClient =
    config.store === 'embedded' || (config.store === 'memory' && !config.databaseUrl)
      ? await PgliteSqlClient.open({
          dataDir: config.store === 'embedded' ? config.dataDir : undefined,
          schema: config.pgSchema,
        })
      : new PgSqlClient({ connectionString: config.databaseUrl, schema: config.pgSchema });
  if (config.store === 'postgres' && config.pgSchema !== 'public') {
    await sql.exec(`create schema if not exists "${config.pgSchema}"`);
  }
  let eventStore: EventStore;
  if (config.store === 'eventstoredb') {
    eventStore = new EventStoreDbEventStore(config.eventStoreConnectionString!);
  } else if (config.store === 'memory') {
    eventStore = new MemoryEventStore();
  } else {
    const sqlStore = new SqlEventStore(sql);
    await sqlStore.migrate();
    eventStore = sqlStore;
  }
  return {
    eventStore,
    sql,
    async close() {
      if (config.store === 'eventstoredb' || config.store === 'memory') await eventStore.close();
      await sql.close();
    },
  };
}
