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
  /**
   * The version of its fold and tables. Raise it whenever `apply` or `schema`
   * changes what the tables hold: at start-up, tables of an older version are
   * rebuilt from the log into a new generation, served until the swap.
   */
  version: number;
  /** Logical names of the tables it owns. */
  tables: string[];
  /**
   * DDL creating one generation of those tables at this version (`create
   * table`, `create index`), given their physical names: the read side's
   * migration is a new generation, never an `alter` of a live one.
   */
  schema(t: TableNames): string[];
  apply(tx: SqlQueryable, events: RecordedEvent[], t: TableNames): Promise<void>;
}

export const liveTables: TableNames = (logical) => logical;
export const rebuildTables: TableNames = (logical) => `${logical}__rebuild`;
