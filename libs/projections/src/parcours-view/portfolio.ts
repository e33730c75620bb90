import { ERASED_NAME, ParcoursEvent } from '@parcours/domain';
import { weekShort } from './cycle-facts';
import type { ParcoursView } from './view';

/**
 * The portfolio concern of the view: who the person is, where the parcours
 * stands, the manquements awaiting a decision; and the line a référent's
 * screen shows, read from the view.
 */

/** Folds one event into the view's status, names and open manquements, in place. */
export function evolvePortfolio(v: ParcoursView, event: ParcoursEvent): void {
  switch (event.type) {
    case 'ParcoursEntered':
      v.territory = event.data.territory;
      v.status = 'in_rsa';
      return;
    case 'BreachReported':
      v.openBreaches.push(event.data.breachId);
      return;
    case 'BreachDismissed':
      v.openBreaches = v.openBreaches.filter((b) => b !== event.data.breachId);
      return;
    case 'SuspensionDecided':
      v.openBreaches = v.openBreaches.filter((b) => b !== event.data.breachId);
      return;
    case 'RsaExited':
      v.status = 'exited';
      return;
    case 'AccompanimentEnded':
      v.status = 'closed';
      return;
    case 'TransferredToAnotherDepartement':
      v.status = 'transferred';
      return;
    case 'PersonErased':
      // The names leave the read side; the facts stay for the figures.
      v.lastName = ERASED_NAME;
      v.firstName = ERASED_NAME;
      v.erased = true;
      return;
    default:
      return;
  }
}

export interface PortfolioRow {
  parcours_id: string;
  territory: string;
  organisation_id: string | null;
  referent_id: string | null;
  last_name: string;
  first_name: string;
  track: string | null;
  status: string;
  cycle: number;
  entered_on: string;
  oriented_on: string | null;
  contract_id: string | null;
  contract_ends_on: string | null;
  contract_status: string;
  last_held_on: string | null;
  next_appointment_on: string | null;
  open_breaches: number;
  sanction_in_progress: boolean;
  open_barriers: string[];
  /** Last day of the intensive accompaniment (its end, or its planned end), null when none. */
  intensive_until: string | null;
  /** Weeks of the last contract recorded below its hours without a reason (loi 2023-1196). */
  activity_short_weeks: number;
}

/** The portfolio line of a parcours, as a référent's screen shows it. */
export function portfolioLine(v: ParcoursView): PortfolioRow {
  const c = v.cycles[v.cycles.length - 1];
  const orientation = c.orientations[c.orientations.length - 1];
  const contract = c.contracts[c.contracts.length - 1];
  const held = c.appointments
    .map((a) => a.heldOn)
    .filter((d): d is string => !!d)
    .sort();
  const open = c.appointments
    .filter((a) => !a.heldOn && !a.missedOn && !a.cancelledOn)
    .map((a) => a.scheduledFor)
    .sort();
  return {
    parcours_id: v.parcoursId,
    territory: v.territory,
    organisation_id: orientation?.organisationId ?? null,
    referent_id: c.referentId ?? null,
    last_name: v.lastName,
    first_name: v.firstName,
    track: orientation?.track ?? null,
    status: v.status,
    cycle: c.cycle,
    entered_on: c.enteredOn,
    oriented_on: orientation?.notifiedOn ?? null,
    contract_id: contract?.id ?? null,
    contract_ends_on: contract
      ? contract.reviewedOn && contract.reviewedOn < contract.endsOn
        ? contract.reviewedOn
        : contract.endsOn
      : null,
    contract_status: !contract ? 'none' : contract.reviewedOn ? 'reviewed' : 'signed',
    last_held_on: held[held.length - 1] ?? null,
    next_appointment_on: open[0] ?? null,
    open_breaches: v.openBreaches.length,
    sanction_in_progress: c.suspensions.some((s) => !s.liftedOn && !s.definitiveOn && !s.withdrawnOn),
    open_barriers: c.barriers.filter((b) => !b.liftedOn).map((b) => b.barrier),
    intensive_until: c.intensive ? (c.intensive.endedOn ?? c.intensive.plannedEndOn) : null,
    activity_short_weeks: (contract?.weeks ?? []).filter((w) => weekShort(c, contract!, w)).length,
  };
}

/** A row of rm_echeances: an échéance of the parcours, with where the parcours stands. */
export interface EcheanceRow {
  id: string;
  parcours_id: string;
  kind: string;
  cycle: number;
  territory: string;
  organisation_id: string | null;
  referent_id: string | null;
  starts_on: string;
  due_on: string;
  warn_from: string;
  met_on: string | null;
  cancelled_on: string | null;
  parameters_version: number;
}

/** The échéances of a view as rows, with the territoire, organisme and référent of its portfolio line. */
export function echeanceRowsOf(v: ParcoursView, line: PortfolioRow = portfolioLine(v)): EcheanceRow[] {
  return v.echeances.map((e) => ({
    id: e.id,
    parcours_id: v.parcoursId,
    kind: e.kind,
    cycle: e.cycle,
    territory: v.territory,
    organisation_id: line.organisation_id,
    referent_id: line.referent_id,
    starts_on: e.startsOn,
    due_on: e.dueOn,
    warn_from: e.warnFrom,
    met_on: e.metOn ?? null,
    cancelled_on: e.cancelledOn ?? null,
    parameters_version: e.parametersVersion,
  }));
}
