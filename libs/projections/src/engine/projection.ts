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
  /**
   * Optional, for a rebuild: a fold that keeps what it needs between batches in memory (bounded), so that
   * the runner folds a batch while the previous one is written. Its tables are written by that rebuild only.
   */
  rebuildFold?(t: TableNames, batchEvents: number): RebuildFold;
}

/**
 * The batches of one rebuild, folded in the order of the log before their transaction opens. The
 * runner drops it when a batch does not commit: the fold changed its memory as if it had.
 */
export interface RebuildFold {
  /**
   * Folds the next batch, reading what it does not hold through `read` (outside the transactions: the
   * batch before may still be writing, and what it writes is in memory), and returns its writes, made in
   * the transaction that moves the checkpoint.
   */
  prepare(read: SqlQueryable, events: RecordedEvent[]): Promise<(tx: SqlQueryable) => Promise<void>>;
}

export const liveTables: TableNames = (logical) => logical;
export const rebuildTables: TableNames = (logical) => `${logical}__rebuild`;
