import { addDays, BusinessDate, Parameters } from '@parcours/domain';
import type { SqlQueryable } from '@parcours/event-store';
import { statusRangeSql, statusSql } from './scope';

/**
 * What a SLAI supervisor watches in a territoire, as of a date: référents'
 * caseloads against the cap, parcours waiting for an orientation or a
 * référent, overdue échéances by kind, contracts ending soon, manquements and
 * sanctions. Référents with the most overdue échéances come first.
 */
export async function querySupervision(
  sql: SqlQueryable,
  territory: string,
  on: BusinessDate,
  params: Parameters,
) {
  const soon = addDays(on, params.contractEndWarningDays);
  const referents = await sql.query<Record<string, unknown>>(
    `select p.referent_id, p.organisation_id,
            count(*)::int as caseload,
            count(*) filter (where p.intensive_until >= $2::date)::int as intensive,
            count(*) filter (where p.contract_status = 'signed' and ` +
      `p.contract_ends_on between $2::date and $3::date)::int as contracts_ending_soon,
            coalesce(sum(p.open_breaches), 0)::int as open_breaches,
            count(*) filter (where p.sanction_in_progress)::int as sanctions_in_progress,
            (select count(*)::int from rm_echeances e where e.referent_id = ` +
      `p.referent_id and e.territory = $1 and e.starts_on <= $2::date and ${statusSql('$2::date')} = 'overdue'` +
      ` and ${statusRangeSql('overdue', '$2::date')}) as overdue
     from rm_portfolio p
     where p.territory = $1 and p.referent_id is not null and p.status in ('in_rsa', 'exited')
     group by p.referent_id, p.organisation_id
     order by overdue desc, caseload desc, p.referent_id`,
    [territory, on, soon],
  );
  const [waiting] = await sql.query<{
    without_orientation: number;
    without_referent: number;
    contracts_ending_soon: number;
    open_breaches: number;
    sanctions_in_progress: number;
  }>(
    `select count(*) filter (where track is null and status = 'in_rsa')::int as without_orientation,
            count(*) filter (where track is not null and referent_id is null and status in ('in_rsa', 'exited'))::int as without_referent,
            count(*) filter (where contract_status = 'signed' and contract_ends_on between $2::date and $3::date)::int
              as contracts_ending_soon,
            coalesce(sum(open_breaches), 0)::int as open_breaches,
            count(*) filter (where sanction_in_progress)::int as sanctions_in_progress
     from rm_portfolio where territory = $1`,
    [territory, on, soon],
  );
  const overdueByKind = await sql.query<{ kind: string; overdue: number }>(
    `select e.kind, count(*)::int as overdue from rm_echeances e
     where e.territory = $1 and e.starts_on <= $2::date and ${statusSql('$2::date')} = 'overdue'
       and ${statusRangeSql('overdue', '$2::date')}
     group by e.kind order by overdue desc, e.kind`,
    [territory, on],
  );
  const byOrganisation = new Map<
    string,
    { organisationId: string; caseload: number; overdue: number; referents: number }
  >();
  for (const r of referents) {
    const key = String(r.organisation_id ?? '');
    const o = byOrganisation.get(key) ?? { organisationId: key, caseload: 0, overdue: 0, referents: 0 };
    o.caseload += Number(r.caseload);
    o.overdue += Number(r.overdue);
    o.referents += 1;
    byOrganisation.set(key, o);
  }
  return {
    territory,
    on,
    ...waitingCounts(waiting),
    overdueByKind: Object.fromEntries(overdueByKind.map((r) => [r.kind, r.overdue])),
    organisations: [...byOrganisation.values()].sort(
      (a, b) => b.overdue - a.overdue || b.caseload - a.caseload,
    ),
    referents: referents.map((r) => {
      // A portfolio mostly in intensive accompaniment follows the smaller cap (DOMAIN.md §3, portfolio size).
      const cap =
        Number(r.intensive) * 2 > Number(r.caseload)
          ? params.portfolioCapIntensive
          : params.portfolioCapOther;
      return {
        referentId: r.referent_id,
        organisationId: r.organisation_id,
        caseload: r.caseload,
        cap,
        overCap: Number(r.caseload) > cap,
        overdue: r.overdue,
        contractsEndingSoon: r.contracts_ending_soon,
        openBreaches: r.open_breaches,
        sanctionsInProgress: r.sanctions_in_progress,
      };
    }),
  };
}

function waitingCounts(
  w:
    | {
        without_orientation: number;
        without_referent: number;
        contracts_ending_soon: number;
        open_breaches: number;
        sanctions_in_progress: number;
      }
    | undefined,
) {
  return {
    withoutOrientation: w?.without_orientation ?? 0,
    withoutReferent: w?.without_referent ?? 0,
    contractsEndingSoon: w?.contracts_ending_soon ?? 0,
    openBreaches: w?.open_breaches ?? 0,
    sanctionsInProgress: w?.sanctions_in_progress ?? 0,
  };
}
