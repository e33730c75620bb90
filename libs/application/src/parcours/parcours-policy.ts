import { Identity, Role } from '@parcours/auth';
import { ParcoursCommandType, ParcoursState } from '@parcours/domain';

/**
 * Who may do what on a parcours (DOMAIN.md §1). A role listed here is still
 * held to its scope: a référent acts only on the parcours they currently
 * follow, a SLAI only in its territoire. The État never reaches a parcours.
 */
const FOLLOW_UP: Role[] = ['referent', 'slai', 'departement'];
const SLAI_DECISION: Role[] = ['slai', 'departement'];
const PARTNER_FLOW: Role[] = ['system', 'slai', 'departement'];

export const COMMAND_ROLES: Record<ParcoursCommandType, Role[]> = {
  Enter: PARTNER_FLOW,
  Reenter: PARTNER_FLOW,
  ChangeHousehold: PARTNER_FLOW,
  RegisterWithFranceTravail: PARTNER_FLOW,
  Orient: SLAI_DECISION,
  AssignReferent: SLAI_DECISION,
  ScheduleAppointment: FOLLOW_UP,
  RecordAppointmentHeld: FOLLOW_UP,
  RecordAppointmentMissed: FOLLOW_UP,
  CancelAppointment: FOLLOW_UP,
  RecordDiagnostic: FOLLOW_UP,
  LiftBarrier: FOLLOW_UP,
  SignContract: FOLLOW_UP,
  ReviewContract: FOLLOW_UP,
  SetActivityPlan: FOLLOW_UP,
  SendInvitation: FOLLOW_UP,
  SendConvocation: FOLLOW_UP,
  // Reminders are sent by the worker on their schedule, or by hand.
  SendReminder: ['system', ...FOLLOW_UP],
  RecordContactDetails: FOLLOW_UP,
  // Reported by the providers' callbacks.
  ReportMessageDelivery: ['system'],
  // Declared by the référent, or reported by a partner running the activity (France Travail flow).
  RecordActivityHours: ['system', ...FOLLOW_UP],
  RecordBalancedReview: SLAI_DECISION,
  StartIntensiveAccompaniment: FOLLOW_UP,
  EndIntensiveAccompaniment: FOLLOW_UP,
  // The équipe pluridisciplinaire's review, prepared by the SLAI (L262-31).
  HoldJointReview: SLAI_DECISION,
  ExtendJointReview: SLAI_DECISION,
  OrientToGlobalAccompaniment: SLAI_DECISION,
  StartGlobalAccompaniment: FOLLOW_UP,
  EndGlobalAccompaniment: FOLLOW_UP,
  InterruptAccompaniment: FOLLOW_UP,
  PrescribeAction: FOLLOW_UP,
  EnterAction: FOLLOW_UP,
  ExitAction: FOLLOW_UP,
  StartEmployment: ['system', ...FOLLOW_UP],
  EndEmployment: ['system', ...FOLLOW_UP],
  RequestReorientation: FOLLOW_UP,
  DecideReorientation: SLAI_DECISION,
  GrantExemption: SLAI_DECISION,
  ReportBreach: FOLLOW_UP,
  InformOfBreach: SLAI_DECISION,
  ReceiveObservations: SLAI_DECISION,
  GiveEpOpinion: SLAI_DECISION,
  DecideBreach: SLAI_DECISION,
  LiftSuspension: SLAI_DECISION,
  GiveSuppressionEpOpinion: SLAI_DECISION,
  MakeSuspensionDefinitive: SLAI_DECISION,
  AppealSanction: SLAI_DECISION,
  WithdrawSanction: SLAI_DECISION,
  ExitRsa: PARTNER_FLOW,
  EndAccompaniment: FOLLOW_UP,
  Transfer: SLAI_DECISION,
  // The Département, responsible for the processing (RGPD art. 17), and its retention job.
  ErasePerson: ['departement'],
};

/** Whether the caller's scope covers this parcours (the territory of a new one for an entry). */
function inScope(who: Identity, state: ParcoursState, territory: string | undefined): boolean {
  switch (who.role) {
    case 'departement':
    case 'system':
      return true;
    case 'slai':
      return territory !== undefined && territory === who.territory;
    case 'referent':
      return state.referentId !== undefined && state.referentId === who.referentId;
    case 'etat':
    case 'dpo':
      return false;
  }
}

/**
 * A command must be in the caller's scope both where the parcours is and
 * where it would go: a SLAI cannot re-enter a parcours into another
 * territoire (only the Département's services and the CAF flow move a person
 * inside the département; a transfer moves a parcours out of it).
 */
export function mayCommand(
  who: Identity,
  command: { type: ParcoursCommandType; territory?: string },
  state: ParcoursState,
): boolean {
  if (!COMMAND_ROLES[command.type].includes(who.role)) return false;
  const here = inScope(who, state, state.territory ?? command.territory);
  return here && (command.territory === undefined || inScope(who, state, command.territory));
}

/** Reading a parcours (its state and history) is for those who follow it; partners and the État get integration events or aggregates. */
export function mayRead(who: Identity, state: ParcoursState): boolean {
  return who.role !== 'system' && inScope(who, state, state.territory);
}
