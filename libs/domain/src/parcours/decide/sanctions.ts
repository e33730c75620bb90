import { addDays, addMonths, BusinessDate } from '../../shared/dates';
import { rule } from '../../shared/rule-violation';
import { lookup } from '../../shared/identifiers';
import { ParcoursEvent } from '../events';
import { Breach, contractInForce, exemptionInForce, ParcoursState, Sanction } from '../state';
import { ACTIVITY_HOURS_OBLIGATION, LEGAL_OBLIGATIONS } from '../vocabulary';
import { CommandOf, DecisionContext } from './context';
import {
  found,
  notBefore,
  notFuture,
  notTooFarAhead,
  one,
  pastDateInCycle,
  requireOpen,
  requireOrientation,
  requireParcours,
} from './rules';

/**
 * The suspension-remobilisation procedure (DOMAIN.md §4): a manquement is reported,
 * the person informed, their observations and the EP's opinion heard, then dismissed
 * or sanctioned by a suspension; a suspension is lifted by remobilisation, made
 * definitive (suppression), appealed or withdrawn.
 */

// --- The manquement, up to the decision ---

export function reportBreach(
  s: ParcoursState,
  c: CommandOf<'ReportBreach'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireOpen(s, ctx, c.reportedOn);
  requireOrientation(s);
  pastDateInCycle(s, ctx, c.occurredOn, 'occurredOn');
  pastDateInCycle(s, ctx, c.reportedOn, 'reportedOn');
  notBefore(
    c.reportedOn,
    c.occurredOn,
    'REPORT_BEFORE_BREACH',
    'Le signalement ne peut précéder le manquement.',
    'reportedOn',
  );
  checkObligation(s, c.obligation, c.occurredOn);
  if (c.weeks?.length) checkShortWeeks(s, c.obligation, c.occurredOn, c.weeks);
  checkConvocation(s, c, ctx.parametersOn(c.occurredOn).breachRequiresConvocation);
  return one({
    type: 'BreachReported',
    data: {
      breachId: ctx.newId(),
      kind: c.kind,
      obligation: c.obligation,
      occurredOn: c.occurredOn,
      reportedOn: c.reportedOn,
      ...(c.weeks?.length ? { weeks: [...c.weeks].sort() } : {}),
      ...(c.convocationId ? { convocationId: c.convocationId } : {}),
    },
  });
}

/**
 * An absence becomes a manquement only from an appointment the person was convened to and missed without a
 * legitimate reason (parameter breachRequiresConvocation); a convocation cited must be that one.
 */
function checkConvocation(s: ParcoursState, c: CommandOf<'ReportBreach'>, required: boolean): void {
  if (c.kind !== 'unexcused_missed_appointment') {
    rule(
      !c.convocationId,
      'BREACH_CONVOCATION_ONLY_FOR_MISSED_APPOINTMENT',
      'Une convocation ne se cite que pour un rendez-vous manqué.',
      'convocationId',
    );
    return;
  }
  if (!c.convocationId) {
    rule(
      !required,
      'BREACH_CONVOCATION_REQUIRED',
      'Un rendez-vous manqué ne devient un manquement que si la personne y était convoquée : citez la convocation.',
      'convocationId',
    );
    return;
  }
  const convocation = lookup(s.convocations, c.convocationId);
  const appointment = convocation && s.appointments[convocation.appointmentId];
  rule(
    appointment?.status === 'missed' && !appointment.excused && appointment.scheduledFor <= c.occurredOn,
    'BREACH_CONVOCATION_NOT_MISSED',
    "La convocation citée n'est pas celle d'un rendez-vous manqué sans motif légitime avant le manquement.",
    'convocationId',
  );
}

/**
 * Hours not done are a manquement week by week: each week named was recorded below the contract's hours,
 * without a reason, before the manquement (DOMAIN.md §4.1 "which obligation", §4.2).
 */
