import { SqlClient } from '../sql/sql-client';
import { PersonalDataEventStore, SEALED_FIELD } from './personal-data-event-store';

/**
 * Seals, in place, the personal fields of events written in clear before
 * sealing existed (SQL store). In place, rather than upcast with keys created
 * on first read: an upcast leaves the clear text on disk, where no erasure can
 * reach it. Ids, revisions and positions stay, so checkpoints and published
 * messages (which carry no personal data) stay valid. Resumable and
 * idempotent: an event already sealed is never touched twice.
 */
export async function sealExistingEvents(
  sql: SqlClient,
  store: PersonalDataEventStore,
  options: { batchSize?: number; prefix?: string } = {},
): Promise<{ sealed: number; read: number }> {
  const batchSize = options.batchSize ?? 500;
  const prefix = options.prefix ?? 'parcours-';
  let after = '0';
  let sealed = 0;
  let read = 0;
  for (;;) {
    const rows = await sql.query<{
      global_position: string;
      stream_id: string;
      event_id: string;
      event_type: string;
      data: Record<string, unknown>;
    }>(
      `select global_position::text, stream_id, event_id::text, event_type, data from events
       where global_position > $1::bigint and stream_id like $2 and not (data ? '${SEALED_FIELD}')
       order by global_position limit ${batchSize}`,
      [after, `${prefix}%`],
    );
    if (!rows.length) return { sealed, read };
    read += rows.length;
    for (const r of rows) {
      const [event] = await store.sealAll(r.stream_id, [
        { id: r.event_id, type: r.event_type, data: r.data },
      ]);
      if (event.data === r.data) continue;
      const updated = await sql.query(
        `update events set data = $2::jsonb where event_id = $1::uuid and not (data ? '${SEALED_FIELD}') returning 1`,
        [r.event_id, JSON.stringify(event.data)],
      );
      sealed += updated.length;
    }
    after = rows[rows.length - 1].global_position;
  }
}
