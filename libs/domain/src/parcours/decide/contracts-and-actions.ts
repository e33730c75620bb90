import { addDays, addMonths, BusinessDate, daysBetween } from '../../shared/dates';
import { rule } from '../../shared/rule-violation';
import { lookup } from '../../shared/identifiers';
import { ParcoursEvent } from '../events';
import { Contract, contractEnd, exemptionInForce, ParcoursState } from '../state';
import { CommandOf, DecisionContext } from './context';
import {
  found,
  notBefore,
  notBeforeEntry,
  notFuture,
  notTooFarAhead,
  one,
  pastDateInCycle,
  requireInRsa,
  requireOpen,
  requireOrientation,
  requireReferent,
} from './rules';

/**
 * What the person commits to and does: the contract (CER / PPAE) and its reviews, the
 * joint and balanced reviews, the intensive modality, the exemptions of activity hours,
 * the actions prescribed, and employment.
 */

export function signContract(
  s: ParcoursState,
  c: CommandOf<'SignContract'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireOpen(s, ctx, c.signedOn);
  requireReferent(s);
  pastDateInCycle(s, ctx, c.signedOn, 'signedOn');
  notBeforeEntry(s, c.startsOn, 'startsOn');
  notTooFarAhead(ctx, c.startsOn, 'startsOn');
  rule(
    c.endsOn > c.startsOn,
    'CONTRACT_END_BEFORE_START',
    'La fin du contrat doit suivre son début.',
    'endsOn',
  );
  const p = ctx.parametersOn(c.signedOn);
  rule(
    c.endsOn >= addDays(addMonths(c.startsOn, p.contractMinMonths), -1) &&
      c.endsOn <= addMonths(c.startsOn, p.contractMaxMonths),
    'CONTRACT_DURATION_OUT_OF_RANGE',
    `La durée du contrat doit être comprise entre ${p.contractMinMonths} et ${p.contractMaxMonths} mois.`,
    'endsOn',
  );
  rule(
    c.weeklyHours >= p.weeklyHoursMin && c.weeklyHours <= p.weeklyHoursMax,
    'WEEKLY_HOURS_OUT_OF_RANGE',
    `Les heures d'activité hebdomadaires doivent être comprises entre ${p.weeklyHoursMin} et ${p.weeklyHoursMax}.`,
    'weeklyHours',
  );
  // DOMAIN.md §4.2 (loi 2023-1196): at least the legal hours, fewer only for a recorded reason, none only when exempted.
  const exempted = exemptionInForce(s, c.startsOn);
  rule(
    c.weeklyHours > 0 || exempted,
    'ACTIVITY_HOURS_NIL_WITHOUT_EXEMPTION',
    "Un contrat sans heures d'activité suppose une dispense en vigueur.",
    'weeklyHours',
  );
  rule(
    c.weeklyHours >= p.activityHoursLegalMin || c.hoursReductionReason || exempted,
    'ACTIVITY_HOURS_REDUCTION_REASON_REQUIRED',
    `En dessous de ${p.activityHoursLegalMin} heures par semaine, indiquez le motif de la réduction (santé, handicap, garde ` +
      `d'enfant, aide à un proche).`,
    'hoursReductionReason',
  );
  // A contract of an earlier cycle ended with that cycle's exit: a re-entry starts clean.
  const overlapping = Object.values(s.contracts).find(
    (k) => k.cycle === s.cycle && k.startsOn <= c.endsOn && c.startsOn <= contractEnd(k),
  );
  rule(
    !overlapping,
    'CONTRACT_ALREADY_OPEN',
    `Un contrat est déjà en cours sur cette période (jusqu'au ${overlapping && contractEnd(overlapping)}) : faites d'abord son bilan.`,
    'startsOn',
  );
  const renewal = Object.values(s.contracts).some((k) => k.cycle === s.cycle);
  return one({
    type: 'ContractSigned',
    data: {
      contractId: ctx.newId(),
      kind: c.kind,
      signedOn: c.signedOn,
      startsOn: c.startsOn,
      endsOn: c.endsOn,
      weeklyHours: c.weeklyHours,
      objectives: c.objectives,
      renewal,
      hoursReductionReason: c.hoursReductionReason,
    },
  });
}

export function reviewContract(
  s: ParcoursState,
  c: CommandOf<'ReviewContract'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireOpen(s, ctx, c.reviewedOn);
  const contract = found(lookup(s.contracts, c.contractId), 'CONTRACT_NOT_FOUND', "Ce contrat n'existe pas.");
  rule(!contract.reviewedOn, 'CONTRACT_ALREADY_REVIEWED', 'Le bilan de ce contrat est déjà fait.');
  pastDateInCycle(s, ctx, c.reviewedOn, 'reviewedOn');
  notBefore(
    c.reviewedOn,
    contract.startsOn,
    'REVIEW_BEFORE_START',
    'Le bilan ne peut précéder le début du contrat.',
    'reviewedOn',
  );
  return one({
    type: 'ContractReviewed',
    data: { contractId: c.contractId, reviewedOn: c.reviewedOn, outcome: c.outcome },
  });
}