function checkShortWeeks(
  s: ParcoursState,
  obligation: string,
  occurredOn: BusinessDate,
  weeks: BusinessDate[],
) {
  rule(
    obligation === ACTIVITY_HOURS_OBLIGATION,
    'BREACH_WEEKS_ONLY_FOR_ACTIVITY_HOURS',
    `Des semaines ne se citent que pour l'obligation ${ACTIVITY_HOURS_OBLIGATION}.`,
    'weeks',
  );
  const contract = contractInForce(s, occurredOn)!;
  for (const weekOf of weeks) {
    const week = contract.weeks[weekOf];
    rule(
      week !== undefined &&
        week.hours < contract.weeklyHours &&
        !week.shortfallReason &&
        addDays(weekOf, 6) <= occurredOn,
      'BREACH_WEEK_NOT_SHORT',
      `La semaine du ${weekOf} n'est pas une semaine déclarée en dessous du plan sans motif, achevée avant le manquement.`,
      'weeks',
    );
    // DOMAIN.md §4.1: an exemption suspends the activity obligation; a week it covers, even in part, is not owed.
    const exempted = [0, 1, 2, 3, 4, 5, 6].some((d) => exemptionInForce(s, addDays(weekOf, d)));
    rule(
      !exempted,
      'BREACH_WEEK_EXEMPTED',
      `Une dispense couvrait la semaine du ${weekOf} : ses heures n'étaient pas dues.`,
      'weeks',
    );
  }
}

/**
 * A manquement names an obligation that binds the person on that date: a
 * legal one, or a step of the contract in force (Conseil d'État n° 418975);
 * an exemption in force suspends the activity obligations of the contract.
 */
function checkObligation(s: ParcoursState, obligation: string, occurredOn: BusinessDate): void {
  if ((LEGAL_OBLIGATIONS as readonly string[]).includes(obligation)) return;
  const contract = contractInForce(s, occurredOn);
  rule(
    contract,
    'BREACH_OBLIGATION_NOT_IN_CONTRACT',
    `Aucun contrat n'était en vigueur le ${occurredOn} : seule une obligation légale peut être invoquée.`,
    'obligation',
  );
  const inContract =
    obligation === ACTIVITY_HOURS_OBLIGATION
      ? contract.weeklyHours > 0
      : contract.objectives.includes(obligation);
  rule(
    inContract,
    'BREACH_OBLIGATION_NOT_IN_CONTRACT',
    `L'obligation ${obligation} ne figure pas au contrat en vigueur : elle ne peut fonder une sanction.`,
    'obligation',
  );
  const exemption = exemptionInForce(s, occurredOn);
  rule(
    !exemption,
    'BREACH_OBLIGATION_EXEMPTED',
    `Une dispense (${exemption?.reason}) était en vigueur le ${occurredOn} : l'obligation était suspendue.`,
    'obligation',
  );
}

/** Every step after the report: a manquement of this cycle, not yet decided, and a past date of the cycle. */
function undecidedBreach(
  s: ParcoursState,
  ctx: DecisionContext,
  breachId: string,
  on: BusinessDate,
  field: string,
): Breach {
  requireOpen(s, ctx, on);
  const breach = found(lookup(s.breaches, breachId), 'BREACH_NOT_FOUND', "Ce manquement n'existe pas.");
  // A manquement of an earlier cycle ended with it: a re-entry starts clean (DOMAIN.md §2.9).
  rule(
    breach.cycle === s.cycle,
    'BREACH_OF_PREVIOUS_CYCLE',
    "Ce manquement relève d'un cycle précédent, clos par la sortie du RSA.",
  );
  rule(!breach.decision, 'BREACH_ALREADY_DECIDED', "Ce manquement a déjà fait l'objet d'une décision.");
  pastDateInCycle(s, ctx, on, field);
  return breach;
}

/** Every step after the information: the person was informed, and not after `on`. */
function informedBreach(
  s: ParcoursState,
  ctx: DecisionContext,
  breachId: string,
  on: BusinessDate,
  field: string,
): Breach & { informedOn: BusinessDate } {
  const breach = undecidedBreach(s, ctx, breachId, on, field);
  rule(
    breach.informedOn,
    'BENEFICIARY_NOT_INFORMED',
    "La personne doit d'abord être informée du manquement.",
  );
  notBefore(
    on,
    breach.informedOn,
    'STEP_BEFORE_INFORMATION',
    "Cette étape ne peut précéder l'information de la personne.",
    field,
  );
  return { ...breach, informedOn: breach.informedOn };
}

