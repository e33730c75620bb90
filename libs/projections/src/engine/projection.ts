import type { RecordedEvent, SqlQueryable } from '@parcours/event-store';

/** Physical table names of one generation of a projection: live, or being rebuilt. */
export type TableNames = (logical: string) => string;

/**
 * A read model fed by the global stream. `apply` gets a batch of events and
 * the transaction that will also move the checkpoint: what it writes and the
 * checkpoint commit together or not at all.
 */
export interface Projection {
  name: string;
  /** Logical names of the tables it owns. */
  tables: string[];
  /** DDL creating those tables (`create table if not exists`), given their physical names. */
  schema(t: TableNames): string[];
  apply(tx: SqlQueryable, events: RecordedEvent[], t: TableNames): Promise<void>;
}

export const liveTables: TableNames = (logical) => logical;
export const rebuildTables: TableNames = (logical) => `${logical}__rebuild`;
