import { describeEventStoreConformance } from '../testing/conformance';
import { PgliteSqlClient } from './pglite-client';
import { SqlEventStore } from './sql-event-store';

// Each test gets a fresh in-memory PGlite database.
let schemaCount = 0;
describeEventStoreConformance('PGlite (embedded)', {
  open: async () => {
    const store = new SqlEventStore(await PgliteSqlClient.open({ schema: `conformance_${++schemaCount}` }));
    await store.migrate();
    return store;
  },
});