export function informOfBreach(
  s: ParcoursState,
  c: CommandOf<'InformOfBreach'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  const breach = undecidedBreach(s, ctx, c.breachId, c.informedOn, 'informedOn');
  rule(!breach.informedOn, 'BREACH_ALREADY_INFORMED', 'La personne a déjà été informée de ce manquement.');
  notBefore(
    c.informedOn,
    breach.reportedOn,
    'INFORMED_BEFORE_REPORT',
    "L'information ne peut précéder le signalement.",
    'informedOn',
  );
  return one({
    type: 'BeneficiaryInformedOfBreach',
    data: { breachId: c.breachId, informedOn: c.informedOn },
  });
}

export function receiveObservations(
  s: ParcoursState,
  c: CommandOf<'ReceiveObservations'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  const breach = informedBreach(s, ctx, c.breachId, c.receivedOn, 'receivedOn');
  rule(!breach.observationsOn, 'OBSERVATIONS_ALREADY_RECEIVED', 'Les observations sont déjà enregistrées.');
  return one({
    type: 'BreachObservationsReceived',
    data: { breachId: c.breachId, receivedOn: c.receivedOn },
  });
}

export function giveEpOpinion(
  s: ParcoursState,
  c: CommandOf<'GiveEpOpinion'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  const breach = informedBreach(s, ctx, c.breachId, c.givenOn, 'givenOn');
  const p = ctx.parametersOn(c.givenOn);
  const observationsDue = addDays(breach.informedOn, p.observationDays);
  rule(
    !breach.epOpinion,
    'EP_OPINION_ALREADY_GIVEN',
    "L'avis de l'équipe pluridisciplinaire est déjà enregistré.",
  );
  // The EP weighs the observations: after they came, or once the delay to present them is over (DOMAIN.md §4.1, order).
  rule(
    (breach.observationsOn !== undefined && c.givenOn >= breach.observationsOn) ||
      c.givenOn >= observationsDue,
    'OBSERVATION_PERIOD_RUNNING',
    `La personne peut présenter ses observations jusqu'au ${observationsDue} : l'avis vient après.`,
    'givenOn',
  );
  return one({
    type: 'EpOpinionGiven',
    data: { breachId: c.breachId, givenOn: c.givenOn, opinion: c.opinion },
  });
}

/** Dismissed, or a suspension within the scale (share, household cap, duration; longer when repeated). */
export function decideBreach(
  s: ParcoursState,
  c: CommandOf<'DecideBreach'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  const breach = informedBreach(s, ctx, c.breachId, c.decidedOn, 'decidedOn');
  const p = ctx.parametersOn(c.decidedOn);
  const observationsDue = addDays(breach.informedOn, p.observationDays);
  rule(
    breach.observationsOn || c.decidedOn >= observationsDue,
    'OBSERVATION_PERIOD_RUNNING',
    `La personne peut présenter ses observations jusqu'au ${observationsDue}.`,
    'decidedOn',
  );
  // The decision weighs the observations and the EP's opinion: it cannot precede them.
  notBefore(
    c.decidedOn,
    breach.observationsOn,
    'DECISION_BEFORE_OBSERVATIONS',
    'La décision ne peut précéder les observations de la personne.',
    'decidedOn',
  );
  notBefore(
    c.decidedOn,
    breach.epOpinionOn,
    'DECISION_BEFORE_EP_OPINION',
    "La décision ne peut précéder l'avis de l'équipe pluridisciplinaire.",
    'decidedOn',
  );
  if (c.decision === 'dismissed')
    return one({ type: 'BreachDismissed', data: { breachId: c.breachId, decidedOn: c.decidedOn } });

  rule(
    !p.epOpinionRequired || breach.epOpinion,
    'EP_OPINION_REQUIRED',
    "L'avis de l'équipe pluridisciplinaire est requis avant une suspension.",
  );
  const share = c.sharePercent;
  rule(
    share !== undefined && share >= p.sanctionShareMin && share <= p.sanctionShareMax,
    'SANCTION_SHARE_OUT_OF_SCALE',
    `La part suspendue doit être comprise entre ${p.sanctionShareMin} % et ${p.sanctionShareMax} %.`,
    'sharePercent',
  );
  // R262-68-6: capped for a household of more than one person and for a person receiving the single-parent increase (L262-9).
  const capped =
    (s.household?.size ?? 1) > 1 ||
    s.household?.type === 'single_parent' ||
    s.household?.singleParentIncrease === true;
  rule(
    !capped || share <= p.householdShareCap,
    'SANCTION_SHARE_ABOVE_HOUSEHOLD_CAP',
    `Pour un foyer de plus d'une personne ou un parent isolé, la part suspendue est plafonnée à ${p.householdShareCap} %.`,
    'sharePercent',
  );
  const repeated = isRepeated(s, breach, p.repeatedBreachDelayMonths);
  const maxMonths = repeated ? p.repeatedBreachMonthsMax : p.firstBreachMonthsMax;
  const months = c.months;
  rule(
    months !== undefined && Number.isInteger(months) && months >= 1 && months <= maxMonths,
    'SANCTION_DURATION_OUT_OF_SCALE',
    `La durée de suspension doit être de 1 à ${maxMonths} mois${repeated ? ' (manquement répété)' : ''}.`,
    'months',
  );
  const startsOn = c.startsOn ?? c.decidedOn;
  notBefore(
    startsOn,
    c.decidedOn,
    'SUSPENSION_BEFORE_DECISION',
    'La suspension ne peut commencer avant la décision.',
    'startsOn',
  );
  notTooFarAhead(ctx, startsOn, 'startsOn');
  return one({
    type: 'SuspensionDecided',
    data: {
      breachId: c.breachId,
      sanctionId: ctx.newId(),
      decidedOn: c.decidedOn,
      startsOn,
      endsOn: addDays(addMonths(startsOn, months), -1),
      sharePercent: share,
      months,
      repeated,
    },
  });
}

