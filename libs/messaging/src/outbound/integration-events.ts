import { PARCOURS_STREAM_PREFIX, ParcoursEvent, upcastParcoursEvent } from '@parcours/domain';
import type { RecordedEvent } from '@parcours/event-store';

/**
 * The public contract partners consume (France Travail's "Suivi de parcours",
 * the Département's warehouse, the État's pipelines): versioned integration
 * events, distinct from the internal domain events so that the latter can
 * evolve. Identifiers, dates and codes only: no name, NIR, date of birth,
 * free text, nor the reason of an exemption (it may be a health matter).
 */
export const PARCOURS_TOPIC = 'parcours.events.v1';
export const DEADLINES_TOPIC = 'parcours.deadlines.v1';

export interface IntegrationEnvelope<T = Record<string, unknown>> {
  /** The domain event's id: stable, so that consumers drop duplicates. */
  messageId: string;
  type: string;
  version: 1;
  parcoursId: string;
  /** The event's revision in its parcours: consumers can check order and gaps. */
  revision: number;
  /** Business date of what happened. */
  occurredOn: string | null;
  recordedAt: string;
  data: T;
}

type Mapper = (
  e: ParcoursEvent,
) => { type: string; occurredOn: string | null; data: Record<string, unknown> } | undefined;

const pick = <T extends object, K extends keyof T>(o: T, ...keys: K[]): Pick<T, K> =>
  Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]])) as Pick<T, K>;

