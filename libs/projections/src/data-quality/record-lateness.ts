import { BusinessDate, businessDateOf, daysBetween } from '@parcours/domain';
import type { RecordedEvent, SqlQueryable } from '@parcours/event-store';
import { Projection, TableNames } from '../engine/projection';
import { parcoursEventOf, parcoursIdOf } from '../parcours-view/fold';
import { Attribution, attributionAfter } from '../parcours-view/attribution';
import { recordedDay } from '../parcours-view/known-facts';

/**
 * Record lateness: how long after the day a step happened (its business date)
 * it was recorded. Every parcours event gives one row, attributed to the
 * organisme référent in charge of the parcours once the event is applied (none
 * before the first orientation) and to its territoire. A late record changes
 * figures already published: this says by whom and how much.
 *
 * Left out: the erasure of a person (an act on the file, dated the day it is recorded).
 */
export const recordLatenessProjection: Projection = {
  name: 'record-lateness',
  version: 1,
  tables: ['rm_record_lateness', 'rm_record_lateness_parcours'],
  schema: (t: TableNames) => [
    // Where each parcours stands for attribution: its territoire and the organisme in charge now.
    `create table if not exists ${t('rm_record_lateness_parcours')} (parcours_id text primary key, territory text not null, ` +
      `organisation_id text)`,
    `create table if not exists ${t('rm_record_lateness')} (event_id text primary key, parcours_id text not null, ` +
      `event_type text not null, territory text not null, organisation_id text, business_on date not null, ` +
      `recorded_on date not null, days_late integer not null)`,
    `create index if not exists ${t('rm_record_lateness')}_business_on on ${t('rm_record_lateness')} (business_on)`,
  ],
  async apply(tx: SqlQueryable, events: RecordedEvent[], t: TableNames): Promise<void> {
    const ids = [...new Set(events.map((e) => parcoursIdOf(e.streamId)).filter((id): id is string => !!id))];
    if (!ids.length) return;
    const known = await tx.query<{ parcours_id: string; territory: string; organisation_id: string | null }>(
      `select parcours_id, territory, organisation_id from ${t('rm_record_lateness_parcours')} ` +
        `where parcours_id = any($1::text[])`,
      [ids],
    );
    const where = new Map<string, Attribution>(
      known.map((r) => [r.parcours_id, { territory: r.territory, organisationId: r.organisation_id }]),
    );
    const rows: LatenessRow[] = [];
    for (const e of events) {
      const parcoursId = parcoursIdOf(e.streamId);
      if (!parcoursId) continue;
      const event = parcoursEventOf(e, parcoursId);
      const attribution = attributionAfter(event, where.get(parcoursId));
      if (!attribution) continue; // no entry yet: nothing to attribute it to (the fold refuses such a stream too)
      where.set(parcoursId, attribution);
      if (event.type === 'PersonErased') continue;
      const businessOn = businessDateOf(event.type, event.data as unknown as Record<string, unknown>);
      if (!businessOn || !e.metadata?.recordedAt) continue;
      const recordedOn = recordedDay(e.metadata.recordedAt);
      rows.push({
        event_id: e.id,
        parcours_id: parcoursId,
        event_type: event.type,
        territory: attribution.territory,
        organisation_id: attribution.organisationId,
        business_on: businessOn,
        recorded_on: recordedOn,
        days_late: Math.max(0, daysBetween(businessOn, recordedOn)),
      });
    }
    await tx.query(
      `insert into ${t('rm_record_lateness_parcours')} (parcours_id, territory, organisation_id)
       select * from unnest($1::text[], $2::text[], $3::text[])
       on conflict (parcours_id) do update set territory = excluded.territory, organisation_id = excluded.organisation_id`,
      [
        [...where.keys()],
        [...where.values()].map((w) => w.territory),
        [...where.values()].map((w) => w.organisationId),
      ],
    );
    if (rows.length)
      await tx.query(
        `insert into ${t('rm_record_lateness')}
         select * from jsonb_populate_recordset(null::${t('rm_record_lateness')}, $1::jsonb) on conflict do nothing`,
        [JSON.stringify(rows)],
      );
  },
};

interface LatenessRow {
  territory: string;
  organisation_id: string | null;
  event_id: string;
  parcours_id: string;
  event_type: string;
  business_on: BusinessDate;
  recorded_on: BusinessDate;
  days_late: number;
}

export interface LatenessQuery {
  /** First and last months of the business dates counted (YYYY-MM). */
  from: string;
  to: string;
  /** A record is late past this many days (default 30). */
  lateAfterDays: number;
  territory?: string;
  organisationId?: string;
  eventType?: string;
}

export interface LatenessLine {
  /** The organisme in charge when the event was recorded; null before the first orientation. */
  organisationId: string | null;
  eventType: string;
  /** The month of the business date (YYYY-MM). */
  month: string;
  records: number;
  medianDaysLate: number;
  p90DaysLate: number;
  /** Records more than `lateAfterDays` days after their business date. */
  late: number;
  lateShare: number;
}

/**
 * By organisme, event type and month of the business date: how many records,
 * the median and 90th percentile of their delay in days (interpolated, as
 * PostgreSQL's percentile_cont), and how many came later than the threshold.
 * Ordered by share of late records, worst first.
 */
export async function queryRecordLateness(sql: SqlQueryable, q: LatenessQuery): Promise<LatenessLine[]> {
  const params: unknown[] = [`${q.from}-01`, `${q.to}-01`, q.lateAfterDays];
  const filters: string[] = [];
  for (const [column, value] of [
    ['territory', q.territory],
    ['organisation_id', q.organisationId],
    ['event_type', q.eventType],
  ] as const) {
    if (value === undefined) continue;
    params.push(value);
    filters.push(`${column} = $${params.length}`);
  }
  const rows = await sql.query<{
    organisation_id: string | null;
    event_type: string;
    month: string;
    records: string;
    median: number;
    p90: number;
    late: string;
  }>(
    `select organisation_id, event_type, to_char(business_on, 'YYYY-MM') as month, count(*) as records,
            percentile_cont(0.5) within group (order by days_late) as median,
            percentile_cont(0.9) within group (order by days_late) as p90,
            count(*) filter (where days_late > $3) as late
     from rm_record_lateness
     where business_on >= $1::date and business_on < ($2::date + interval '1 month')
       ${filters.map((f) => `and ${f}`).join(' ')}
     group by 1, 2, 3`,
    params,
  );
  return rows
    .map((r) => ({
      organisationId: r.organisation_id,
      eventType: r.event_type,
      month: r.month,
      records: Number(r.records),
      medianDaysLate: Number(r.median),
      p90DaysLate: Number(r.p90),
      late: Number(r.late),
      lateShare: Number(r.late) / Number(r.records),
    }))
    .sort(
      (a, b) =>
        b.lateShare - a.lateShare ||
        b.records - a.records ||
        (a.organisationId ?? '').localeCompare(b.organisationId ?? '') ||
        a.eventType.localeCompare(b.eventType) ||
        a.month.localeCompare(b.month),
    );
}