/**
 * L262-37 II 2°, R262-68 2°: repeated when the same obligation was breached
 * again within the delay after a suspension decided for it, in any cycle of
 * the person; a withdrawn or annulled sanction counts for nothing.
 */
function isRepeated(s: ParcoursState, breach: Breach, delayMonths: number): boolean {
  return Object.values(s.sanctions).some(
    (x) =>
      x.status !== 'withdrawn' &&
      x.obligation === breach.obligation &&
      x.breachId !== breach.breachId &&
      x.decidedOn <= breach.occurredOn &&
      breach.occurredOn <= addMonths(x.decidedOn, delayMonths),
  );
}

// --- The suspension, once decided ---

function findSanction(s: ParcoursState, sanctionId: string): Sanction {
  return found(lookup(s.sanctions, sanctionId), 'SANCTION_NOT_FOUND', "Cette sanction n'existe pas.");
}

function suspensionInProgress(s: ParcoursState, sanctionId: string): Sanction {
  const sanction = findSanction(s, sanctionId);
  rule(
    sanction.status === 'in_progress',
    'SANCTION_NOT_IN_PROGRESS',
    "Cette suspension n'est plus en cours.",
  );
  return sanction;
}

export function liftSuspension(
  s: ParcoursState,
  c: CommandOf<'LiftSuspension'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireOpen(s, ctx, c.remobilisedOn);
  const sanction = suspensionInProgress(s, c.sanctionId);
  notFuture(ctx, c.remobilisedOn, 'remobilisedOn');
  rule(
    c.remobilisedOn >= sanction.startsOn && c.remobilisedOn <= sanction.endsOn,
    'REMOBILISATION_OUTSIDE_SUSPENSION',
    `La remobilisation doit intervenir pendant la suspension (${sanction.startsOn} – ${sanction.endsOn}).`,
    'remobilisedOn',
  );
  // R262-68-1: the decision of reversement names what is paid back, at most the months suspended.
  rule(
    Number.isInteger(c.monthsToRepay) && c.monthsToRepay >= 0 && c.monthsToRepay <= sanction.months,
    'REPAYMENT_OUT_OF_RANGE',
    `Le reversement porte sur 0 à ${sanction.months} mois de suspension.`,
    'monthsToRepay',
  );
  return one({
    type: 'SuspensionLiftedByRemobilisation',
    data: { sanctionId: c.sanctionId, remobilisedOn: c.remobilisedOn, monthsToRepay: c.monthsToRepay },
  });
}