/** A contract of the current cycle, not reviewed nor ended by an exit: one whose activity can still be planned and recorded. */
function openContract(s: ParcoursState, contractId: string): Contract {
  const contract = found(lookup(s.contracts, contractId), 'CONTRACT_NOT_FOUND', "Ce contrat n'existe pas.");
  rule(
    contract.cycle === s.cycle && !contract.reviewedOn && !contract.endedByExitOn,
    'CONTRACT_CLOSED',
    'Ce contrat est clos (bilan fait ou sortie du RSA) : son activité ne se planifie ni ne se déclare plus.',
    'contractId',
  );
  return contract;
}

/**
 * The activity plan of a contract: activities whose weekly hours make the contract's own, which were
 * set at signature at 15 hours or reduced with a reason, or nil under an exemption (DOMAIN.md §4.2).
 */
export function setActivityPlan(
  s: ParcoursState,
  c: CommandOf<'SetActivityPlan'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireOpen(s, ctx, c.setOn);
  const contract = openContract(s, c.contractId);
  pastDateInCycle(s, ctx, c.setOn, 'setOn');
  notBefore(
    c.setOn,
    contract.signedOn,
    'PLAN_BEFORE_SIGNATURE',
    'Le plan d’activité ne peut précéder la signature du contrat.',
    'setOn',
  );
  rule(
    new Set(c.activities.map((a) => a.kind)).size === c.activities.length,
    'ACTIVITY_PLAN_DUPLICATE_KIND',
    'Chaque activité ne figure qu’une fois dans le plan : additionnez ses heures.',
    'activities',
  );
  rule(
    c.activities.every((a) => a.weeklyHours > 0),
    'ACTIVITY_HOURS_NOT_POSITIVE',
    'Chaque activité du plan compte un nombre d’heures positif.',
    'activities',
  );
  const total = c.activities.reduce((sum, a) => sum + a.weeklyHours, 0);
  rule(
    Math.abs(total - contract.weeklyHours) < 0.01,
    'ACTIVITY_PLAN_SUM_MISMATCH',
    `Les activités du plan totalisent ${total} heures par semaine ; le contrat en prévoit ${contract.weeklyHours}.`,
    'activities',
  );
  return one({
    type: 'ActivityPlanSet',
    data: { contractId: c.contractId, setOn: c.setOn, activities: c.activities },
  });
}

/** Any Monday: weeks are counted from Monday, as the hours of activity are. */
const A_MONDAY = '2024-01-01';

/** The hours done in a week of a contract, against its plan; a shortfall may be justified (then no manquement). */
export function recordActivityHours(
  s: ParcoursState,
  c: CommandOf<'RecordActivityHours'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireOpen(s, ctx, c.weekOf);
  // A contract closed since (bilan, exit) still takes the hours of its weeks: a partner's report comes
  // days after the week, and the hours then done count (the week must fall within the contract, below).
  const contract = found(lookup(s.contracts, c.contractId), 'CONTRACT_NOT_FOUND', "Ce contrat n'existe pas.");
  rule(
    contract.cycle === s.cycle,
    'CONTRACT_CLOSED',
    'Ce contrat appartient à un cycle terminé : son activité ne se déclare plus.',
    'contractId',
  );
  rule(
    ((daysBetween(A_MONDAY, c.weekOf) % 7) + 7) % 7 === 0,
    'WEEK_MUST_START_ON_MONDAY',
    'Une semaine d’activité commence un lundi.',
    'weekOf',
  );
  // A week is counted once over: a partial week would look short.
  rule(
    addDays(c.weekOf, 6) <= ctx.today,
    'WEEK_NOT_ENDED',
    'Les heures d’une semaine se déclarent une fois la semaine finie (le dimanche).',
    'weekOf',
  );
  rule(
    addDays(c.weekOf, 6) >= contract.startsOn && c.weekOf <= contractEnd(contract),
    'WEEK_OUTSIDE_CONTRACT',
    `Cette semaine est hors de la période du contrat (${contract.startsOn} – ${contractEnd(contract)}).`,
    'weekOf',
  );
  rule(
    // The plan always makes the contract's weekly hours: a week is short of the one as of the other.
    !c.shortfallReason || c.hours < contract.weeklyHours,
    'SHORTFALL_REASON_WITHOUT_SHORTFALL',
    'Un motif ne se donne que pour une semaine en dessous du plan.',
    'shortfallReason',
  );
  return one({
    type: 'ActivityHoursRecorded',
    data: {
      contractId: c.contractId,
      weekOf: c.weekOf,
      hours: c.hours,
      source: c.source,
      ...(c.shortfallReason ? { shortfallReason: c.shortfallReason } : {}),
    },
  });
}

