import { ParcoursCommand } from './commands';
import { ParcoursEvent } from './events';
import { ParcoursState } from './state';
import { DecisionContext } from './decide/context';
import * as appointments from './decide/appointments-and-diagnostic';
import * as contracts from './decide/contracts-and-actions';
import * as entryAndExit from './decide/entry-and-exit';
import * as orientation from './decide/orientation-and-referent';
import * as sanctions from './decide/sanctions';
import * as messages from './decide/invitations-and-convocations';

export type { DecisionContext } from './decide/context';

/**
 * Decides a command on the current state of a parcours: returns the events to
 * append, or throws a RuleViolation (NotFound for an unknown target).
 *
 * One function per command, grouped by stage of the parcours in ./decide/;
 * the guards they share (dates, open parcours, référent...) are in ./decide/rules.ts.
 */
export function decide(s: ParcoursState, c: ParcoursCommand, ctx: DecisionContext): ParcoursEvent[] {
  switch (c.type) {
    // Entry, facts of the CAF and France Travail, exit
    case 'Enter':
      return entryAndExit.enter(s, c, ctx);
    case 'Reenter':
      return entryAndExit.reenter(s, c, ctx);
    case 'ChangeHousehold':
      return entryAndExit.changeHousehold(s, c, ctx);
    case 'RegisterWithFranceTravail':
      return entryAndExit.registerWithFranceTravail(s, c, ctx);
    case 'InterruptAccompaniment':
      return entryAndExit.interruptAccompaniment(s, c, ctx);
    case 'ExitRsa':
      return entryAndExit.exitRsa(s, c, ctx);
    case 'EndAccompaniment':
      return entryAndExit.endAccompaniment(s, c, ctx);
    case 'Transfer':
      return entryAndExit.transfer(s, c, ctx);
    case 'ErasePerson':
      return entryAndExit.erasePerson(s, c, ctx);
    // Orientation, référent, global accompaniment
    case 'Orient':
      return orientation.orient(s, c, ctx);
    case 'AssignReferent':
      return orientation.assignReferent(s, c, ctx);
    case 'RequestReorientation':
      return orientation.requestReorientation(s, c, ctx);
    case 'DecideReorientation':
      return orientation.decideReorientation(s, c, ctx);
    case 'OrientToGlobalAccompaniment':
      return orientation.orientToGlobalAccompaniment(s, c, ctx);
    case 'StartGlobalAccompaniment':
      return orientation.startGlobalAccompaniment(s, c, ctx);
    case 'EndGlobalAccompaniment':
      return orientation.endGlobalAccompaniment(s, c, ctx);
    // Appointments and diagnostic
    case 'ScheduleAppointment':
      return appointments.scheduleAppointment(s, c, ctx);
    case 'RecordAppointmentHeld':
      return appointments.recordAppointmentHeld(s, c, ctx);
    case 'RecordAppointmentMissed':
      return appointments.recordAppointmentMissed(s, c, ctx);
    case 'CancelAppointment':
      return appointments.cancelAppointment(s, c, ctx);
    case 'RecordDiagnostic':
      return appointments.recordDiagnostic(s, c, ctx);
    case 'LiftBarrier':
      return appointments.liftBarrier(s, c, ctx);
    // Contracts, reviews, intensive accompaniment, exemptions, actions, employment
    case 'SignContract':
      return contracts.signContract(s, c, ctx);
    case 'ReviewContract':
      return contracts.reviewContract(s, c, ctx);
    // Invitations, convocations, reminders and their delivery
    case 'RecordContactDetails':
      return messages.recordContactDetails(s, c, ctx);
    case 'SendInvitation':
      return messages.sendInvitation(s, c, ctx);
    case 'SendConvocation':
      return messages.sendConvocation(s, c, ctx);
    case 'SendReminder':
      return messages.sendReminder(s, c, ctx);
    case 'ReportMessageDelivery':
      return messages.reportMessageDelivery(s, c, ctx);
    case 'SetActivityPlan':
      return contracts.setActivityPlan(s, c, ctx);
    case 'RecordActivityHours':
      return contracts.recordActivityHours(s, c, ctx);
    case 'RecordBalancedReview':
      return contracts.recordBalancedReview(s, c, ctx);
    case 'HoldJointReview':
      return contracts.holdJointReview(s, c, ctx);
    case 'ExtendJointReview':
      return contracts.extendJointReview(s, c, ctx);
    case 'StartIntensiveAccompaniment':
      return contracts.startIntensiveAccompaniment(s, c, ctx);
    case 'EndIntensiveAccompaniment':
      return contracts.endIntensiveAccompaniment(s, c, ctx);
    case 'GrantExemption':
      return contracts.grantExemption(s, c, ctx);
    case 'PrescribeAction':
      return contracts.prescribeAction(s, c, ctx);
    case 'EnterAction':
      return contracts.enterAction(s, c, ctx);
    case 'ExitAction':
      return contracts.exitAction(s, c, ctx);
    case 'StartEmployment':
      return contracts.startEmployment(s, c, ctx);
    case 'EndEmployment':
      return contracts.endEmployment(s, c, ctx);
    // Manquements and sanctions
    case 'ReportBreach':
      return sanctions.reportBreach(s, c, ctx);
    case 'InformOfBreach':
      return sanctions.informOfBreach(s, c, ctx);
    case 'ReceiveObservations':
      return sanctions.receiveObservations(s, c, ctx);
    case 'GiveEpOpinion':
      return sanctions.giveEpOpinion(s, c, ctx);
    case 'DecideBreach':
      return sanctions.decideBreach(s, c, ctx);
    case 'LiftSuspension':
      return sanctions.liftSuspension(s, c, ctx);
    case 'GiveSuppressionEpOpinion':
      return sanctions.giveSuppressionEpOpinion(s, c, ctx);
    case 'MakeSuspensionDefinitive':
      return sanctions.makeSuspensionDefinitive(s, c, ctx);
    case 'AppealSanction':
      return sanctions.appealSanction(s, c, ctx);
    case 'WithdrawSanction':
      return sanctions.withdrawSanction(s, c, ctx);
    default: {
      // A command type added to ParcoursCommand but not handled above fails to compile here.
      const _exhaustive: never = c;
      return _exhaustive;
    }
  }
}
