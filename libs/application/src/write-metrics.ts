/**
 * What the write path measures, when the process measures anything: the
 * API's ParcoursMetrics provides it (a Prometheus registry); the worker alone does not.
 */
export abstract class WriteMetrics {
  /** Runs a command and counts it by type and outcome. */
  abstract command<T>(type: string, run: () => Promise<T>): Promise<T>;
  /** Times one append to the event store. */
  abstract append<T>(run: () => Promise<T>): Promise<T>;
}