export function recordBalancedReview(
  s: ParcoursState,
  c: CommandOf<'RecordBalancedReview'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireOpen(s, ctx, c.reviewedOn);
  requireOrientation(s);
  rule(
    s.orientation!.track === 'socio_professional',
    'BALANCED_REVIEW_REQUIRES_BALANCED_TRACK',
    'Cette revue concerne les parcours socio-professionnels (équilibrés).',
  );
  pastDateInCycle(s, ctx, c.reviewedOn, 'reviewedOn');
  notBefore(
    c.reviewedOn,
    s.orientation!.notifiedOn,
    'REVIEW_BEFORE_ORIENTATION',
    "La revue ne peut précéder l'orientation.",
    'reviewedOn',
  );
  return one({ type: 'BalancedReviewHeld', data: { reviewedOn: c.reviewedOn, outcome: c.outcome } });
}

export function holdJointReview(
  s: ParcoursState,
  c: CommandOf<'HoldJointReview'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireOpen(s, ctx, c.reviewedOn);
  requireInRsa(s);
  const review = s.jointReview;
  rule(
    review,
    'JOINT_REVIEW_NOT_AWAITED',
    "Aucun examen de situation n'est attendu : il suit un contrat du parcours social (L262-31).",
  );
  pastDateInCycle(s, ctx, c.reviewedOn, 'reviewedOn');
  notBefore(
    c.reviewedOn,
    review.from,
    'JOINT_REVIEW_BEFORE_CONTRACT',
    `L'examen ne peut précéder le contrat ou l'examen précédent (${review.from}).`,
    'reviewedOn',
  );
  return one({ type: 'JointReviewHeld', data: { reviewedOn: c.reviewedOn, outcome: c.outcome } });
}

export function extendJointReview(
  s: ParcoursState,
  c: CommandOf<'ExtendJointReview'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireOpen(s, ctx, c.decidedOn);
  requireInRsa(s);
  const review = s.jointReview;
  rule(
    review,
    'JOINT_REVIEW_NOT_AWAITED',
    "Aucun examen de situation n'est attendu : il suit un contrat du parcours social (L262-31).",
  );
  rule(
    !review.extended,
    'JOINT_REVIEW_ALREADY_EXTENDED',
    "Le délai de l'examen de situation est déjà porté à son maximum.",
  );
  pastDateInCycle(s, ctx, c.decidedOn, 'decidedOn');
  notBefore(
    c.decidedOn,
    review.from,
    'JOINT_REVIEW_BEFORE_CONTRACT',
    `Le report ne peut précéder le contrat (${review.from}).`,
    'decidedOn',
  );
  // L262-31: twelve months "si la situation le justifie", decided while the six months run.
  const due = addMonths(review.from, ctx.parametersOn(review.from).jointReviewMonths);
  rule(
    c.decidedOn <= due,
    'JOINT_REVIEW_EXTENSION_TOO_LATE',
    `Le report doit être décidé avant le terme de l'examen (${due}).`,
    'decidedOn',
  );
  return one({ type: 'JointReviewExtended', data: { decidedOn: c.decidedOn } });
}

export function startIntensiveAccompaniment(
  s: ParcoursState,
  c: CommandOf<'StartIntensiveAccompaniment'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireOpen(s, ctx, c.startedOn);
  requireInRsa(s);
  requireReferent(s);
  pastDateInCycle(s, ctx, c.startedOn, 'startedOn');
  rule(
    !intensiveOn(s, c.startedOn),
    'INTENSIVE_ALREADY_RUNNING',
    "L'accompagnement intensif est déjà en cours.",
  );
  const plannedEndOn = addDays(addMonths(c.startedOn, ctx.parametersOn(c.startedOn).intensiveMonths), -1);
  return one({ type: 'IntensiveAccompanimentStarted', data: { startedOn: c.startedOn, plannedEndOn } });
}

/** Whether the intensive modality runs on a date: started, not ended, within its planned period. */
function intensiveOn(s: ParcoursState, date: BusinessDate): boolean {
  const x = s.intensive;
  return (
    x !== undefined &&
    x.startedOn <= date &&
    date <= x.plannedEndOn &&
    (x.endedOn === undefined || date <= x.endedOn)
  );
}

export function endIntensiveAccompaniment(
  s: ParcoursState,
  c: CommandOf<'EndIntensiveAccompaniment'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireOpen(s, ctx, c.endedOn);
  rule(
    s.intensive && !s.intensive.endedOn,
    'INTENSIVE_NOT_RUNNING',
    "Aucun accompagnement intensif n'est en cours.",
  );
  pastDateInCycle(s, ctx, c.endedOn, 'endedOn');
  notBefore(
    c.endedOn,
    s.intensive.startedOn,
    'INTENSIVE_END_BEFORE_START',
    "La fin de l'accompagnement intensif ne peut précéder son début.",
    'endedOn',
  );
  return one({ type: 'IntensiveAccompanimentEnded', data: { endedOn: c.endedOn } });
}

