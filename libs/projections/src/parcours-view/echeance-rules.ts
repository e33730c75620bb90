import {
  ACTIVITY_HOURS_OBLIGATION,
  addDays,
  addMonths,
  BusinessDate,
  LEGACY_CONTRACT_DEADLINE,
  Parameters,
  ParcoursEvent,
} from '@parcours/domain';
import { CycleFacts, interrupted, weekShort } from './cycle-facts';
import {
  awaited,
  cancel,
  cutShort,
  ECHEANCE_KINDS,
  EcheanceHolder,
  EcheanceKind,
  meet,
  Opening,
  openEcheance,
  ParameterBook,
  parametersOn,
} from './echeance-book';

/**
 * Which event opens, meets or cancels which échéance (DOMAIN.md §3). Runs after
 * the event is folded into the cycle's facts, so a rule reads the facts as
 * they stand with the event (the orientation just notified is the last one).
 */

const FOLLOW_UP: EcheanceKind[] = [
  'activity_shortfall',
  'invitation_answer',
  'orientation_legal',
  'orientation_target',
  'first_appointment',
  'first_contract',
  'contract_end',
  'contact_gap',
  'balanced_review',
  'joint_review',
];

/** What only an organisme référent can meet: moot once the accompaniment is interrupted. */
const NEEDS_REFERENT: EcheanceKind[] = [
  'activity_shortfall',
  'invitation_answer',
  'first_appointment',
  'contact_gap',
  'balanced_review',
  'joint_review',
  'intensive_contact',
];

/** An exit ends what binds in its cycle (DOMAIN.md §2.9): no contact is due, no suspension runs on an allocation no longer paid. */
const ENDED_BY_EXIT: EcheanceKind[] = [
  ...FOLLOW_UP,
  'suspension_end',
  'legacy_contract',
  'intensive_contact',
  'orientation_after_interruption',
];

/** Monthly due date of a kind: `months` after `from`, from the parameters in force then. */
const monthsAfter =
  (from: BusinessDate, months: (p: Parameters) => number) =>
  (p: Parameters): BusinessDate =>
    addMonths(from, months(p));

/**
 * Weeks in a row, ending with the week of `weekOf` and starting on or after `since`, recorded below the
 * contract's hours without a reason (0 when that week itself is not short).
 */
function shortfallStreak(
  c: CycleFacts,
  k: CycleFacts['contracts'][number],
  weekOf: BusinessDate,
  since: BusinessDate = '0000-01-01',
): number {
  const byMonday = new Map((k.weeks ?? []).map((w) => [w.weekOf, w]));
  let streak = 0;
  for (let on = weekOf; on >= since; on = addDays(on, -7)) {
    const w = byMonday.get(on);
    if (!w || !weekShort(c, k, w)) break;
    streak += 1;
  }
  return streak;
}

/** The Monday of the first week, on or after `since`, that ends a run of `weeks` short weeks in a row. */
function firstRunEnd(
  c: CycleFacts,
  k: CycleFacts['contracts'][number],
  since: BusinessDate = '0000-01-01',
  weeks: number,
): BusinessDate | undefined {
  for (const w of [...(k.weeks ?? [])].sort((a, b) => (a.weekOf < b.weekOf ? -1 : 1)))
    if (w.weekOf >= since && shortfallStreak(c, k, w.weekOf, since) >= weeks) return w.weekOf;
  return undefined;
}