export function giveSuppressionEpOpinion(
  s: ParcoursState,
  c: CommandOf<'GiveSuppressionEpOpinion'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireOpen(s, ctx, c.givenOn);
  const sanction = suspensionInProgress(s, c.sanctionId);
  rule(
    !sanction.suppressionOpinionOn,
    'EP_OPINION_ALREADY_GIVEN',
    "L'avis de l'équipe pluridisciplinaire sur la suppression est déjà enregistré.",
  );
  notFuture(ctx, c.givenOn, 'givenOn');
  notBefore(
    c.givenOn,
    sanction.startsOn,
    'OPINION_BEFORE_SUSPENSION',
    "L'avis sur la suppression ne peut précéder le début de la suspension.",
    'givenOn',
  );
  return one({
    type: 'SuppressionEpOpinionGiven',
    data: { sanctionId: c.sanctionId, givenOn: c.givenOn, opinion: c.opinion },
  });
}

export function makeSuspensionDefinitive(
  s: ParcoursState,
  c: CommandOf<'MakeSuspensionDefinitive'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireOpen(s, ctx, c.decidedOn);
  const sanction = suspensionInProgress(s, c.sanctionId);
  notFuture(ctx, c.decidedOn, 'decidedOn');
  // L262-37 II 1°: only if the person still does not comply at the end of the suspension.
  rule(
    c.decidedOn > sanction.endsOn,
    'SUPPRESSION_BEFORE_SUSPENSION_END',
    `La suppression ne peut être décidée qu'à l'issue de la suspension (après le ${sanction.endsOn}).`,
    'decidedOn',
  );
  // L262-37 III: the équipe pluridisciplinaire's opinion is required before a suppression.
  rule(
    sanction.suppressionOpinionOn,
    'EP_OPINION_REQUIRED',
    "L'avis de l'équipe pluridisciplinaire est requis avant une suppression.",
  );
  notBefore(
    c.decidedOn,
    sanction.suppressionOpinionOn,
    'DECISION_BEFORE_EP_OPINION',
    "La décision ne peut précéder l'avis de l'équipe pluridisciplinaire.",
    'decidedOn',
  );
  return one({
    type: 'SuspensionMadeDefinitive',
    data: { sanctionId: c.sanctionId, decidedOn: c.decidedOn, kind: c.kind },
  });
}

/** An appeal or a withdrawal may come after the accompaniment window: only an existing parcours is required. */
export function appealSanction(
  s: ParcoursState,
  c: CommandOf<'AppealSanction'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireParcours(s);
  const sanction = findSanction(s, c.sanctionId);
  rule(sanction.status !== 'withdrawn', 'SANCTION_WITHDRAWN', 'Cette sanction a été retirée ou annulée.');
  rule(
    !sanction.appealedOn,
    'SANCTION_ALREADY_APPEALED',
    'Un recours est déjà enregistré contre cette sanction.',
  );
  notFuture(ctx, c.appealedOn, 'appealedOn');
  notBefore(
    c.appealedOn,
    sanction.decidedOn,
    'APPEAL_BEFORE_DECISION',
    'Le recours ne peut précéder la décision.',
    'appealedOn',
  );
  return one({ type: 'SanctionAppealed', data: { sanctionId: c.sanctionId, appealedOn: c.appealedOn } });
}

export function withdrawSanction(
  s: ParcoursState,
  c: CommandOf<'WithdrawSanction'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireParcours(s);
  const sanction = findSanction(s, c.sanctionId);
  rule(
    sanction.status !== 'withdrawn',
    'SANCTION_WITHDRAWN',
    'Cette sanction a déjà été retirée ou annulée.',
  );
  notFuture(ctx, c.decidedOn, 'decidedOn');
  notBefore(
    c.decidedOn,
    sanction.decidedOn,
    'WITHDRAWAL_BEFORE_DECISION',
    'Le retrait ne peut précéder la décision de sanction.',
    'decidedOn',
  );
  return one({
    type: 'SanctionWithdrawn',
    data: { sanctionId: c.sanctionId, decidedOn: c.decidedOn, kind: c.kind },
  });
}