/** Domain event → integration event; internal steps (the sanction procedure's exchanges) are not published. */
export const toIntegration: Mapper = (e) => {
  switch (e.type) {
    case 'ParcoursEntered':
      return {
        type: 'parcours.entered',
        occurredOn: e.data.enteredOn,
        data: {
          ...pick(e.data, 'cycle', 'territory', 'demandOn', 'rightOpenedOn', 'enteredOn'),
          householdType: e.data.household.type,
          householdSize: e.data.household.size,
          ...(e.data.transferredFrom
            ? { transferredFromDepartement: e.data.transferredFrom.departementCode }
            : {}),
        },
      };
    case 'HouseholdChanged':
      return {
        type: 'parcours.household_changed',
        occurredOn: e.data.changedOn,
        data: {
          householdType: e.data.household.type,
          householdSize: e.data.household.size,
          changedOn: e.data.changedOn,
        },
      };
    case 'FranceTravailRegistered':
      return {
        type: 'parcours.france_travail_registered',
        occurredOn: e.data.registeredOn,
        data: pick(e.data, 'registeredOn', 'franceTravailId'),
      };
    case 'Oriented':
      return {
        type: 'parcours.oriented',
        occurredOn: e.data.notifiedOn,
        data: {
          ...pick(
            e.data,
            'orientationId',
            'track',
            'organisationId',
            'organisationKind',
            'decidedOn',
            'notifiedOn',
          ),
          reorientation: Boolean(e.data.reorientationRequestId),
        },
      };
    case 'ReferentAssigned':
      return {
        type: 'parcours.referent_assigned',
        occurredOn: e.data.assignedOn,
        data: pick(e.data, 'referentId', 'organisationId', 'assignedOn'),
      };
    case 'AppointmentScheduled':
      return {
        type: 'parcours.appointment_scheduled',
        occurredOn: e.data.scheduledOn,
        data: pick(e.data, 'appointmentId', 'scheduledFor', 'scheduledOn', 'kind', 'channel'),
      };
    case 'AppointmentHeld':
      return {
        type: 'parcours.appointment_held',
        occurredOn: e.data.heldOn,
        data: pick(e.data, 'appointmentId', 'heldOn'),
      };
    case 'AppointmentMissed':
      return {
        type: 'parcours.appointment_missed',
        occurredOn: e.data.missedOn,
        data: pick(e.data, 'appointmentId', 'missedOn', 'legitimateReason'),
      };
    case 'AppointmentCancelled':
      return {
        type: 'parcours.appointment_cancelled',
        occurredOn: e.data.cancelledOn,
        data: pick(e.data, 'appointmentId', 'cancelledOn'),
      };
    case 'DiagnosticRecorded':
      return {
        type: 'parcours.diagnostic_recorded',
        occurredOn: e.data.diagnosedOn,
        data: pick(e.data, 'diagnosticId', 'diagnosedOn', 'barriers'),
      };
    case 'BarrierLifted':
      return {
        type: 'parcours.barrier_lifted',
        occurredOn: e.data.liftedOn,
        data: pick(e.data, 'barrier', 'liftedOn'),
      };
    case 'ContractSigned':
      return {
        type: 'parcours.contract_signed',
        occurredOn: e.data.signedOn,
        data: pick(e.data, 'contractId', 'kind', 'signedOn', 'startsOn', 'endsOn', 'weeklyHours', 'renewal'),
      };
    case 'BalancedReviewHeld':
      return {
        type: 'parcours.balanced_review_held',
        occurredOn: e.data.reviewedOn,
        data: pick(e.data, 'reviewedOn', 'outcome'),
      };
    case 'JointReviewHeld':
      return {
        type: 'parcours.joint_review_held',
        occurredOn: e.data.reviewedOn,
        data: pick(e.data, 'reviewedOn', 'outcome'),
      };
    case 'GlobalAccompanimentStarted':
      return {
        type: 'parcours.global_accompaniment_started',
        occurredOn: e.data.startedOn,
        data: pick(e.data, 'startedOn', 'binomeId'),
      };
    case 'GlobalAccompanimentEnded':
      return {
        type: 'parcours.global_accompaniment_ended',
        occurredOn: e.data.endedOn,
        data: pick(e.data, 'endedOn'),
      };
    case 'AccompanimentInterrupted':
      return {
        type: 'parcours.accompaniment_interrupted',
        occurredOn: e.data.interruptedOn,
        data: pick(e.data, 'interruptedOn', 'reason'),
      };
    case 'ActivityPlanSet':
      return {
        type: 'parcours.activity_plan_set',
        occurredOn: e.data.setOn,
        // The total only: the activities may tell of the person's health (steps toward care).
        data: {
          ...pick(e.data, 'contractId', 'setOn'),
          weeklyHours: e.data.activities.reduce((sum, a) => sum + a.weeklyHours, 0),
        },
      };
    case 'ActivityHoursRecorded':
      return {
        type: 'parcours.activity_hours_recorded',
        occurredOn: e.data.weekOf,
        data: {
          ...pick(e.data, 'contractId', 'weekOf', 'hours', 'source'),
          justified: e.data.shortfallReason !== undefined,
        },
      };
    case 'ContractReviewed':
      return {
        type: 'parcours.contract_reviewed',
        occurredOn: e.data.reviewedOn,
        data: pick(e.data, 'contractId', 'reviewedOn', 'outcome'),
      };
    case 'ActionPrescribed':
      return {
        type: 'parcours.action_prescribed',
        occurredOn: e.data.prescribedOn,
        data: pick(e.data, 'prescriptionId', 'actionId', 'dispositifCode', 'prescribedOn'),
      };
    case 'ActionEntered':
      return {
        type: 'parcours.action_entered',
        occurredOn: e.data.enteredOn,
        data: pick(e.data, 'prescriptionId', 'enteredOn'),
      };
    case 'ActionExited':
      return {
        type: 'parcours.action_exited',
        occurredOn: e.data.exitedOn,
        data: pick(e.data, 'prescriptionId', 'exitedOn', 'outcome'),
      };
    case 'EmploymentStarted':
      return {
        type: 'parcours.employment_started',
        occurredOn: e.data.startedOn,
        data: pick(e.data, 'employmentId', 'startedOn', 'kind'),
      };
    case 'EmploymentEnded':
      return {
        type: 'parcours.employment_ended',
        occurredOn: e.data.endedOn,
        data: pick(e.data, 'employmentId', 'endedOn'),
      };
    case 'ReorientationRequested':
      return {
        type: 'parcours.reorientation_requested',
        occurredOn: e.data.requestedOn,
        data: pick(e.data, 'requestId', 'requestedOn', 'motive', 'requestedTrack'),
      };
    case 'ReorientationRefused':
      return {
        type: 'parcours.reorientation_refused',
        occurredOn: e.data.decidedOn,
        data: pick(e.data, 'requestId', 'decidedOn'),
      };
    case 'ExemptionGranted':
      return {
        type: 'parcours.exemption_granted',
        occurredOn: e.data.from,
        data: pick(e.data, 'exemptionId', 'from', 'to'),
      };
    case 'BreachReported':
      return {
        type: 'parcours.breach_reported',
        occurredOn: e.data.reportedOn,
        data: pick(e.data, 'breachId', 'kind', 'occurredOn', 'reportedOn'),
      };
    case 'BreachDismissed':
      return {
        type: 'parcours.breach_dismissed',
        occurredOn: e.data.decidedOn,
        data: pick(e.data, 'breachId', 'decidedOn'),
      };
    case 'SuspensionDecided':
      return {
        type: 'parcours.suspension_decided',
        occurredOn: e.data.decidedOn,
        data: pick(
          e.data,
          'breachId',
          'sanctionId',
          'decidedOn',
          'startsOn',
          'endsOn',
          'sharePercent',
          'months',
          'repeated',
        ),
      };
    case 'SuspensionLiftedByRemobilisation':
      return {
        type: 'parcours.suspension_lifted',
        occurredOn: e.data.remobilisedOn,
        data: pick(e.data, 'sanctionId', 'remobilisedOn', 'monthsToRepay'),
      };
    case 'SanctionAppealed':
      return {
        type: 'parcours.sanction_appealed',
        occurredOn: e.data.appealedOn,
        data: pick(e.data, 'sanctionId', 'appealedOn'),
      };
    case 'SanctionWithdrawn':
      return {
        type: 'parcours.sanction_withdrawn',
        occurredOn: e.data.decidedOn,
        data: pick(e.data, 'sanctionId', 'decidedOn', 'kind'),
      };
    case 'SuspensionMadeDefinitive':
      return {
        type: 'parcours.suspension_made_definitive',
        occurredOn: e.data.decidedOn,
        data: pick(e.data, 'sanctionId', 'decidedOn', 'kind'),
      };
    case 'RsaExited':
      return {
        type: 'parcours.rsa_exited',
        occurredOn: e.data.exitedOn,
        data: pick(e.data, 'exitedOn', 'reason'),
      };
    case 'AccompanimentEnded':
      return {
        type: 'parcours.accompaniment_ended',
        occurredOn: e.data.endedOn,
        data: pick(e.data, 'endedOn'),
      };
    case 'PersonErased':
      // Partners holding the person's data erase theirs too.
      return {
        type: 'parcours.person_erased',
        occurredOn: e.data.erasedOn,
        data: pick(e.data, 'erasedOn', 'reason'),
      };
    case 'TransferredToAnotherDepartement':
      return {
        type: 'parcours.transferred',
        occurredOn: e.data.transferredOn,
        data: pick(e.data, 'transferredOn', 'departementCode'),
      };
    case 'BeneficiaryInformedOfBreach':
    case 'BreachObservationsReceived':
    case 'EpOpinionGiven':
    case 'SuppressionEpOpinionGiven':
    // A modality of the référent's work, not a fact partners act on.
    // falls through
    case 'IntensiveAccompanimentStarted':
    case 'IntensiveAccompanimentEnded':
    // Steps on the way to a published one (the review held, the accompaniment started).
    // falls through
    case 'JointReviewExtended':
    case 'GlobalAccompanimentOriented':
    // The messages to the person and their delivery: the référent's work with the person, not a fact partners
    // act on (the appointment itself is published).
    // falls through
    case 'InvitationSent':
    case 'ConvocationSent':
    case 'ReminderSent':
    case 'MessageDeliveryReported':
    // The coordinates are personal data: never published.
    // falls through
    case 'ContactDetailsRecorded':
      return undefined;
    default: {
      // A type added to the domain must be published above or listed as not published: the compiler says which.
      const notDecided: never = e;
      void notDecided;
      // A type the schemas do not know (only written before the store checked them): not part of the contract.
      return undefined;
    }
  }
};

/** The envelope of a recorded event, or undefined when it is not part of the public contract. */
export function envelopeOf(e: RecordedEvent): IntegrationEnvelope | undefined {
  if (!e.streamId.startsWith(PARCOURS_STREAM_PREFIX)) return undefined;
  // In today's shape: the one place older shapes are read (libs/domain/src/parcours/upcast.ts).
  const mapped = toIntegration(upcastParcoursEvent(e));
  if (!mapped) return undefined;
  return {
    messageId: e.id,
    type: mapped.type,
    version: 1,
    parcoursId: e.streamId.slice(PARCOURS_STREAM_PREFIX.length),
    revision: e.revision,
    occurredOn: mapped.occurredOn,
    recordedAt: e.metadata.recordedAt,
    data: mapped.data,
  };
}