export function evolveEcheances(
  v: EcheanceHolder & { cycles: CycleFacts[] },
  event: ParcoursEvent,
  book: ParameterBook,
): void {
  const c = v.cycles[v.cycles.length - 1];
  const open = (o: Omit<Opening, 'cycle'>) => openEcheance(v, book, { ...o, cycle: c.cycle });
  switch (event.type) {
    case 'ParcoursEntered': {
      const d = event.data;
      cancel(
        v,
        ['suspension_end', 'intensive_contact', 'orientation_after_interruption', ...FOLLOW_UP],
        d.enteredOn,
      );
      // The post-exit accompaniment of the previous cycle ends with the new entry, if its window still ran.
      cutShort(v, d.enteredOn, 'cancelled');
      // Already in the RSA when the reform began: a contrat d'engagement by the end of 2026.
      if (d.enteredOn < LEGACY_CONTRACT_DEADLINE.inRsaOn)
        open({
          kind: 'legacy_contract',
          key: 'reform',
          startsOn: LEGACY_CONTRACT_DEADLINE.inRsaOn,
          due: () => LEGACY_CONTRACT_DEADLINE.dueOn,
          warnDays: (p) => p.contractEndWarningDays,
        });
      open({
        kind: 'orientation_legal',
        key: 'entry',
        startsOn: d.enteredOn,
        due: (p) => addDays(d.enteredOn, 7 * p.orientationLegalWeeks),
      });
      open({
        kind: 'orientation_target',
        key: 'entry',
        startsOn: d.enteredOn,
        due: (p) => addDays(d.enteredOn, p.orientationTargetDays),
      });
      return;
    }
    case 'Oriented': {
      const d = event.data;
      const on = d.notifiedOn;
      const first = c.orientations.length === 1;
      // The équilibré review falls 12 months into a socio-professional parcours; another track ends it.
      const wasBalanced = c.orientations.at(-2)?.track === 'socio_professional';
      if (d.track === 'socio_professional' && !wasBalanced)
        open({
          kind: 'balanced_review',
          key: d.orientationId,
          startsOn: on,
          due: monthsAfter(on, (p) => p.balancedReviewMonths),
        });
      else if (d.track !== 'socio_professional') cancel(v, ['balanced_review'], on);
      meet(v, ['orientation_after_interruption'], on);
      if (d.track !== 'social') cancel(v, ['joint_review'], on);
      const firstContract = { kind: 'first_contract' as const, key: on, startsOn: on };
      if (first) {
        meet(v, ['orientation_legal', 'orientation_target'], on);
        open({
          kind: 'first_appointment',
          key: 'orientation',
          startsOn: on,
          due: (p) => addDays(on, p.firstAppointmentDays),
        });
        open({ ...firstContract, due: monthsAfter(on, (p) => p.firstContractLegalMonths) });
      } else if (c.contracts.length === 0) {
        // The legal delay for the first contract starts again with a new orientation.
        cancel(v, ['first_contract'], on);
        open({ ...firstContract, due: monthsAfter(on, (p) => p.firstContractLegalMonths) });
      }
      return;
    }
    case 'AppointmentScheduled':
      // The person answered the invitation: an appointment is set.
      for (const e of awaited(v, ['invitation_answer']))
        if (e.startsOn <= event.data.scheduledOn) e.metOn = event.data.scheduledOn;
      return;
    case 'AppointmentHeld': {
      const d = event.data;
      meet(v, ['first_appointment', 'contact_gap'], d.heldOn);
      // The référent met the person about the hours: that is acting on the shortfall.
      for (const e of awaited(v, ['activity_shortfall'])) if (e.startsOn <= d.heldOn) e.metOn = d.heldOn;
      // Intensive: the month's échéance is met by its n-th entretien held (parameter intensiveMonthlyEntretiens).
      const month = d.heldOn.slice(0, 7);
      const heldInMonth = c.appointments.filter((x) => x.heldOn?.startsWith(month)).length;
      if (heldInMonth >= parametersOn(book, d.heldOn).p.intensiveMonthlyEntretiens)
        meet(v, ['intensive_contact'], d.heldOn, month);
      open({
        kind: 'contact_gap',
        key: d.appointmentId,
        startsOn: d.heldOn,
        due: monthsAfter(d.heldOn, (p) => p.contactGapMonths),
      });
      return;
    }
    case 'ContractSigned': {
      const d = event.data;
      meet(v, ['first_contract', 'contract_end'], d.signedOn);
      if (d.signedOn >= LEGACY_CONTRACT_DEADLINE.inRsaOn) meet(v, ['legacy_contract'], d.signedOn);
      open({
        kind: 'contract_end',
        key: d.contractId,
        startsOn: d.startsOn,
        due: () => d.endsOn,
        warnDays: (p) => p.contractEndWarningDays,
      });
      // L262-31: a contract of the social parcours opens its joint review, unless one is awaited already.
      if (
        c.orientations.at(-1)?.track === 'social' &&
        !interrupted(c) &&
        awaited(v, ['joint_review']).length === 0
      )
        open({
          kind: 'joint_review',
          key: d.signedOn,
          startsOn: d.signedOn,
          due: monthsAfter(d.signedOn, (p) => p.jointReviewMonths),
        });
      return;
    }
    case 'ContractReviewed':
      meet(v, ['contract_end'], event.data.reviewedOn, event.data.contractId);
      cancel(v, ['activity_shortfall'], event.data.reviewedOn, (e) =>
        e.key.startsWith(`${event.data.contractId}:`),
      );
      return;
    case 'InvitationSent': {
      const d = event.data;
      open({
        kind: 'invitation_answer',
        key: d.invitationId,
        startsOn: d.sentOn,
        due: (p) => addDays(d.sentOn, p.invitationAnswerDays),
      });
      return;
    }
    case 'BreachReported':
      // The manquement reported for the hours is the référent's answer to the shortfall.
      if (event.data.obligation === ACTIVITY_HOURS_OBLIGATION)
        for (const e of awaited(v, ['activity_shortfall']))
          if (e.startsOn <= event.data.reportedOn) e.metOn = event.data.reportedOn;
      return;
    case 'ActivityHoursRecorded': {
      const d = event.data;
      const k = c.contracts.find((x) => x.id === d.contractId);
      if (!k) return;
      const { p } = parametersOn(book, d.weekOf);
      const mine = v.echeances.filter(
        (e) => e.kind === 'activity_shortfall' && e.key.startsWith(`${d.contractId}:`),
      );
      const pending = mine.find((e) => !e.metOn && !e.cancelledOn);
      if (pending) {
        // Weeks come late and get corrected: the run that opened it may no longer hold, or the person is
        // back at the plan after it. Either way nothing is left to act on.
        const runEnd = pending.key.slice(d.contractId.length + 1);
        const before = mine[mine.indexOf(pending) - 1]?.startsOn;
        const holds = shortfallStreak(c, k, runEnd, before) >= p.activityShortfallWeeks;
        const backAtPlan = d.weekOf > runEnd && shortfallStreak(c, k, d.weekOf) === 0;
        if (holds && !backAtPlan) return;
        const on = addDays(d.weekOf, 7);
        pending.cancelledOn = on > pending.startsOn ? on : pending.startsOn;
      }
      // Weeks before the last échéance of the contract were looked at already: a new run starts after it.
      const runEnd = firstRunEnd(c, k, mine.at(-1)?.startsOn, p.activityShortfallWeeks);
      if (runEnd)
        open({
          kind: 'activity_shortfall',
          key: `${d.contractId}:${runEnd}`,
          startsOn: addDays(runEnd, 7),
          due: (q) => addDays(addDays(runEnd, 7), q.activityShortfallReactionDays),
        });
      return;
    }
    case 'JointReviewHeld': {
      const on = event.data.reviewedOn;
      meet(v, ['joint_review'], on);
      if (event.data.outcome === 'social_track_maintained')
        open({
          kind: 'joint_review',
          key: on,
          startsOn: on,
          due: monthsAfter(on, (p) => p.jointReviewMonths),
        });
      return;
    }
    case 'JointReviewExtended':
      // Twelve months from the same start: the six-month one is replaced, not met.
      for (const e of awaited(v, ['joint_review'])) {
        e.cancelledOn = event.data.decidedOn;
        open({
          kind: 'joint_review',
          key: `${e.key}:extended`,
          startsOn: e.startsOn,
          due: monthsAfter(e.startsOn, (p) => p.jointReviewExtendedMonths),
        });
      }
      return;
    case 'AccompanimentInterrupted': {
      const on = event.data.interruptedOn;
      cancel(v, NEEDS_REFERENT, on);
      open({
        kind: 'orientation_after_interruption',
        key: on,
        startsOn: on,
        due: monthsAfter(on, (p) => p.ruptureFollowUpMonths),
      });
      return;
    }
    case 'IntensiveAccompanimentStarted': {
      const d = event.data;
      // One échéance per calendar month of the planned period, due on its last day.
      for (
        let month = d.startedOn.slice(0, 7);
        `${month}-01` <= d.plannedEndOn;
        month = addMonths(`${month}-01`, 1).slice(0, 7)
      ) {
        open({
          kind: 'intensive_contact',
          key: month,
          startsOn: month === d.startedOn.slice(0, 7) ? d.startedOn : `${month}-01`,
          due: () => addDays(addMonths(`${month}-01`, 1), -1),
        });
      }
      return;
    }
    case 'IntensiveAccompanimentEnded': {
      // The months after the end are moot; the month of the end keeps its échéance.
      const on = event.data.endedOn;
      cancel(v, ['intensive_contact'], on, (e) => e.startsOn > on);
      return;
    }
    case 'BalancedReviewHeld': {
      const on = event.data.reviewedOn;
      meet(v, ['balanced_review'], on);
      // Continuing in the équilibré parcours: the next review is 12 months on.
      if (event.data.outcome === 'continue')
        open({
          kind: 'balanced_review',
          key: `review-${on}`,
          startsOn: on,
          due: monthsAfter(on, (p) => p.balancedReviewMonths),
        });
      return;
    }
    case 'SuspensionDecided': {
      const d = event.data;
      open({ kind: 'suspension_end', key: d.sanctionId, startsOn: d.startsOn, due: () => d.endsOn });
      return;
    }
    case 'SuspensionLiftedByRemobilisation':
      meet(v, ['suspension_end'], event.data.remobilisedOn, event.data.sanctionId);
      return;
    case 'SuspensionMadeDefinitive':
      meet(v, ['suspension_end'], event.data.decidedOn, event.data.sanctionId);
      return;
    case 'SanctionWithdrawn':
      cancel(v, ['suspension_end'], event.data.decidedOn, (e) => e.key === event.data.sanctionId);
      return;
    case 'RsaExited': {
      const on = event.data.exitedOn;
      cancel(v, ENDED_BY_EXIT, on);
      // The accompaniment after exit ends by itself at the window's end (S001): met then, never overdue,
      // unless its end is recorded earlier or a re-entry comes first.
      open({
        kind: 'accompaniment_end',
        key: 'exit',
        startsOn: on,
        due: monthsAfter(on, (p) => p.accompanimentAfterExitMonths),
        endsByItself: true,
      });
      return;
    }
    case 'AccompanimentEnded':
      cutShort(v, event.data.endedOn, 'met');
      cancel(v, FOLLOW_UP, event.data.endedOn);
      return;
    case 'TransferredToAnotherDepartement':
      cancel(v, ECHEANCE_KINDS, event.data.transferredOn);
      return;
    default:
      return;
  }
}
