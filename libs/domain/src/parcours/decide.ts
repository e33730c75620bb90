import { addDays, addMonths, BusinessDate } from '../shared/dates';
import { Parameters } from '../shared/parameters';
import { NotFound, rule } from '../shared/rule-violation';
import { lookup } from '../shared/identifiers';
import { ParcoursCommand } from './commands';
import { ParcoursEvent } from './events';
import { Breach, contractEnd, contractInForce, exemptionInForce, ParcoursState } from './state';
import { ACTIVITY_HOURS_OBLIGATION, LEGAL_OBLIGATIONS, OrganisationKind } from './vocabulary';

/** What decide needs besides the state: the date, the rules in force, reference data looked up by the handler. */
export interface DecisionContext {
  parcoursId: string;
  /** Today in Europe/Paris. */
  today: BusinessDate;
  /** The parameters in force on a business date. */
  parametersOn(date: BusinessDate): Parameters;
  /** A new identifier for what the command creates. */
  newId(): string;
  organisation?: { organisationId: string; kind: OrganisationKind; active: boolean };
  referent?: { referentId: string; organisationId: string; active: boolean };
  action?: { actionId: string; dispositifCode: string };
}

const one = <E extends ParcoursEvent>(e: E): ParcoursEvent[] => [e];

function notFuture(ctx: DecisionContext, date: BusinessDate, field: string): void {
  rule(date <= ctx.today, 'DATE_IN_FUTURE', `La date ${date} est dans le futur.`, field);
}

/** A planned date may lie ahead, but not beyond the horizon the Département set (a typing error otherwise). */
function notTooFarAhead(ctx: DecisionContext, date: BusinessDate, field: string): void {
  const horizon = addDays(ctx.today, ctx.parametersOn(ctx.today).maxDaysAhead);
  rule(date <= horizon, 'DATE_TOO_FAR_AHEAD', `La date ${date} est trop lointaine (au plus tard ${horizon}).`, field);
}

function notBeforeEntry(s: ParcoursState, date: BusinessDate, field: string): void {
  rule(s.enteredOn !== undefined && date >= s.enteredOn, 'DATE_BEFORE_ENTRY', `La date ${date} précède l'entrée dans le RSA (${s.enteredOn}).`, field);
}

/** A past business date of this cycle. */
function pastDateInCycle(s: ParcoursState, ctx: DecisionContext, date: BusinessDate, field: string): void {
  notFuture(ctx, date, field);
  notBeforeEntry(s, date, field);
}

function notBefore(date: BusinessDate, earliest: BusinessDate | undefined, code: string, message: string, field: string): void {
  rule(earliest === undefined || date >= earliest, code, message, field);
}

function requireParcours(s: ParcoursState): void {
  if (s.status === 'none') throw new NotFound('PARCOURS_NOT_FOUND', "Ce parcours n'existe pas.");
  rule(!s.erased, 'PERSON_ERASED', 'Les données de cette personne ont été effacées : son parcours ne peut plus évoluer.');
  rule(s.status !== 'transferred', 'PARCOURS_TRANSFERRED', 'Ce parcours a été transféré vers un autre département.');
}

/**
 * The parcours accepts work dated `date`: in the RSA, or exited less than the
 * post-exit window ago (the accompaniment may go on 6 months after the end of payment).
 */
function requireOpen(s: ParcoursState, ctx: DecisionContext, date: BusinessDate): void {
  requireParcours(s);
  rule(s.status !== 'closed', 'PARCOURS_CLOSED', "L'accompagnement de ce cycle est terminé : seule une nouvelle entrée est possible.");
  if (s.status === 'exited') {
    const limit = addMonths(s.exitedOn!, ctx.parametersOn(s.exitedOn!).accompanimentAfterExitMonths);
    rule(
      date <= limit && ctx.today <= limit,
      'ACCOMPANIMENT_WINDOW_CLOSED',
      `Le délai d'accompagnement après la sortie du RSA est dépassé (${limit}) : seule la fin d'accompagnement peut être enregistrée.`,
    );
  }
}

/** Whether the intensive modality runs on a date: started, not ended, within its planned period. */
function intensiveOn(s: ParcoursState, date: BusinessDate): boolean {
  const x = s.intensive;
  return x !== undefined && x.startedOn <= date && date <= x.plannedEndOn && (x.endedOn === undefined || date <= x.endedOn);
}

function requireOrientation(s: ParcoursState): void {
  rule(s.orientation, 'ORIENTATION_REQUIRED', "Le parcours doit d'abord être orienté.");
}

function requireReferent(s: ParcoursState): void {
  requireOrientation(s);
  rule(s.referentId, 'REFERENT_REQUIRED', "Un référent unique doit d'abord être désigné.");
}

function requireInRsa(s: ParcoursState): void {
  rule(s.status === 'in_rsa', 'RSA_EXITED', 'La personne est sortie du RSA.');
}

function found<T>(value: T | undefined, code: string, message: string): T {
  if (value === undefined) throw new NotFound(code, message);
  return value;
}

function requireOrganisation(ctx: DecisionContext, field = 'organisationId'): NonNullable<DecisionContext['organisation']> {
  const org = ctx.organisation;
  rule(org, 'ORGANISATION_UNKNOWN', "Cet organisme référent n'existe pas.", field);
  rule(org.active, 'ORGANISATION_INACTIVE', "Cet organisme référent n'est plus actif.", field);
  return org;
}

/**
 * Decides a command on the current state of a parcours: returns the events to
 * append, or throws a RuleViolation (NotFound for an unknown target).
 */
