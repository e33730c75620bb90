import { BusinessDate } from '../shared/dates';
import { EventData, ParcoursEventType } from './events';

/**
 * The business date of each event type: the day it happened in the person's
 * parcours, named explicitly (never guessed from the order of the fields,
 * which PostgreSQL's jsonb does not keep). `tsc` fails when a new event type
 * has none.
 */
export const BUSINESS_DATE_OF: { [T in ParcoursEventType]: (data: EventData<T>) => BusinessDate } = {
  ParcoursEntered: (d) => d.enteredOn,
  HouseholdChanged: (d) => d.changedOn,
  FranceTravailRegistered: (d) => d.registeredOn,
  Oriented: (d) => d.notifiedOn,
  ReferentAssigned: (d) => d.assignedOn,
  AppointmentScheduled: (d) => d.scheduledOn,
  AppointmentHeld: (d) => d.heldOn,
  AppointmentMissed: (d) => d.missedOn,
  AppointmentCancelled: (d) => d.cancelledOn,
  DiagnosticRecorded: (d) => d.diagnosedOn,
  BarrierLifted: (d) => d.liftedOn,
  ContractSigned: (d) => d.signedOn,
  JointReviewHeld: (d) => d.reviewedOn,
  JointReviewExtended: (d) => d.decidedOn,
  GlobalAccompanimentOriented: (d) => d.orientedOn,
  GlobalAccompanimentStarted: (d) => d.startedOn,
  GlobalAccompanimentEnded: (d) => d.endedOn,
  AccompanimentInterrupted: (d) => d.interruptedOn,
  IntensiveAccompanimentStarted: (d) => d.startedOn,
  IntensiveAccompanimentEnded: (d) => d.endedOn,
  BalancedReviewHeld: (d) => d.reviewedOn,
  ContractReviewed: (d) => d.reviewedOn,
  ActivityPlanSet: (d) => d.setOn,
  InvitationSent: (d) => d.sentOn,
  ConvocationSent: (d) => d.sentOn,
  ReminderSent: (d) => d.sentOn,
  MessageDeliveryReported: (d) => d.reportedOn,
  ContactDetailsRecorded: (d) => d.recordedOn,
  ActivityHoursRecorded: (d) => d.weekOf,
  ActionPrescribed: (d) => d.prescribedOn,
  ActionEntered: (d) => d.enteredOn,
  ActionExited: (d) => d.exitedOn,
  EmploymentStarted: (d) => d.startedOn,
  EmploymentEnded: (d) => d.endedOn,
  ReorientationRequested: (d) => d.requestedOn,
  ReorientationRefused: (d) => d.decidedOn,
  ExemptionGranted: (d) => d.from,
  BreachReported: (d) => d.reportedOn,
  BeneficiaryInformedOfBreach: (d) => d.informedOn,
  BreachObservationsReceived: (d) => d.receivedOn,
  EpOpinionGiven: (d) => d.givenOn,
  BreachDismissed: (d) => d.decidedOn,
  SuspensionDecided: (d) => d.decidedOn,
  SuspensionLiftedByRemobilisation: (d) => d.remobilisedOn,
  SuppressionEpOpinionGiven: (d) => d.givenOn,
  SuspensionMadeDefinitive: (d) => d.decidedOn,
  SanctionAppealed: (d) => d.appealedOn,
  SanctionWithdrawn: (d) => d.decidedOn,
  RsaExited: (d) => d.exitedOn,
  AccompanimentEnded: (d) => d.endedOn,
  PersonErased: (d) => d.erasedOn,
  TransferredToAnotherDepartement: (d) => d.transferredOn,
};

/** The business date of a recorded event of any type, undefined for a type the product does not know. */
export function businessDateOf(type: string, data: Record<string, unknown>): BusinessDate | undefined {
  if (!Object.hasOwn(BUSINESS_DATE_OF, type)) return undefined;
  const date = (BUSINESS_DATE_OF[type as ParcoursEventType] as (d: Record<string, unknown>) => unknown)(data);
  return typeof date === 'string' ? date : undefined;
}
