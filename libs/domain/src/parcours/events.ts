import { BusinessDate } from '../shared/dates';
import {
  ACTION_OUTCOMES,
  APPOINTMENT_CHANNELS,
  APPOINTMENT_KINDS,
  Barrier,
  BREACH_KINDS,
  ContractKind,
  DEFINITIVE_KINDS,
  EMPLOYMENT_KINDS,
  EP_OPINIONS,
  ERASURE_REASONS,
  EXEMPTION_REASONS,
  EXIT_REASONS,
  HouseholdType,
  HOURS_REDUCTION_REASONS,
  MESSAGE_CHANNELS,
  CIVILITIES,
  DELIVERY_OUTCOMES,
  REMINDED_KINDS,
  ACTIVITY_KINDS,
  ACTIVITY_HOURS_SOURCES,
  HOURS_SHORTFALL_REASONS,
  INTERRUPTION_REASONS,
  JOINT_REVIEW_OUTCOMES,
  TRANSFER_HISTORY_STEPS,
  SANCTION_WITHDRAWAL_KINDS,
  OrganisationKind,
  BALANCED_REVIEW_OUTCOMES,
  REORIENTATION_MOTIVES,
  REVIEW_OUTCOMES,
  SEXES,
  Track,
} from './vocabulary';

/**
 * The events of a parcours, one stream per person subject to droits et devoirs.
 * Each carries its business date(s); when and by whom it was recorded is in
 * the store's metadata. Event names and fields are stored forever: add, never rename.
 *
 * The stored shape of each type is its JSON Schema in event-schemas.ts, checked
 * before every append; `tsc` fails when a type here and its schema disagree.
 * A shape that changes is upcast in upcast.ts, the one place older shapes are read.
 */
type Of<T extends readonly string[]> = T[number];

export interface Person {
  lastName: string;
  firstName: string;
  birthDate: BusinessDate;
  sex: Of<typeof SEXES>;
  /** Numéro d'inscription au répertoire; optional, never logged nor exported. */
  nir?: string;
  /**
   * Set when read after the person's erasure (DOMAIN.md §7): the names are
   * placeholders and the birth date is the first day of the month of birth.
   */
  erased?: boolean;
}

/** A postal address as the AFNOR NF Z10-011 norm orders it: the lines above the postcode, then postcode and city. */
export interface PostalAddress {
  lines: string[];
  postcode: string;
  city: string;
}

export interface Household {
  /** Numéro allocataire CAF/MSA of the foyer. */
  cafNumber?: string;
  type: HouseholdType;
  size: number;
  /** Majoration pour isolement (L262-9): the sanction cap applies whatever the household size. */
  singleParentIncrease?: boolean;
}

/**
 * A parcours arriving from another département (mutation): the steps it had
 * there, kept as history. The legal clocks (orientation, first appointment,
 * first contract) run from the arrival here, the `enteredOn` of the entry.
 */
export interface TransferredFrom {
  departementCode: string;
  history: { step: Of<typeof TRANSFER_HISTORY_STEPS>; on: BusinessDate; track?: Track }[];
}