export function decide(s: ParcoursState, c: ParcoursCommand, ctx: DecisionContext): ParcoursEvent[] {
  switch (c.type) {
    case 'Enter': {
      rule(s.status === 'none', 'PARCOURS_ALREADY_EXISTS', 'Ce parcours existe déjà : utilisez la réentrée.');
      notFuture(ctx, c.enteredOn, 'enteredOn');
      checkEntryDates(c);
      rule(c.person.birthDate < c.enteredOn, 'BIRTH_DATE_AFTER_ENTRY', "La date de naissance doit précéder l'entrée.", 'person.birthDate');
      // A transfer brings the steps of the other département, all before the arrival here.
      for (const [i, step] of (c.transferredFrom?.history ?? []).entries()) {
        rule(step.on <= c.enteredOn, 'TRANSFER_HISTORY_AFTER_ARRIVAL', `Une étape de l'historique transmis (${step.on}) suit l'arrivée dans le département.`, `transferredFrom.history.${i}.on`);
      }
      const { type: _, ...data } = c;
      return one({ type: 'ParcoursEntered', data: { parcoursId: ctx.parcoursId, cycle: 1, ...data } });
    }
    case 'Reenter': {
      requireParcours(s);
      rule(s.status === 'exited' || s.status === 'closed', 'PARCOURS_STILL_IN_RSA', 'La personne est toujours dans le RSA.');
      notFuture(ctx, c.enteredOn, 'enteredOn');
      checkEntryDates(c);
      rule(c.demandOn > s.exitedOn!, 'REENTRY_BEFORE_EXIT', `La nouvelle demande doit suivre la sortie du RSA (${s.exitedOn}).`, 'demandOn');
      return one({
        type: 'ParcoursEntered',
        data: {
          parcoursId: ctx.parcoursId,
          cycle: s.cycle + 1,
          person: s.person!,
          household: c.household ?? s.household!,
          territory: c.territory ?? s.territory!,
          demandOn: c.demandOn,
          rightOpenedOn: c.rightOpenedOn,
          enteredOn: c.enteredOn,
        },
      });
    }
    case 'ChangeHousehold':
      requireOpen(s, ctx, c.changedOn);
      pastDateInCycle(s, ctx, c.changedOn, 'changedOn');
      // The single-parent increase is a fact of the CAF's: a change that does not state it keeps it (R262-68-6 cap).
      return one({
        type: 'HouseholdChanged',
        data: { household: { ...c.household, singleParentIncrease: c.household.singleParentIncrease ?? s.household?.singleParentIncrease }, changedOn: c.changedOn },
      });
    case 'RegisterWithFranceTravail':
      requireOpen(s, ctx, c.registeredOn);
      notFuture(ctx, c.registeredOn, 'registeredOn');
      // Registration is automatic at the demand (loi pour le plein emploi): it may precede the CAF transmission.
      notBefore(c.registeredOn, s.demandOn, 'DATE_BEFORE_ENTRY', "L'inscription ne peut précéder la demande de RSA.", 'registeredOn');
      return one({ type: 'FranceTravailRegistered', data: { registeredOn: c.registeredOn, franceTravailId: c.franceTravailId } });
    case 'Orient': {
      requireOpen(s, ctx, c.notifiedOn);
      requireInRsa(s);
      rule(!s.orientation, 'ALREADY_ORIENTED', 'Le parcours est déjà orienté : demandez une réorientation.');
      pastDateInCycle(s, ctx, c.decidedOn, 'decidedOn');
      pastDateInCycle(s, ctx, c.notifiedOn, 'notifiedOn');
      notBefore(c.notifiedOn, s.interruptedOn, 'ORIENTATION_BEFORE_INTERRUPTION', `La nouvelle orientation ne peut précéder la fin de l'accompagnement précédent (${s.interruptedOn}).`, 'notifiedOn');
      notBefore(c.notifiedOn, c.decidedOn, 'NOTIFICATION_BEFORE_DECISION', "La notification ne peut précéder la décision d'orientation.", 'notifiedOn');
      const org = requireOrganisation(ctx);
      return one({
        type: 'Oriented',
        data: { orientationId: ctx.newId(), track: c.track, organisationId: org.organisationId, organisationKind: org.kind, decidedOn: c.decidedOn, notifiedOn: c.notifiedOn },
      });
    }
    case 'AssignReferent': {
      requireOpen(s, ctx, c.assignedOn);
      requireOrientation(s);
      pastDateInCycle(s, ctx, c.assignedOn, 'assignedOn');
      notBefore(c.assignedOn, s.orientation!.notifiedOn, 'ASSIGNMENT_BEFORE_ORIENTATION', "Le référent ne peut être désigné avant l'orientation.", 'assignedOn');
      const referent = ctx.referent;
      rule(referent, 'REFERENT_UNKNOWN', "Ce référent n'existe pas.", 'referentId');
      rule(referent.active, 'REFERENT_INACTIVE', "Ce référent n'est plus actif.", 'referentId');
      rule(
        referent.organisationId === s.orientation!.organisationId,
        'REFERENT_NOT_IN_ORGANISATION',
        "Le référent doit appartenir à l'organisme référent de l'orientation.",
        'referentId',
      );
      rule(referent.referentId !== s.referentId, 'REFERENT_ALREADY_ASSIGNED', 'Ce référent est déjà le référent du parcours.', 'referentId');
      return one({
        type: 'ReferentAssigned',
        data: { referentId: referent.referentId, organisationId: referent.organisationId, assignedOn: c.assignedOn, previousReferentId: s.referentId },
      });
    }
    case 'ScheduleAppointment':
      requireOpen(s, ctx, c.scheduledOn);
      requireReferent(s);
      pastDateInCycle(s, ctx, c.scheduledOn, 'scheduledOn');
      // The appointment itself is usually in the future.
      notBeforeEntry(s, c.scheduledFor, 'scheduledFor');
      notTooFarAhead(ctx, c.scheduledFor, 'scheduledFor');
      return one({
        type: 'AppointmentScheduled',
        data: { appointmentId: ctx.newId(), scheduledFor: c.scheduledFor, scheduledOn: c.scheduledOn, kind: c.kind, channel: c.channel, referentId: s.referentId! },
      });
    case 'RecordAppointmentHeld':
    case 'RecordAppointmentMissed':
    case 'CancelAppointment': {
      const on = c.type === 'RecordAppointmentHeld' ? c.heldOn : c.type === 'RecordAppointmentMissed' ? c.missedOn : c.cancelledOn;
      const field = c.type === 'RecordAppointmentHeld' ? 'heldOn' : c.type === 'RecordAppointmentMissed' ? 'missedOn' : 'cancelledOn';
      requireOpen(s, ctx, on);
      const appointment = found(lookup(s.appointments, c.appointmentId), 'APPOINTMENT_NOT_FOUND', "Ce rendez-vous n'existe pas.");
      rule(appointment.status === 'scheduled', 'APPOINTMENT_ALREADY_CLOSED', `Ce rendez-vous est déjà clos (${appointment.status}).`);
      pastDateInCycle(s, ctx, on, field);
      if (c.type === 'RecordAppointmentHeld') return one({ type: 'AppointmentHeld', data: { appointmentId: c.appointmentId, heldOn: c.heldOn } });
      if (c.type === 'RecordAppointmentMissed') {
        return one({ type: 'AppointmentMissed', data: { appointmentId: c.appointmentId, missedOn: c.missedOn, legitimateReason: c.legitimateReason } });
      }
      return one({ type: 'AppointmentCancelled', data: { appointmentId: c.appointmentId, cancelledOn: c.cancelledOn } });
    }
    case 'RecordDiagnostic':
      requireOpen(s, ctx, c.diagnosedOn);
      requireReferent(s);
      pastDateInCycle(s, ctx, c.diagnosedOn, 'diagnosedOn');
      rule(new Set(c.barriers).size === c.barriers.length, 'BARRIER_LISTED_TWICE', 'Un frein est cité deux fois.', 'barriers');
      return one({ type: 'DiagnosticRecorded', data: { diagnosticId: ctx.newId(), diagnosedOn: c.diagnosedOn, barriers: c.barriers } });
    case 'LiftBarrier': {
      requireOpen(s, ctx, c.liftedOn);
      const barrier = lookup(s.barriers, c.barrier);
      rule(barrier && !barrier.liftedOn, 'BARRIER_NOT_OPEN', "Ce frein n'est pas ouvert dans le diagnostic.", 'barrier');
      pastDateInCycle(s, ctx, c.liftedOn, 'liftedOn');
      notBefore(c.liftedOn, barrier.recordedOn, 'LIFTED_BEFORE_RECORDED', 'Un frein ne peut être levé avant son constat.', 'liftedOn');
      return one({ type: 'BarrierLifted', data: { barrier: c.barrier, liftedOn: c.liftedOn } });
    }
    case 'SignContract':
      return signContract(s, c, ctx);
    case 'ReviewContract': {
      requireOpen(s, ctx, c.reviewedOn);
      const contract = found(lookup(s.contracts, c.contractId), 'CONTRACT_NOT_FOUND', "Ce contrat n'existe pas.");
      rule(!contract.reviewedOn, 'CONTRACT_ALREADY_REVIEWED', 'Le bilan de ce contrat est déjà fait.');
      pastDateInCycle(s, ctx, c.reviewedOn, 'reviewedOn');
      notBefore(c.reviewedOn, contract.startsOn, 'REVIEW_BEFORE_START', 'Le bilan ne peut précéder le début du contrat.', 'reviewedOn');
      return one({ type: 'ContractReviewed', data: { contractId: c.contractId, reviewedOn: c.reviewedOn, outcome: c.outcome } });
    }
    case 'RecordBalancedReview':
      requireOpen(s, ctx, c.reviewedOn);
      requireOrientation(s);
      rule(s.orientation!.track === 'socio_professional', 'BALANCED_REVIEW_REQUIRES_BALANCED_TRACK', "Cette revue concerne les parcours socio-professionnels (équilibrés).");
      pastDateInCycle(s, ctx, c.reviewedOn, 'reviewedOn');
      notBefore(c.reviewedOn, s.orientation!.notifiedOn, 'REVIEW_BEFORE_ORIENTATION', "La revue ne peut précéder l'orientation.", 'reviewedOn');
      return one({ type: 'BalancedReviewHeld', data: { reviewedOn: c.reviewedOn, outcome: c.outcome } });
    case 'StartIntensiveAccompaniment': {
      requireOpen(s, ctx, c.startedOn);
      requireInRsa(s);
      requireReferent(s);
      pastDateInCycle(s, ctx, c.startedOn, 'startedOn');
      rule(!intensiveOn(s, c.startedOn), 'INTENSIVE_ALREADY_RUNNING', "L'accompagnement intensif est déjà en cours.");
      const plannedEndOn = addDays(addMonths(c.startedOn, ctx.parametersOn(c.startedOn).intensiveMonths), -1);
      return one({ type: 'IntensiveAccompanimentStarted', data: { startedOn: c.startedOn, plannedEndOn } });
    }
    case 'EndIntensiveAccompaniment': {
      requireOpen(s, ctx, c.endedOn);
      rule(s.intensive && !s.intensive.endedOn, 'INTENSIVE_NOT_RUNNING', "Aucun accompagnement intensif n'est en cours.");
      pastDateInCycle(s, ctx, c.endedOn, 'endedOn');
      notBefore(c.endedOn, s.intensive.startedOn, 'INTENSIVE_END_BEFORE_START', "La fin de l'accompagnement intensif ne peut précéder son début.", 'endedOn');
      return one({ type: 'IntensiveAccompanimentEnded', data: { endedOn: c.endedOn } });
    }
    case 'HoldJointReview': {
      requireOpen(s, ctx, c.reviewedOn);
      requireInRsa(s);
      const review = s.jointReview;
      rule(review, 'JOINT_REVIEW_NOT_AWAITED', "Aucun examen de situation n'est attendu : il suit un contrat du parcours social (L262-31).");
      pastDateInCycle(s, ctx, c.reviewedOn, 'reviewedOn');
      notBefore(c.reviewedOn, review.from, 'JOINT_REVIEW_BEFORE_CONTRACT', `L'examen ne peut précéder le contrat ou l'examen précédent (${review.from}).`, 'reviewedOn');
      return one({ type: 'JointReviewHeld', data: { reviewedOn: c.reviewedOn, outcome: c.outcome } });
    }
    case 'ExtendJointReview': {
      requireOpen(s, ctx, c.decidedOn);
      requireInRsa(s);
      const review = s.jointReview;
      rule(review, 'JOINT_REVIEW_NOT_AWAITED', "Aucun examen de situation n'est attendu : il suit un contrat du parcours social (L262-31).");
      rule(!review.extended, 'JOINT_REVIEW_ALREADY_EXTENDED', "Le délai de l'examen de situation est déjà porté à son maximum.");
      pastDateInCycle(s, ctx, c.decidedOn, 'decidedOn');
      notBefore(c.decidedOn, review.from, 'JOINT_REVIEW_BEFORE_CONTRACT', `Le report ne peut précéder le contrat (${review.from}).`, 'decidedOn');
      // L262-31: twelve months "si la situation le justifie", decided while the six months run.
      const due = addMonths(review.from, ctx.parametersOn(review.from).jointReviewMonths);
      rule(c.decidedOn <= due, 'JOINT_REVIEW_EXTENSION_TOO_LATE', `Le report doit être décidé avant le terme de l'examen (${due}).`, 'decidedOn');
      return one({ type: 'JointReviewExtended', data: { decidedOn: c.decidedOn } });
    }
    case 'OrientToGlobalAccompaniment': {
      requireOpen(s, ctx, c.orientedOn);
      requireInRsa(s);
      requireOrientation(s);
      pastDateInCycle(s, ctx, c.orientedOn, 'orientedOn');
      notBefore(c.orientedOn, s.orientation!.notifiedOn, 'GLOBAL_BEFORE_ORIENTATION', "L'orientation vers l'accompagnement global ne peut précéder l'orientation du parcours.", 'orientedOn');
      const g = s.globalAccompaniment;
      rule(!g || g.endedOn, 'GLOBAL_ACCOMPANIMENT_ALREADY_OPEN', "Une orientation vers l'accompagnement global est déjà en cours.");
      notBefore(c.orientedOn, g?.endedOn, 'GLOBAL_BEFORE_PREVIOUS_END', "L'orientation ne peut précéder la fin de l'accompagnement global précédent.", 'orientedOn');
      return one({ type: 'GlobalAccompanimentOriented', data: { orientedOn: c.orientedOn } });
    }
    case 'StartGlobalAccompaniment': {
      requireOpen(s, ctx, c.startedOn);
      requireInRsa(s);
      const g = s.globalAccompaniment;
      rule(g && !g.endedOn && !g.startedOn, 'GLOBAL_ACCOMPANIMENT_NOT_ORIENTED', "La personne n'est pas en attente d'un accompagnement global.");
      pastDateInCycle(s, ctx, c.startedOn, 'startedOn');
      notBefore(c.startedOn, g.orientedOn, 'GLOBAL_START_BEFORE_ORIENTATION', "Le démarrage ne peut précéder l'orientation vers l'accompagnement global.", 'startedOn');
      return one({ type: 'GlobalAccompanimentStarted', data: { startedOn: c.startedOn, binomeId: c.binomeId } });
    }
    case 'EndGlobalAccompaniment': {
      requireOpen(s, ctx, c.endedOn);
      const g = s.globalAccompaniment;
      rule(g && !g.endedOn, 'GLOBAL_ACCOMPANIMENT_NOT_OPEN', "Aucun accompagnement global n'est en cours.");
      pastDateInCycle(s, ctx, c.endedOn, 'endedOn');
      notBefore(c.endedOn, g.startedOn ?? g.orientedOn, 'GLOBAL_END_BEFORE_START', "La fin ne peut précéder le début de l'accompagnement global.", 'endedOn');
      return one({ type: 'GlobalAccompanimentEnded', data: { endedOn: c.endedOn } });
    }
    case 'InterruptAccompaniment': {
      requireOpen(s, ctx, c.interruptedOn);
      // After an exit, the accompaniment ends (EndAccompaniment): an interruption keeps the person in the RSA.
      requireInRsa(s);
      requireOrientation(s);
      pastDateInCycle(s, ctx, c.interruptedOn, 'interruptedOn');
      notBefore(c.interruptedOn, s.orientation!.notifiedOn, 'INTERRUPTION_BEFORE_ORIENTATION', "La fin d'accompagnement ne peut précéder l'orientation.", 'interruptedOn');
      return one({ type: 'AccompanimentInterrupted', data: { interruptedOn: c.interruptedOn, reason: c.reason } });
    }
    case 'PrescribeAction': {
      requireOpen(s, ctx, c.prescribedOn);
      requireReferent(s);
      pastDateInCycle(s, ctx, c.prescribedOn, 'prescribedOn');
      const action = ctx.action;
      rule(action, 'ACTION_UNKNOWN', "Cette action d'insertion n'existe pas.", 'actionId');
      return one({
        type: 'ActionPrescribed',
        data: { prescriptionId: ctx.newId(), actionId: action.actionId, dispositifCode: action.dispositifCode, prescribedOn: c.prescribedOn },
      });
    }
    case 'EnterAction': {
      requireOpen(s, ctx, c.enteredOn);
      const p = found(lookup(s.prescriptions, c.prescriptionId), 'PRESCRIPTION_NOT_FOUND', "Cette prescription n'existe pas.");
      rule(!p.enteredOn, 'ACTION_ALREADY_ENTERED', "L'entrée dans cette action est déjà enregistrée.");
      pastDateInCycle(s, ctx, c.enteredOn, 'enteredOn');
      notBefore(c.enteredOn, p.prescribedOn, 'ENTRY_BEFORE_PRESCRIPTION', "L'entrée ne peut précéder la prescription.", 'enteredOn');
      return one({ type: 'ActionEntered', data: { prescriptionId: c.prescriptionId, enteredOn: c.enteredOn } });
    }
    case 'ExitAction': {
      requireOpen(s, ctx, c.exitedOn);
      const p = found(lookup(s.prescriptions, c.prescriptionId), 'PRESCRIPTION_NOT_FOUND', "Cette prescription n'existe pas.");
      rule(p.enteredOn, 'ACTION_NOT_ENTERED', "L'entrée dans l'action n'est pas enregistrée.");
      rule(!p.exitedOn, 'ACTION_ALREADY_EXITED', 'La sortie de cette action est déjà enregistrée.');
      pastDateInCycle(s, ctx, c.exitedOn, 'exitedOn');
      notBefore(c.exitedOn, p.enteredOn, 'EXIT_BEFORE_ENTRY', "La sortie ne peut précéder l'entrée dans l'action.", 'exitedOn');
      return one({ type: 'ActionExited', data: { prescriptionId: c.prescriptionId, exitedOn: c.exitedOn, outcome: c.outcome } });
    }
    case 'StartEmployment':
      requireOpen(s, ctx, c.startedOn);
      pastDateInCycle(s, ctx, c.startedOn, 'startedOn');
      return one({ type: 'EmploymentStarted', data: { employmentId: ctx.newId(), startedOn: c.startedOn, kind: c.kind } });
    case 'EndEmployment': {
      requireOpen(s, ctx, c.endedOn);
      const job = found(lookup(s.employments, c.employmentId), 'EMPLOYMENT_NOT_FOUND', "Cet emploi n'est pas connu du parcours.");
      rule(!job.endedOn, 'EMPLOYMENT_ALREADY_ENDED', `La fin de cet emploi est déjà enregistrée (${job.endedOn}).`);
      notFuture(ctx, c.endedOn, 'endedOn');
      notBefore(c.endedOn, job.startedOn, 'EMPLOYMENT_END_BEFORE_START', "La fin de l'emploi ne peut précéder son début.", 'endedOn');
      return one({ type: 'EmploymentEnded', data: { employmentId: c.employmentId, endedOn: c.endedOn } });
    }
    case 'RequestReorientation':
      requireOpen(s, ctx, c.requestedOn);
      requireInRsa(s);
      requireOrientation(s);
      pastDateInCycle(s, ctx, c.requestedOn, 'requestedOn');
      rule(
        !Object.values(s.reorientationRequests).some((r) => !r.decided),
        'REORIENTATION_ALREADY_PENDING',
        'Une demande de réorientation attend déjà une décision.',
      );
      return one({ type: 'ReorientationRequested', data: { requestId: ctx.newId(), requestedOn: c.requestedOn, motive: c.motive, requestedTrack: c.requestedTrack } });
    case 'DecideReorientation': {
      requireOpen(s, ctx, c.decidedOn);
      const request = found(lookup(s.reorientationRequests, c.requestId), 'REORIENTATION_REQUEST_NOT_FOUND', "Cette demande de réorientation n'existe pas.");
      rule(!request.decided, 'REORIENTATION_ALREADY_DECIDED', 'Cette demande de réorientation est déjà décidée.');
      pastDateInCycle(s, ctx, c.decidedOn, 'decidedOn');
      notBefore(c.decidedOn, request.requestedOn, 'DECISION_BEFORE_REQUEST', 'La décision ne peut précéder la demande.', 'decidedOn');
      if (!c.accepted) return one({ type: 'ReorientationRefused', data: { requestId: c.requestId, decidedOn: c.decidedOn } });
      rule(c.track, 'REORIENTATION_TARGET_REQUIRED', 'Une réorientation acceptée doit indiquer le parcours.', 'track');
      const org = requireOrganisation(ctx);
      return one({
        type: 'Oriented',
        data: {
          orientationId: ctx.newId(),
          track: c.track,
          organisationId: org.organisationId,
          organisationKind: org.kind,
          decidedOn: c.decidedOn,
          notifiedOn: c.decidedOn,
          reorientationRequestId: c.requestId,
        },
      });
    }
    case 'GrantExemption':
      requireOpen(s, ctx, c.from);
      notBeforeEntry(s, c.from, 'from');
      notTooFarAhead(ctx, c.from, 'from');
      rule(!c.to || c.to >= c.from, 'EXEMPTION_END_BEFORE_START', 'La fin de la dispense précède son début.', 'to');
      return one({ type: 'ExemptionGranted', data: { exemptionId: ctx.newId(), reason: c.reason, from: c.from, to: c.to } });
    case 'ReportBreach':
      requireOpen(s, ctx, c.reportedOn);
      requireOrientation(s);
      pastDateInCycle(s, ctx, c.occurredOn, 'occurredOn');
      pastDateInCycle(s, ctx, c.reportedOn, 'reportedOn');
      notBefore(c.reportedOn, c.occurredOn, 'REPORT_BEFORE_BREACH', 'Le signalement ne peut précéder le manquement.', 'reportedOn');
      checkObligation(s, c.obligation, c.occurredOn);
      return one({ type: 'BreachReported', data: { breachId: ctx.newId(), kind: c.kind, obligation: c.obligation, occurredOn: c.occurredOn, reportedOn: c.reportedOn } });
    case 'InformOfBreach':
    case 'ReceiveObservations':
    case 'GiveEpOpinion':
    case 'DecideBreach':
      return decideBreachStep(s, c, ctx);
    case 'LiftSuspension': {
      requireOpen(s, ctx, c.remobilisedOn);
      const sanction = found(lookup(s.sanctions, c.sanctionId), 'SANCTION_NOT_FOUND', "Cette sanction n'existe pas.");
      rule(sanction.status === 'in_progress', 'SANCTION_NOT_IN_PROGRESS', "Cette suspension n'est plus en cours.");
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
      return one({ type: 'SuspensionLiftedByRemobilisation', data: { sanctionId: c.sanctionId, remobilisedOn: c.remobilisedOn, monthsToRepay: c.monthsToRepay } });
    }
    case 'GiveSuppressionEpOpinion': {
      requireOpen(s, ctx, c.givenOn);
      const sanction = found(lookup(s.sanctions, c.sanctionId), 'SANCTION_NOT_FOUND', "Cette sanction n'existe pas.");
      rule(sanction.status === 'in_progress', 'SANCTION_NOT_IN_PROGRESS', "Cette suspension n'est plus en cours.");
      rule(!sanction.suppressionOpinionOn, 'EP_OPINION_ALREADY_GIVEN', "L'avis de l'équipe pluridisciplinaire sur la suppression est déjà enregistré.");
      notFuture(ctx, c.givenOn, 'givenOn');
      notBefore(c.givenOn, sanction.startsOn, 'OPINION_BEFORE_SUSPENSION', "L'avis sur la suppression ne peut précéder le début de la suspension.", 'givenOn');
      return one({ type: 'SuppressionEpOpinionGiven', data: { sanctionId: c.sanctionId, givenOn: c.givenOn, opinion: c.opinion } });
    }
    case 'MakeSuspensionDefinitive': {
      requireOpen(s, ctx, c.decidedOn);
      const sanction = found(lookup(s.sanctions, c.sanctionId), 'SANCTION_NOT_FOUND', "Cette sanction n'existe pas.");
      rule(sanction.status === 'in_progress', 'SANCTION_NOT_IN_PROGRESS', "Cette suspension n'est plus en cours.");
      notFuture(ctx, c.decidedOn, 'decidedOn');
      // L262-37 II 1°: only if the person still does not comply at the end of the suspension.
      rule(
        c.decidedOn > sanction.endsOn,
        'SUPPRESSION_BEFORE_SUSPENSION_END',
        `La suppression ne peut être décidée qu'à l'issue de la suspension (après le ${sanction.endsOn}).`,
        'decidedOn',
      );
      // L262-37 III: the équipe pluridisciplinaire's opinion is required before a suppression.
      rule(sanction.suppressionOpinionOn, 'EP_OPINION_REQUIRED', "L'avis de l'équipe pluridisciplinaire est requis avant une suppression.");
      notBefore(c.decidedOn, sanction.suppressionOpinionOn, 'DECISION_BEFORE_EP_OPINION', "La décision ne peut précéder l'avis de l'équipe pluridisciplinaire.", 'decidedOn');
      return one({ type: 'SuspensionMadeDefinitive', data: { sanctionId: c.sanctionId, decidedOn: c.decidedOn, kind: c.kind } });
    }
    case 'AppealSanction': {
      requireParcours(s);
      const sanction = found(lookup(s.sanctions, c.sanctionId), 'SANCTION_NOT_FOUND', "Cette sanction n'existe pas.");
      rule(sanction.status !== 'withdrawn', 'SANCTION_WITHDRAWN', 'Cette sanction a été retirée ou annulée.');
      rule(!sanction.appealedOn, 'SANCTION_ALREADY_APPEALED', 'Un recours est déjà enregistré contre cette sanction.');
      notFuture(ctx, c.appealedOn, 'appealedOn');
      notBefore(c.appealedOn, sanction.decidedOn, 'APPEAL_BEFORE_DECISION', 'Le recours ne peut précéder la décision.', 'appealedOn');
      return one({ type: 'SanctionAppealed', data: { sanctionId: c.sanctionId, appealedOn: c.appealedOn } });
    }
    case 'WithdrawSanction': {
      requireParcours(s);
      const sanction = found(lookup(s.sanctions, c.sanctionId), 'SANCTION_NOT_FOUND', "Cette sanction n'existe pas.");
      rule(sanction.status !== 'withdrawn', 'SANCTION_WITHDRAWN', 'Cette sanction a déjà été retirée ou annulée.');
      notFuture(ctx, c.decidedOn, 'decidedOn');
      notBefore(c.decidedOn, sanction.decidedOn, 'WITHDRAWAL_BEFORE_DECISION', 'Le retrait ne peut précéder la décision de sanction.', 'decidedOn');
      return one({ type: 'SanctionWithdrawn', data: { sanctionId: c.sanctionId, decidedOn: c.decidedOn, kind: c.kind } });
    }
    case 'ExitRsa':
      requireParcours(s);
      rule(s.status === 'in_rsa', 'RSA_ALREADY_EXITED', 'La sortie du RSA est déjà enregistrée pour ce cycle.');
      pastDateInCycle(s, ctx, c.exitedOn, 'exitedOn');
      return one({ type: 'RsaExited', data: { exitedOn: c.exitedOn, reason: c.reason } });
    case 'EndAccompaniment': {
      requireParcours(s);
      rule(s.status === 'exited', 'ACCOMPANIMENT_END_REQUIRES_EXIT', "La fin d'accompagnement suit la sortie du RSA.");
      notFuture(ctx, c.endedOn, 'endedOn');
      notBefore(c.endedOn, s.exitedOn, 'END_BEFORE_EXIT', 'La fin d\'accompagnement ne peut précéder la sortie du RSA.', 'endedOn');
      const limit = addMonths(s.exitedOn!, ctx.parametersOn(s.exitedOn!).accompanimentAfterExitMonths);
      rule(c.endedOn <= limit, 'ACCOMPANIMENT_END_TOO_LATE', `L'accompagnement prend fin au plus tard le ${limit}.`, 'endedOn');
      return one({ type: 'AccompanimentEnded', data: { endedOn: c.endedOn } });
    }
    case 'ErasePerson':
      // Any parcours may be erased, transferred or not; only once.
      if (s.status === 'none') throw new NotFound('PARCOURS_NOT_FOUND', "Ce parcours n'existe pas.");
      rule(!s.erased, 'PERSON_ERASED', 'Les données de cette personne sont déjà effacées.');
      return one({ type: 'PersonErased', data: { erasedOn: ctx.today, reason: c.reason } });
    case 'Transfer':
      requireOpen(s, ctx, c.transferredOn);
      pastDateInCycle(s, ctx, c.transferredOn, 'transferredOn');
      return one({ type: 'TransferredToAnotherDepartement', data: { transferredOn: c.transferredOn, departementCode: c.departementCode } });
  }
}

