import type { EventStore, SqlClient } from '@parcours/event-store';
import { recordLatenessProjection } from './data-quality/record-lateness';
import { sanctionProceduresProjection } from './sanctions/sanction-procedures.projection';
import { ProjectionRunner, RunnerOptions } from './engine/projection-runner';
import { parcoursProjection } from './parcours-view/parcours.projection';
import { personIndexProjection } from './persons/person-index';

/** Every projection of the product: what the worker runs and the CLI rebuilds. */
export const PROJECTIONS = [
  parcoursProjection,
  personIndexProjection(),
  recordLatenessProjection,
  sanctionProceduresProjection,
];

export function createProjectionRunner(
  store: EventStore,
  sql: SqlClient,
  options: RunnerOptions = {},
): ProjectionRunner {
  return new ProjectionRunner(store, sql, PROJECTIONS, options);
}

/** PostgreSQL's code for a table that does not exist yet (read models not created). */
export const UNDEFINED_TABLE = '42P01';
