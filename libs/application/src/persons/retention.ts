import { Inject, Injectable } from '@nestjs/common';
import { Identity } from '@parcours/auth';
import { addMonths, BusinessDate, parametersAt, ParameterVersion } from '@parcours/domain';
import type { SqlClient } from '@parcours/event-store';
import type { CycleFacts, ParcoursView } from '@parcours/projections';
import { SQL } from '@parcours/runtime';
import { PersonErasure } from './erasure';

/** Who erases at the end of retention: the Département's job, named in the erasure record. */
export const RETENTION_IDENTITY: Identity = { sub: 'job:retention', role: 'departement' };

/** How many parcours the job reads at a time: memory stays bounded whatever the number of parcours. */
const PAGE = 500;

/** The day the accompaniment of a finished parcours ended: its end, its transfer, or the close of the window after exit. */
export function accompanimentEnd(
  v: Pick<ParcoursView, 'status' | 'cycles'>,
  monthsAfterExit: number,
): BusinessDate | undefined {
  const c: CycleFacts | undefined = v.cycles[v.cycles.length - 1];
  if (!c || v.status === 'in_rsa') return undefined;
  if (c.transferredOn) return c.transferredOn;
  if (c.accompanimentEndedOn) return c.accompanimentEndedOn;
  return c.exitedOn ? addMonths(c.exitedOn, monthsAfterExit) : undefined;
}

export interface RetentionReport {
  on: BusinessDate;
  /** Parcours erased, with the end of their accompaniment. */
  erased: { parcoursId: string; accompanimentEndedOn: BusinessDate }[];
  /** Parcours due that could not be erased this time (tried again at the next run). */
  failed: { parcoursId: string; error: string }[];
}

/**
 * Erases the persons whose accompaniment ended more than
 * `retentionMonthsAfterEnd` months ago (parameters in force on the day of the
 * run). Idempotent: a run after a crash erases what is still due.
 */
@Injectable()
export class RetentionJob {
  constructor(
    @Inject(SQL) private readonly sql: SqlClient,
    private readonly erasure: PersonErasure,
  ) {}

  /** The parcours due on a date, page by page. */
  async *due(on: BusinessDate): AsyncGenerator<{ parcoursId: string; accompanimentEndedOn: BusinessDate }> {
    const [book] = await this.sql.query<{ doc: { versions: ParameterVersion[] } }>(
      'select doc from rm_parameter_book where id = 1',
    );
    const p = parametersAt(book?.doc.versions ?? [], on);
    let after = '';
    for (;;) {
      const rows = await this.sql.query<{ parcours_id: string; doc: ParcoursView }>(
        `select parcours_id, doc from rm_parcours_view
         where parcours_id > $1 and doc->>'status' <> 'in_rsa' and doc->'erased' is null
         order by parcours_id limit ${PAGE}`,
        [after],
      );
      for (const r of rows) {
        const ended = accompanimentEnd(r.doc, p.accompanimentAfterExitMonths);
        if (ended && addMonths(ended, p.retentionMonthsAfterEnd) < on)
          yield { parcoursId: r.parcours_id, accompanimentEndedOn: ended };
      }
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1].parcours_id;
    }
  }

  async run(on: BusinessDate, options: { dryRun?: boolean } = {}): Promise<RetentionReport> {
    const report: RetentionReport = { on, erased: [], failed: [] };
    for await (const due of this.due(on)) {
      if (options.dryRun) {
        report.erased.push(due);
        continue;
      }
      try {
        await this.erasure.erase(due.parcoursId, 'retention_expired', RETENTION_IDENTITY, {
          correlationId: `retention:${on}`,
          idempotencyKey: `retention:${due.parcoursId}`,
        });
        report.erased.push(due);
      } catch (error) {
        report.failed.push({ parcoursId: due.parcoursId, error: (error as Error).message });
      }
    }
    return report;
  }
}