function checkEntryDates(c: { demandOn: BusinessDate; rightOpenedOn: BusinessDate; enteredOn: BusinessDate }): void {
  rule(c.demandOn <= c.rightOpenedOn, 'ENTRY_DATES_OUT_OF_ORDER', "L'ouverture du droit ne peut précéder la demande.", 'rightOpenedOn');
  rule(c.rightOpenedOn <= c.enteredOn, 'ENTRY_DATES_OUT_OF_ORDER', "La transmission CAF ne peut précéder l'ouverture du droit.", 'enteredOn');
}

function signContract(s: ParcoursState, c: Extract<ParcoursCommand, { type: 'SignContract' }>, ctx: DecisionContext): ParcoursEvent[] {
  requireOpen(s, ctx, c.signedOn);
  requireReferent(s);
  pastDateInCycle(s, ctx, c.signedOn, 'signedOn');
  notBeforeEntry(s, c.startsOn, 'startsOn');
  notTooFarAhead(ctx, c.startsOn, 'startsOn');
  rule(c.endsOn > c.startsOn, 'CONTRACT_END_BEFORE_START', 'La fin du contrat doit suivre son début.', 'endsOn');
  const p = ctx.parametersOn(c.signedOn);
  rule(
    c.endsOn >= addDays(addMonths(c.startsOn, p.contractMinMonths), -1) && c.endsOn <= addMonths(c.startsOn, p.contractMaxMonths),
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
    `En dessous de ${p.activityHoursLegalMin} heures par semaine, indiquez le motif de la réduction (santé, handicap, garde d'enfant, aide à un proche).`,
    'hoursReductionReason',
  );
  // A contract of an earlier cycle ended with that cycle's exit: a re-entry starts clean.
  const overlapping = Object.values(s.contracts).find((k) => k.cycle === s.cycle && k.startsOn <= c.endsOn && c.startsOn <= contractEnd(k));
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

/**
 * L262-37 II 2°, R262-68 2°: repeated when the same obligation was breached
 * again within the delay after a suspension decided for it, in any cycle of
 * the person; a withdrawn or annulled sanction counts for nothing.
 */
function isRepeated(s: ParcoursState, breach: Breach, delayMonths: number): boolean {
  return Object.values(s.sanctions).some(
    (x) => x.status !== 'withdrawn' && x.obligation === breach.obligation && x.breachId !== breach.breachId && x.decidedOn <= breach.occurredOn && breach.occurredOn <= addMonths(x.decidedOn, delayMonths),
  );
}

/**
 * A manquement names an obligation that binds the person on that date: a
 * legal one, or a step of the contract in force (Conseil d'État n° 418975);
 * an exemption in force suspends the activity obligations of the contract.
 */
function checkObligation(s: ParcoursState, obligation: string, occurredOn: BusinessDate): void {
  if ((LEGAL_OBLIGATIONS as readonly string[]).includes(obligation)) return;
  const contract = contractInForce(s, occurredOn);
  rule(contract, 'BREACH_OBLIGATION_NOT_IN_CONTRACT', `Aucun contrat n'était en vigueur le ${occurredOn} : seule une obligation légale peut être invoquée.`, 'obligation');
  const inContract = obligation === ACTIVITY_HOURS_OBLIGATION ? contract.weeklyHours > 0 : contract.objectives.includes(obligation);
  rule(inContract, 'BREACH_OBLIGATION_NOT_IN_CONTRACT', `L'obligation ${obligation} ne figure pas au contrat en vigueur : elle ne peut fonder une sanction.`, 'obligation');
  const exemption = exemptionInForce(s, occurredOn);
  rule(!exemption, 'BREACH_OBLIGATION_EXEMPTED', `Une dispense (${exemption?.reason}) était en vigueur le ${occurredOn} : l'obligation était suspendue.`, 'obligation');
}

type BreachCommand = Extract<ParcoursCommand, { type: 'InformOfBreach' | 'ReceiveObservations' | 'GiveEpOpinion' | 'DecideBreach' }>;

/** The suspension-remobilisation procedure (DOMAIN.md §4): inform, observations, EP opinion, decision. */
function decideBreachStep(s: ParcoursState, c: BreachCommand, ctx: DecisionContext): ParcoursEvent[] {
  const on = c.type === 'InformOfBreach' ? c.informedOn : c.type === 'ReceiveObservations' ? c.receivedOn : c.type === 'GiveEpOpinion' ? c.givenOn : c.decidedOn;
  const field = c.type === 'InformOfBreach' ? 'informedOn' : c.type === 'ReceiveObservations' ? 'receivedOn' : c.type === 'GiveEpOpinion' ? 'givenOn' : 'decidedOn';
  requireOpen(s, ctx, on);
  const breach = found(lookup(s.breaches, c.breachId), 'BREACH_NOT_FOUND', "Ce manquement n'existe pas.");
  // A manquement of an earlier cycle ended with it: a re-entry starts clean (DOMAIN.md §2.9).
  rule(breach.cycle === s.cycle, 'BREACH_OF_PREVIOUS_CYCLE', "Ce manquement relève d'un cycle précédent, clos par la sortie du RSA.");
  rule(!breach.decision, 'BREACH_ALREADY_DECIDED', 'Ce manquement a déjà fait l\'objet d\'une décision.');
  pastDateInCycle(s, ctx, on, field);
  if (c.type === 'InformOfBreach') {
    rule(!breach.informedOn, 'BREACH_ALREADY_INFORMED', 'La personne a déjà été informée de ce manquement.');
    notBefore(on, breach.reportedOn, 'INFORMED_BEFORE_REPORT', 'L\'information ne peut précéder le signalement.', field);
    return one({ type: 'BeneficiaryInformedOfBreach', data: { breachId: c.breachId, informedOn: c.informedOn } });
  }
  rule(breach.informedOn, 'BENEFICIARY_NOT_INFORMED', "La personne doit d'abord être informée du manquement.");
  notBefore(on, breach.informedOn, 'STEP_BEFORE_INFORMATION', "Cette étape ne peut précéder l'information de la personne.", field);
  if (c.type === 'ReceiveObservations') {
    rule(!breach.observationsOn, 'OBSERVATIONS_ALREADY_RECEIVED', 'Les observations sont déjà enregistrées.');
    return one({ type: 'BreachObservationsReceived', data: { breachId: c.breachId, receivedOn: c.receivedOn } });
  }
  const p = ctx.parametersOn(on);
  const observationsDue = addDays(breach.informedOn, p.observationDays);
  if (c.type === 'GiveEpOpinion') {
    rule(!breach.epOpinion, 'EP_OPINION_ALREADY_GIVEN', "L'avis de l'équipe pluridisciplinaire est déjà enregistré.");
    // The EP weighs the observations: after they came, or once the delay to present them is over (DOMAIN.md §4.1, order).
    rule(
      (breach.observationsOn !== undefined && c.givenOn >= breach.observationsOn) || c.givenOn >= observationsDue,
      'OBSERVATION_PERIOD_RUNNING',
      `La personne peut présenter ses observations jusqu'au ${observationsDue} : l'avis vient après.`,
      'givenOn',
    );
    return one({ type: 'EpOpinionGiven', data: { breachId: c.breachId, givenOn: c.givenOn, opinion: c.opinion } });
  }
  rule(
    breach.observationsOn || c.decidedOn >= observationsDue,
    'OBSERVATION_PERIOD_RUNNING',
    `La personne peut présenter ses observations jusqu'au ${observationsDue}.`,
    'decidedOn',
  );
  // The decision weighs the observations and the EP's opinion: it cannot precede them.
  notBefore(c.decidedOn, breach.observationsOn, 'DECISION_BEFORE_OBSERVATIONS', 'La décision ne peut précéder les observations de la personne.', 'decidedOn');
  notBefore(c.decidedOn, breach.epOpinionOn, 'DECISION_BEFORE_EP_OPINION', "La décision ne peut précéder l'avis de l'équipe pluridisciplinaire.", 'decidedOn');
  if (c.decision === 'dismissed') return one({ type: 'BreachDismissed', data: { breachId: c.breachId, decidedOn: c.decidedOn } });

  rule(!p.epOpinionRequired || breach.epOpinion, 'EP_OPINION_REQUIRED', "L'avis de l'équipe pluridisciplinaire est requis avant une suspension.");
  const share = c.sharePercent;
  rule(
    share !== undefined && share >= p.sanctionShareMin && share <= p.sanctionShareMax,
    'SANCTION_SHARE_OUT_OF_SCALE',
    `La part suspendue doit être comprise entre ${p.sanctionShareMin} % et ${p.sanctionShareMax} %.`,
    'sharePercent',
  );
  // R262-68-6: capped for a household of more than one person and for a person receiving the single-parent increase (L262-9).
  const capped = (s.household?.size ?? 1) > 1 || s.household?.type === 'single_parent' || s.household?.singleParentIncrease === true;
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
  notBefore(startsOn, c.decidedOn, 'SUSPENSION_BEFORE_DECISION', 'La suspension ne peut commencer avant la décision.', 'startsOn');
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

