import fc from 'fast-check';
import { JsonSchema } from '../shared/json-schema';
import { arbitraryOf } from '../testing/schema-arbitrary';
import { businessDateOf } from './business-dates';
import { PARCOURS_EVENT_SCHEMAS } from './event-schemas';
import { ParcoursEventType } from './events';

/**
 * The day each event happened, as the history shows it: written out here by
 * hand, one per type, and checked on generated events of every type (the
 * history once showed a contract's end date as its date, jsonb having
 * reordered its fields).
 */
const EXPECTED: Record<ParcoursEventType, string> = {
  ParcoursEntered: 'enteredOn',
  HouseholdChanged: 'changedOn',
  FranceTravailRegistered: 'registeredOn',
  Oriented: 'notifiedOn',
  ReferentAssigned: 'assignedOn',
  AppointmentScheduled: 'scheduledOn',
  AppointmentHeld: 'heldOn',
  AppointmentMissed: 'missedOn',
  AppointmentCancelled: 'cancelledOn',
  DiagnosticRecorded: 'diagnosedOn',
  BarrierLifted: 'liftedOn',
  ContractSigned: 'signedOn',
  JointReviewHeld: 'reviewedOn',
  JointReviewExtended: 'decidedOn',
  GlobalAccompanimentOriented: 'orientedOn',
  GlobalAccompanimentStarted: 'startedOn',
  GlobalAccompanimentEnded: 'endedOn',
  AccompanimentInterrupted: 'interruptedOn',
  IntensiveAccompanimentStarted: 'startedOn',
  IntensiveAccompanimentEnded: 'endedOn',
  BalancedReviewHeld: 'reviewedOn',
  ContractReviewed: 'reviewedOn',
  ActivityPlanSet: 'setOn',
  InvitationSent: 'sentOn',
  ConvocationSent: 'sentOn',
  ReminderSent: 'sentOn',
  MessageDeliveryReported: 'reportedOn',
  ContactDetailsRecorded: 'recordedOn',
  ActivityHoursRecorded: 'weekOf',
  ActionPrescribed: 'prescribedOn',
  ActionEntered: 'enteredOn',
  ActionExited: 'exitedOn',
  EmploymentStarted: 'startedOn',
  EmploymentEnded: 'endedOn',
  ReorientationRequested: 'requestedOn',
  ReorientationRefused: 'decidedOn',
  ExemptionGranted: 'from',
  BreachReported: 'reportedOn',
  BeneficiaryInformedOfBreach: 'informedOn',
  BreachObservationsReceived: 'receivedOn',
  EpOpinionGiven: 'givenOn',
  BreachDismissed: 'decidedOn',
  SuspensionDecided: 'decidedOn',
  SuspensionLiftedByRemobilisation: 'remobilisedOn',
  SuppressionEpOpinionGiven: 'givenOn',
  SuspensionMadeDefinitive: 'decidedOn',
  SanctionAppealed: 'appealedOn',
  SanctionWithdrawn: 'decidedOn',
  RsaExited: 'exitedOn',
  AccompanimentEnded: 'endedOn',
  PersonErased: 'erasedOn',
  TransferredToAnotherDepartement: 'transferredOn',
};

describe('the business date of every event type', () => {
  it.each(Object.entries(EXPECTED))(
    '%s happened on its %s, whatever the order of its fields',
    (type, field) => {
      fc.assert(
        fc.property(
          arbitraryOf(PARCOURS_EVENT_SCHEMAS[type as ParcoursEventType] as JsonSchema<unknown>),
          (data) => {
            const record = data as Record<string, unknown>;
            // The same fields in the reverse order, as a store may give them back.
            const reordered = Object.fromEntries(Object.entries(record).reverse());
            expect(businessDateOf(type, reordered)).toBe(record[field]);
          },
        ),
        { numRuns: 20 },
      );
    },
  );

  it('has none for a type the product does not know', () => {
    expect(businessDateOf('SomethingElse', { happenedOn: '2025-01-01' })).toBeUndefined();
  });
});
