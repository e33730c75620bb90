import { randomUUID } from 'node:crypto';
import type { ParcoursEvent } from '@parcours/domain';
import type { EventStore, SqlQueryable } from '@parcours/event-store';
import { PARCOURS_TABLES } from '../parcours-view/parcours.projection';

/** Appends a parcours's events to its stream, in small appends as the API would. */
export async function appendParcours(
  store: EventStore,
  parcoursId: string,
  events: ParcoursEvent[],
  chunk = 3,
): Promise<void> {
  for (let i = 0; i < events.length; i += chunk) {
    await store.appendToStream(
      `parcours-${parcoursId}`,
      events.slice(i, i + chunk).map((e) => ({
        id: randomUUID(),
        type: e.type,
        data: e.data as unknown as Record<string, unknown>,
        metadata: { actor: 'test' },
      })),
      { expectedRevision: i === 0 ? 'no_stream' : i - 1 },
    );
  }
}

/** Every row of the parcours read models, in a stable order, for comparisons. */
export async function dumpReadModels(sql: SqlQueryable): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of PARCOURS_TABLES) {
    out[table] = await sql.query(`select to_jsonb(t) as row from ${table} t order by 1`);
    out[table] = (out[table] as { row: Record<string, unknown> }[])
      .map((r) => r.row)
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  return out;
}