export type ParcoursEvent =
  /** Entry into the RSA, soumis aux droits et devoirs; also a re-entry (a new cycle). */
  | {
      type: 'ParcoursEntered';
      data: {
        parcoursId: string;
        cycle: number;
        person: Person;
        household: Household;
        territory: string;
        /** Demande de RSA (DREES measures from it). */
        demandOn: BusinessDate;
        /** Ouverture du droit. */
        rightOpenedOn: BusinessDate;
        /** Transmission CAF quotidienne: the entry date (CALPAE measures from it); for a transfer, the arrival. */
        enteredOn: BusinessDate;
        /** Set when the person comes from another département, where the right was opened. */
        transferredFrom?: TransferredFrom;
      };
    }
  | { type: 'HouseholdChanged'; data: { household: Household; changedOn: BusinessDate } }
  | { type: 'FranceTravailRegistered'; data: { registeredOn: BusinessDate; franceTravailId?: string } }
  /** Orientation, or réorientation when `reorientationRequestId` is set. */
  | {
      type: 'Oriented';
      data: {
        orientationId: string;
        track: Track;
        organisationId: string;
        organisationKind: OrganisationKind;
        decidedOn: BusinessDate;
        notifiedOn: BusinessDate;
        reorientationRequestId?: string;
      };
    }
  | {
      type: 'ReferentAssigned';
      data: {
        referentId: string;
        organisationId: string;
        assignedOn: BusinessDate;
        previousReferentId?: string;
      };
    }
  | {
      type: 'AppointmentScheduled';
      data: {
        appointmentId: string;
        scheduledFor: BusinessDate;
        scheduledOn: BusinessDate;
        kind: Of<typeof APPOINTMENT_KINDS>;
        channel: Of<typeof APPOINTMENT_CHANNELS>;
        referentId: string;
      };
    }
  | { type: 'AppointmentHeld'; data: { appointmentId: string; heldOn: BusinessDate } }
  | {
      type: 'AppointmentMissed';
      data: { appointmentId: string; missedOn: BusinessDate; legitimateReason: boolean };
    }
  | { type: 'AppointmentCancelled'; data: { appointmentId: string; cancelledOn: BusinessDate } }
  /**
   * Invitation: the person is asked to book or confirm a first appointment after the orientation,
   * by the channels chosen, with the template of that version. Answered when an appointment is set.
   */
  | {
      type: 'InvitationSent';
      data: {
        invitationId: string;
        sentOn: BusinessDate;
        channels: Of<typeof MESSAGE_CHANNELS>[];
        templateVersion: number;
      };
    }
  /**
   * Convocation: the appointment is fixed and the person summoned to it; an unexcused absence from a
   * convened appointment is what can become a manquement.
   */
  | {
      type: 'ConvocationSent';
      data: {
        convocationId: string;
        appointmentId: string;
        sentOn: BusinessDate;
        channels: Of<typeof MESSAGE_CHANNELS>[];
        templateVersion: number;
        /** The time of the appointment, HH:MM in France (absent from convocations recorded before it was asked). */
        time?: string;
        /** Where it takes place, the organisme's address (for an appointment in person). */
        place?: string;
      };
    }
  /** A reminder of an invitation left unanswered, or of a convened appointment coming. */
  | {
      type: 'ReminderSent';
      data: {
        reminderId: string;
        about: Of<typeof REMINDED_KINDS>;
        aboutId: string;
        rank: number;
        sentOn: BusinessDate;
        channels: Of<typeof MESSAGE_CHANNELS>[];
        templateVersion: number;
      };
    }
  /**
   * How to reach the person (coordonnées), as last given: all of it is personal data, sealed with the
   * person's key and gone at erasure; `channels` (which ones are known) stays in clear.
   */
  | {
      type: 'ContactDetailsRecorded';
      data: {
        recordedOn: BusinessDate;
        channels: Of<typeof MESSAGE_CHANNELS>[];
        civility?: Of<typeof CIVILITIES>;
        email?: string;
        phone?: string;
        postalAddress?: PostalAddress;
        /** Set when read after the person's erasure: the coordinates are gone. */
        erased?: boolean;
      };
    }
  /** What the provider reported of a message (invitation, convocation or reminder) on one channel. */
  | {
      type: 'MessageDeliveryReported';
      data: {
        messageId: string;
        channel: Of<typeof MESSAGE_CHANNELS>;
        outcome: Of<typeof DELIVERY_OUTCOMES>;
        reportedOn: BusinessDate;
      };
    }
  | {
      type: 'DiagnosticRecorded';
      data: { diagnosticId: string; diagnosedOn: BusinessDate; barriers: Barrier[] };
    }
  | { type: 'BarrierLifted'; data: { barrier: Barrier; liftedOn: BusinessDate } }
  | {
      type: 'ContractSigned';
      data: {
        contractId: string;
        kind: ContractKind;
        signedOn: BusinessDate;
        startsOn: BusinessDate;
        endsOn: BusinessDate;
        weeklyHours: number;
        /** Objective codes or short labels chosen from the référent's list; no free text about the person. */
        objectives: string[];
        /** First contract of the cycle, or a renewal. */
        renewal: boolean;
        /** Why fewer than the legal 15 hours a week are planned (DOMAIN.md §4.2). */
        hoursReductionReason?: Of<typeof HOURS_REDUCTION_REASONS>;
      };
    }
  /**
   * The activity plan of a contract: its activities with their weekly hours, summing to the contract's
   * weekly hours (loi 2023-1196; DOMAIN.md §4.2). A later plan of the same contract applies from its `setOn`.
   */
  | {
      type: 'ActivityPlanSet';
      data: {
        contractId: string;
        setOn: BusinessDate;
        activities: { kind: Of<typeof ACTIVITY_KINDS>; weeklyHours: number }[];
      };
    }
  /**
   * The hours of activity done in a week (from Monday `weekOf`), declared by the référent or reported by a
   * partner; a later record of the same week replaces it. Below the plan, `shortfallReason` justifies it.
   */
  | {
      type: 'ActivityHoursRecorded';
      data: {
        contractId: string;
        weekOf: BusinessDate;
        hours: number;
        source: Of<typeof ACTIVITY_HOURS_SOURCES>;
        shortfallReason?: Of<typeof HOURS_SHORTFALL_REASONS>;
      };
    }
  /**
   * Intensive accompaniment: a modality of the accompaniment, not a track, for
   * a planned period, with at least two entretiens each calendar month (DOMAIN.md §2.5, §3).
   */
  | { type: 'IntensiveAccompanimentStarted'; data: { startedOn: BusinessDate; plannedEndOn: BusinessDate } }
  | { type: 'IntensiveAccompanimentEnded'; data: { endedOn: BusinessDate } }
  /**
   * Examen de la situation of a person in the social parcours, 6 months after
   * the contract (12 when the situation warrants it: `JointReviewExtended`), by
   * the équipe pluridisciplinaire with France Travail (L262-31, D262-65-2-1).
   */
  | { type: 'JointReviewHeld'; data: { reviewedOn: BusinessDate; outcome: Of<typeof JOINT_REVIEW_OUTCOMES> } }
  | { type: 'JointReviewExtended'; data: { decidedOn: BusinessDate } }
  /**
   * Accompagnement global: a France Travail adviser and a social worker in a
   * binôme (a modality, not a track). Oriented to it, then started: the délai
   * between the two is a CALPAE indicator (target 21 days).
   */
  | { type: 'GlobalAccompanimentOriented'; data: { orientedOn: BusinessDate } }
  | { type: 'GlobalAccompanimentStarted'; data: { startedOn: BusinessDate; binomeId: string } }
  | { type: 'GlobalAccompanimentEnded'; data: { endedOn: BusinessDate } }
  /**
   * Fin d'accompagnement by the organisme référent while the person stays in
   * the RSA: no orientation binds any more; without a new one within a month it
   * is a rupture (tableau de bord national, DOMAIN.md §5.2).
   */
  | {
      type: 'AccompanimentInterrupted';
      data: { interruptedOn: BusinessDate; reason: Of<typeof INTERRUPTION_REASONS> };
    }
  /** Review of an équilibré parcours with the SLAI and France Travail (at 12 months without a sortie dynamique). */
  | {
      type: 'BalancedReviewHeld';
      data: { reviewedOn: BusinessDate; outcome: Of<typeof BALANCED_REVIEW_OUTCOMES> };
    }
  /** Bilan of a contract. */
  | {
      type: 'ContractReviewed';
      data: { contractId: string; reviewedOn: BusinessDate; outcome: Of<typeof REVIEW_OUTCOMES> };
    }
  | {
      type: 'ActionPrescribed';
      data: { prescriptionId: string; actionId: string; dispositifCode: string; prescribedOn: BusinessDate };
    }
  | { type: 'ActionEntered'; data: { prescriptionId: string; enteredOn: BusinessDate } }
  | {
      type: 'ActionExited';
      data: { prescriptionId: string; exitedOn: BusinessDate; outcome: Of<typeof ACTION_OUTCOMES> };
    }
  | {
      type: 'EmploymentStarted';
      data: { employmentId: string; startedOn: BusinessDate; kind: Of<typeof EMPLOYMENT_KINDS> };
    }
  /** End of an employment (France Travail flow or the référent): the person is no longer in employment from the next day. */
  | { type: 'EmploymentEnded'; data: { employmentId: string; endedOn: BusinessDate } }
  | {
      type: 'ReorientationRequested';
      data: {
        requestId: string;
        requestedOn: BusinessDate;
        motive: Of<typeof REORIENTATION_MOTIVES>;
        requestedTrack?: Track;
      };
    }
  | { type: 'ReorientationRefused'; data: { requestId: string; decidedOn: BusinessDate } }
  | {
      type: 'ExemptionGranted';
      data: {
        exemptionId: string;
        reason: Of<typeof EXEMPTION_REASONS>;
        from: BusinessDate;
        to?: BusinessDate;
      };
    }
  /**
   * Manquement, naming the obligation breached: a legal one, `activity_hours`,
   * or an objective of the contract in force (Conseil d'État n° 418975).
   */
  | {
      type: 'BreachReported';
      data: {
        breachId: string;
        kind: Of<typeof BREACH_KINDS>;
        obligation: string;
        occurredOn: BusinessDate;
        reportedOn: BusinessDate;
        /** For the activity hours: the weeks (their Mondays) done below the plan without a reason. */
        weeks?: BusinessDate[];
        /** For an unexcused missed appointment: the convocation to it. */
        convocationId?: string;
      };
    }
  | { type: 'BeneficiaryInformedOfBreach'; data: { breachId: string; informedOn: BusinessDate } }
  | { type: 'BreachObservationsReceived'; data: { breachId: string; receivedOn: BusinessDate } }
  /** Avis de l'équipe pluridisciplinaire. */
  | {
      type: 'EpOpinionGiven';
      data: { breachId: string; givenOn: BusinessDate; opinion: Of<typeof EP_OPINIONS> };
    }
  | { type: 'BreachDismissed'; data: { breachId: string; decidedOn: BusinessDate } }
  /** Suspension-remobilisation decided. */
  | {
      type: 'SuspensionDecided';
      data: {
        breachId: string;
        sanctionId: string;
        decidedOn: BusinessDate;
        startsOn: BusinessDate;
        endsOn: BusinessDate;
        sharePercent: number;
        months: number;
        repeated: boolean;
      };
    }
  /**
   * Remobilisation: the suspension stops and the withheld sums are paid back
   * (reversement) for the months the decision names (absent on events recorded before it was asked).
   */
  | {
      type: 'SuspensionLiftedByRemobilisation';
      data: { sanctionId: string; remobilisedOn: BusinessDate; monthsToRepay?: number };
    }
  /** Avis de l'équipe pluridisciplinaire on a suppression, required before it (L262-37 III). */
  | {
      type: 'SuppressionEpOpinionGiven';
      data: { sanctionId: string; givenOn: BusinessDate; opinion: Of<typeof EP_OPINIONS> };
    }
  | {
      type: 'SuspensionMadeDefinitive';
      data: { sanctionId: string; decidedOn: BusinessDate; kind: Of<typeof DEFINITIVE_KINDS> };
    }
  /** Recours administratif préalable obligatoire against a sanction (L262-47). */
  | { type: 'SanctionAppealed'; data: { sanctionId: string; appealedOn: BusinessDate } }
  /** Retrait or annulation: the sanction no longer counts, as a sanction nor as a first manquement. */
  | {
      type: 'SanctionWithdrawn';
      data: { sanctionId: string; decidedOn: BusinessDate; kind: Of<typeof SANCTION_WITHDRAWAL_KINDS> };
    }
  /** End of payment of the RSA. */
  | { type: 'RsaExited'; data: { exitedOn: BusinessDate; reason: Of<typeof EXIT_REASONS> } }
  | { type: 'AccompanimentEnded'; data: { endedOn: BusinessDate } }
  /**
   * Erasure of the person's data (right to erasure, end of retention): the
   * person's key is destroyed after this event is recorded; the facts stay.
   */
  | { type: 'PersonErased'; data: { erasedOn: BusinessDate; reason: Of<typeof ERASURE_REASONS> } }
  | {
      type: 'TransferredToAnotherDepartement';
      data: { transferredOn: BusinessDate; departementCode: string };
    };

export type ParcoursEventType = ParcoursEvent['type'];
export type EventData<T extends ParcoursEventType> = Extract<ParcoursEvent, { type: T }>['data'];
