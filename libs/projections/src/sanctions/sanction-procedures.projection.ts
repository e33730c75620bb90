import { BusinessDate, Parameters } from '@parcours/domain';
import type { RecordedEvent, SqlQueryable } from '@parcours/event-store';
import { Projection, TableNames } from '../engine/projection';
import { parcoursEventOf, parcoursIdOf } from '../parcours-view/fold';
import {
  checkProcedure,
  daysToDecision,
  emptyProcedures,
  evolveProcedures,
  ProcedureRecord,
  procedureCompliant,
  ProceduresDoc,
} from './sanction-procedure';

/**
 * The procedures of every parcours's manquements (sanction-procedure.ts),
 * one document per parcours with no personal data: dates, codes, who
 * recorded each step. Read by the procedural-compliance indicators.
 */
export const sanctionProceduresProjection: Projection = {
  name: 'sanction-procedures',
  version: 1,
  tables: ['rm_sanction_procedures'],
  schema: (t: TableNames) => [
    `create table if not exists ${t('rm_sanction_procedures')} (parcours_id text primary key, territory text not null, ` +
      `has_breaches boolean not null, doc jsonb not null)`,
    `create index if not exists ${t('rm_sanction_procedures')}_breaches on ${t('rm_sanction_procedures')} (territory) ` +
      `where has_breaches`,
  ],
  async apply(tx: SqlQueryable, events: RecordedEvent[], t: TableNames): Promise<void> {
    const ids = [...new Set(events.map((e) => parcoursIdOf(e.streamId)).filter((id): id is string => !!id))];
    if (!ids.length) return;
    const rows = await tx.query<{ parcours_id: string; doc: ProceduresDoc }>(
      `select parcours_id, doc from ${t('rm_sanction_procedures')} where parcours_id = any($1::text[])`,
      [ids],
    );
    const docs = new Map(rows.map((r) => [r.parcours_id, r.doc]));
    for (const e of events) {
      const parcoursId = parcoursIdOf(e.streamId);
      if (!parcoursId) continue;
      let doc = docs.get(parcoursId);
      if (!doc) docs.set(parcoursId, (doc = emptyProcedures()));
      evolveProcedures(doc, parcoursEventOf(e, parcoursId), e.metadata ?? {});
    }
    // Every document read or made here belongs to a parcours of the batch.
    const touched = [...docs.entries()];
    await tx.query(
      `insert into ${t('rm_sanction_procedures')} (parcours_id, territory, has_breaches, doc)
       select * from unnest($1::text[], $2::text[], $3::boolean[], $4::jsonb[])
       on conflict (parcours_id) do update set territory = excluded.territory, has_breaches = excluded.has_breaches,
         doc = excluded.doc`,
      [
        touched.map(([id]) => id),
        touched.map(([, d]) => d.territory),
        touched.map(([, d]) => d.breaches.length > 0),
        touched.map(([, d]) => JSON.stringify(d)),
      ],
    );
  },
};

export interface ComplianceFigures {
  group: string;
  /** Suspensions decided in the period. */
  decisions: number;
  /** Those whose every step came in order and within its delay. */
  compliant: number;
  compliantShare: number | null;
  /** Median of the days from the manquement to the decision (the mean of the two middle ones for an even count). */
  medianDaysToDecision: number | null;
  /** Decisions contested by a recours. */
  contested: number;
  contestedShare: number | null;
  /** Contested decisions withdrawn or annulled. */
  withdrawnOrAnnulled: number;
  withdrawnShareOfContested: number | null;
}

const median = (xs: number[]): number | null => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const share = (n: number, d: number) => (d ? n / d : null);

/**
 * Procedural compliance of the suspensions decided in a period, by territoire
 * or organisme (those in charge when the manquement was reported): the share
 * whose every step came in order and within its delay, the median days from
 * manquement to decision, the share contested, and of those the share
 * withdrawn or annulled.
 */
export async function queryProcedureCompliance(
  sql: SqlQueryable,
  period: { from: BusinessDate; to: BusinessDate },
  parametersOn: (date: BusinessDate) => Parameters,
  options: { groupBy?: 'departement' | 'territory' | 'organisation'; territory?: string } = {},
): Promise<ComplianceFigures[]> {
  const params: unknown[] = [];
  if (options.territory) params.push(options.territory);
  const rows = await sql.query<{ doc: ProceduresDoc }>(
    `select doc from rm_sanction_procedures where has_breaches${options.territory ? ' and territory = $1' : ''}`,
    params,
  );
  const groupOf = (r: ProcedureRecord) =>
    options.groupBy === 'territory'
      ? r.territory
      : options.groupBy === 'organisation'
        ? (r.organisationId ?? 'none')
        : 'all';
  const groups = new Map<string, ProcedureRecord[]>();
  for (const { doc } of rows)
    for (const r of doc.breaches) {
      if (!r.decision || r.decision.on < period.from || r.decision.on > period.to) continue;
      const g = groupOf(r);
      groups.set(g, [...(groups.get(g) ?? []), r]);
    }
  if (!options.groupBy || options.groupBy === 'departement') groups.set('all', groups.get('all') ?? []);
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([group, records]) => {
      const compliant = records.filter((r) => procedureCompliant(checkProcedure(r, parametersOn))).length;
      const contested = records.filter((r) => r.appealed);
      const withdrawn = contested.filter((r) => r.withdrawn).length;
      return {
        group,
        decisions: records.length,
        compliant,
        compliantShare: share(compliant, records.length),
        medianDaysToDecision: median(records.map((r) => daysToDecision(r)!)),
        contested: contested.length,
        contestedShare: share(contested.length, records.length),
        withdrawnOrAnnulled: withdrawn,
        withdrawnShareOfContested: share(withdrawn, contested.length),
      };
    });
}