export function grantExemption(
  s: ParcoursState,
  c: CommandOf<'GrantExemption'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireOpen(s, ctx, c.from);
  notBeforeEntry(s, c.from, 'from');
  notTooFarAhead(ctx, c.from, 'from');
  rule(
    !c.to || c.to >= c.from,
    'EXEMPTION_END_BEFORE_START',
    'La fin de la dispense précède son début.',
    'to',
  );
  return one({
    type: 'ExemptionGranted',
    data: { exemptionId: ctx.newId(), reason: c.reason, from: c.from, to: c.to },
  });
}

export function prescribeAction(
  s: ParcoursState,
  c: CommandOf<'PrescribeAction'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireOpen(s, ctx, c.prescribedOn);
  requireReferent(s);
  pastDateInCycle(s, ctx, c.prescribedOn, 'prescribedOn');
  const action = ctx.action;
  rule(action, 'ACTION_UNKNOWN', "Cette action d'insertion n'existe pas.", 'actionId');
  return one({
    type: 'ActionPrescribed',
    data: {
      prescriptionId: ctx.newId(),
      actionId: action.actionId,
      dispositifCode: action.dispositifCode,
      prescribedOn: c.prescribedOn,
    },
  });
}

export function enterAction(
  s: ParcoursState,
  c: CommandOf<'EnterAction'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireOpen(s, ctx, c.enteredOn);
  const p = found(
    lookup(s.prescriptions, c.prescriptionId),
    'PRESCRIPTION_NOT_FOUND',
    "Cette prescription n'existe pas.",
  );
  rule(!p.enteredOn, 'ACTION_ALREADY_ENTERED', "L'entrée dans cette action est déjà enregistrée.");
  pastDateInCycle(s, ctx, c.enteredOn, 'enteredOn');
  notBefore(
    c.enteredOn,
    p.prescribedOn,
    'ENTRY_BEFORE_PRESCRIPTION',
    "L'entrée ne peut précéder la prescription.",
    'enteredOn',
  );
  return one({ type: 'ActionEntered', data: { prescriptionId: c.prescriptionId, enteredOn: c.enteredOn } });
}

export function exitAction(
  s: ParcoursState,
  c: CommandOf<'ExitAction'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireOpen(s, ctx, c.exitedOn);
  const p = found(
    lookup(s.prescriptions, c.prescriptionId),
    'PRESCRIPTION_NOT_FOUND',
    "Cette prescription n'existe pas.",
  );
  rule(p.enteredOn, 'ACTION_NOT_ENTERED', "L'entrée dans l'action n'est pas enregistrée.");
  rule(!p.exitedOn, 'ACTION_ALREADY_EXITED', 'La sortie de cette action est déjà enregistrée.');
  pastDateInCycle(s, ctx, c.exitedOn, 'exitedOn');
  notBefore(
    c.exitedOn,
    p.enteredOn,
    'EXIT_BEFORE_ENTRY',
    "La sortie ne peut précéder l'entrée dans l'action.",
    'exitedOn',
  );
  return one({
    type: 'ActionExited',
    data: { prescriptionId: c.prescriptionId, exitedOn: c.exitedOn, outcome: c.outcome },
  });
}

export function startEmployment(
  s: ParcoursState,
  c: CommandOf<'StartEmployment'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireOpen(s, ctx, c.startedOn);
  pastDateInCycle(s, ctx, c.startedOn, 'startedOn');
  return one({
    type: 'EmploymentStarted',
    data: { employmentId: ctx.newId(), startedOn: c.startedOn, kind: c.kind },
  });
}

export function endEmployment(
  s: ParcoursState,
  c: CommandOf<'EndEmployment'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireOpen(s, ctx, c.endedOn);
  const job = found(
    lookup(s.employments, c.employmentId),
    'EMPLOYMENT_NOT_FOUND',
    "Cet emploi n'est pas connu du parcours.",
  );
  rule(
    !job.endedOn,
    'EMPLOYMENT_ALREADY_ENDED',
    `La fin de cet emploi est déjà enregistrée (${job.endedOn}).`,
  );
  notFuture(ctx, c.endedOn, 'endedOn');
  notBefore(
    c.endedOn,
    job.startedOn,
    'EMPLOYMENT_END_BEFORE_START',
    "La fin de l'emploi ne peut précéder son début.",
    'endedOn',
  );
  return one({ type: 'EmploymentEnded', data: { employmentId: c.employmentId, endedOn: c.endedOn } });
}
