import { BusinessDate } from '../shared/dates';
import { EventData } from './events';

/**
 * What a user or a partner flow asks of a parcours. Ids of what a command
 * creates (appointment, contract...) are chosen by decide, not by the caller.
 */
export type ParcoursCommand =
  | ({ type: 'Enter' } & Omit<EventData<'ParcoursEntered'>, 'parcoursId' | 'cycle'>)
  | ({ type: 'Reenter' } & Pick<EventData<'ParcoursEntered'>, 'demandOn' | 'rightOpenedOn' | 'enteredOn'> &
      Partial<Pick<EventData<'ParcoursEntered'>, 'household' | 'territory'>>)
  | ({ type: 'ChangeHousehold' } & EventData<'HouseholdChanged'>)
  | ({ type: 'RegisterWithFranceTravail' } & EventData<'FranceTravailRegistered'>)
  | {
      type: 'Orient';
      track: EventData<'Oriented'>['track'];
      organisationId: string;
      decidedOn: BusinessDate;
      notifiedOn: BusinessDate;
    }
  | { type: 'AssignReferent'; referentId: string; assignedOn: BusinessDate }
  | ({ type: 'ScheduleAppointment' } & Omit<
      EventData<'AppointmentScheduled'>,
      'appointmentId' | 'referentId'
    >)
  | ({ type: 'RecordAppointmentHeld' } & EventData<'AppointmentHeld'>)
  | ({ type: 'RecordAppointmentMissed' } & EventData<'AppointmentMissed'>)
  | ({ type: 'CancelAppointment' } & EventData<'AppointmentCancelled'>)
  | ({ type: 'RecordDiagnostic' } & Omit<EventData<'DiagnosticRecorded'>, 'diagnosticId'>)
  | ({ type: 'LiftBarrier' } & EventData<'BarrierLifted'>)
  | ({ type: 'SignContract' } & Omit<EventData<'ContractSigned'>, 'contractId' | 'renewal'>)
  | ({ type: 'ReviewContract' } & EventData<'ContractReviewed'>)
  | ({ type: 'SetActivityPlan' } & EventData<'ActivityPlanSet'>)
  | ({ type: 'SendInvitation' } & Omit<EventData<'InvitationSent'>, 'invitationId'>)
  | ({ type: 'SendConvocation' } & Omit<EventData<'ConvocationSent'>, 'convocationId'>)
  | ({ type: 'SendReminder' } & Omit<EventData<'ReminderSent'>, 'reminderId' | 'rank'>)
  | ({ type: 'ReportMessageDelivery' } & EventData<'MessageDeliveryReported'>)
  | ({ type: 'RecordContactDetails' } & Omit<EventData<'ContactDetailsRecorded'>, 'channels' | 'erased'>)
  | ({ type: 'RecordActivityHours' } & EventData<'ActivityHoursRecorded'>)
  | ({ type: 'RecordBalancedReview' } & EventData<'BalancedReviewHeld'>)
  | { type: 'StartIntensiveAccompaniment'; startedOn: BusinessDate }
  | ({ type: 'EndIntensiveAccompaniment' } & EventData<'IntensiveAccompanimentEnded'>)
  | ({ type: 'HoldJointReview' } & EventData<'JointReviewHeld'>)
  | ({ type: 'ExtendJointReview' } & EventData<'JointReviewExtended'>)
  | ({ type: 'OrientToGlobalAccompaniment' } & EventData<'GlobalAccompanimentOriented'>)
  | ({ type: 'StartGlobalAccompaniment' } & EventData<'GlobalAccompanimentStarted'>)
  | ({ type: 'EndGlobalAccompaniment' } & EventData<'GlobalAccompanimentEnded'>)
  | ({ type: 'InterruptAccompaniment' } & EventData<'AccompanimentInterrupted'>)
  | { type: 'PrescribeAction'; actionId: string; prescribedOn: BusinessDate }
  | ({ type: 'EnterAction' } & EventData<'ActionEntered'>)
  | ({ type: 'ExitAction' } & EventData<'ActionExited'>)
  | ({ type: 'StartEmployment' } & Omit<EventData<'EmploymentStarted'>, 'employmentId'>)
  | ({ type: 'EndEmployment' } & EventData<'EmploymentEnded'>)
  | ({ type: 'RequestReorientation' } & Omit<EventData<'ReorientationRequested'>, 'requestId'>)
  | {
      type: 'DecideReorientation';
      requestId: string;
      decidedOn: BusinessDate;
      accepted: boolean;
      track?: EventData<'Oriented'>['track'];
      organisationId?: string;
    }
  | ({ type: 'GrantExemption' } & Omit<EventData<'ExemptionGranted'>, 'exemptionId'>)
  | ({ type: 'ReportBreach' } & Omit<EventData<'BreachReported'>, 'breachId'>)
  | ({ type: 'InformOfBreach' } & EventData<'BeneficiaryInformedOfBreach'>)
  | ({ type: 'ReceiveObservations' } & EventData<'BreachObservationsReceived'>)
  | ({ type: 'GiveEpOpinion' } & EventData<'EpOpinionGiven'>)
  | {
      type: 'DecideBreach';
      breachId: string;
      decidedOn: BusinessDate;
      decision: 'dismissed' | 'suspension';
      sharePercent?: number;
      months?: number;
      startsOn?: BusinessDate;
    }
  | ({ type: 'LiftSuspension'; monthsToRepay: number } & EventData<'SuspensionLiftedByRemobilisation'>)
  | ({ type: 'GiveSuppressionEpOpinion' } & EventData<'SuppressionEpOpinionGiven'>)
  | ({ type: 'MakeSuspensionDefinitive' } & EventData<'SuspensionMadeDefinitive'>)
  | ({ type: 'AppealSanction' } & EventData<'SanctionAppealed'>)
  | ({ type: 'WithdrawSanction' } & EventData<'SanctionWithdrawn'>)
  | ({ type: 'ExitRsa' } & EventData<'RsaExited'>)
  | ({ type: 'EndAccompaniment' } & EventData<'AccompanimentEnded'>)
  | ({ type: 'Transfer' } & EventData<'TransferredToAnotherDepartement'>)
  | { type: 'ErasePerson'; reason: EventData<'PersonErased'>['reason'] };

export type ParcoursCommandType = ParcoursCommand['type'];
