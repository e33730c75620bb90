import {
  ACTION_OUTCOMES,
  ACTIVITY_HOURS_OBLIGATION,
  ACTIVITY_KINDS,
  DELIVERY_OUTCOMES,
  MESSAGE_CHANNELS,
  UUID_PATTERN,
  CIVILITIES,
  ADDRESS_LINE_PATTERN,
  APPOINTMENT_TIME_PATTERN,
  EMAIL_PATTERN,
  ONE_LINE_TEXT_PATTERN,
  PHONE_PATTERN,
  POSTCODE_PATTERN,
  REMINDED_KINDS,
  HOURS_REDUCTION_REASONS,
  HOURS_SHORTFALL_REASONS,
  LEGAL_OBLIGATIONS,
  NIR_PATTERN,
  SANCTION_WITHDRAWAL_KINDS,
  BALANCED_REVIEW_OUTCOMES,
  APPOINTMENT_CHANNELS,
  APPOINTMENT_KINDS,
  BARRIERS,
  BREACH_DECISIONS,
  BREACH_KINDS,
  CONTRACT_KINDS,
  DEFINITIVE_KINDS,
  EMPLOYMENT_KINDS,
  EP_OPINIONS,
  EXEMPTION_REASONS,
  EXIT_REASONS,
  HOUSEHOLD_TYPES,
  INTERRUPTION_REASONS,
  JOINT_REVIEW_OUTCOMES,
  TRANSFER_HISTORY_STEPS,
  REORIENTATION_MOTIVES,
  REVIEW_OUTCOMES,
  SEXES,
  TRACKS,
} from '@parcours/domain';
import { IsOptional, IsString, Matches } from 'class-validator';

import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  BoolField,
  CodeField,
  CodeListField,
  DateField,
  DateListField,
  IdField,
  IdListField,
  IntField,
  NameField,
  NestedField,
  NestedListField,
  NumberField,
  PatternField,
  PatternListField,
  TEXT,
} from '../http/fields';

/** Request bodies of the parcours routes: one class per route, the names are the client app's contract. */
type Code<T extends readonly string[]> = T[number];

export class PersonDto {
  @NameField(true, undefined, 'Martin') lastName: string;
  @NameField(true, undefined, 'Léa') firstName: string;
  @DateField(true, undefined, '1990-04-12') birthDate: string;
  @CodeField(SEXES) sex: Code<typeof SEXES>;

  @ApiPropertyOptional({
    description: 'NIR (13 caractères et clé) ; jamais journalisé ni exporté',
    pattern: NIR_PATTERN,
  })
  @IsOptional()
  @IsString({ message: TEXT })
  @Matches(new RegExp(NIR_PATTERN), { message: 'nir doit être un NIR de 15 caractères' })
  nir?: string;
}

export class HouseholdDto {
  @IdField(false, 'Numéro allocataire CAF/MSA', 20) cafNumber?: string;
  @CodeField(HOUSEHOLD_TYPES, true, undefined, 'single_parent') type: Code<typeof HOUSEHOLD_TYPES>;
  @IntField(1, 20, true, 'Nombre de personnes du foyer', 2) size: number;
  @BoolField(false, 'Majoration pour isolement (L262-9) : plafonne la part suspendue')
  singleParentIncrease?: boolean;
}

export class TransferHistoryStepDto {
  @CodeField(TRANSFER_HISTORY_STEPS) step: Code<typeof TRANSFER_HISTORY_STEPS>;
  @DateField() on: string;
  @CodeField(TRACKS, false) track?: Code<typeof TRACKS>;
}

export class TransferredFromDto {
  @IdField(true, 'Code du département d’origine', 3) departementCode: string;
  @NestedListField(
    () => TransferHistoryStepDto,
    100,
    'Étapes du parcours dans le département d’origine (historique : les délais légaux repartent de l’arrivée)',
  )
  history: TransferHistoryStepDto[];
}

export class EntryDto {
  @NestedField(() => PersonDto) person: PersonDto;
  @NestedField(() => HouseholdDto) household: HouseholdDto;
  @IdField(true, 'Code du territoire', 100, 'ARRAGEOIS') territory: string;
  // Examples in order (demandOn ≤ rightOpenedOn ≤ enteredOn): the example body is an entry the server accepts.
  @DateField(true, 'Date de la demande de RSA', '2025-01-02') demandOn: string;
  @DateField(true, "Date d'ouverture du droit", '2025-01-03') rightOpenedOn: string;
  @DateField(
    true,
    "Date de transmission CAF : date d'entrée (pour une mutation : date d'arrivée)",
    '2025-01-06',
  )
  enteredOn: string;
  @NestedField(
    () => TransferredFromDto,
    false,
    'Mutation depuis un autre département, où le droit a été ouvert',
  )
  transferredFrom?: TransferredFromDto;
}

export class ReentryDto {
  @DateField() demandOn: string;
  @DateField() rightOpenedOn: string;
  @DateField() enteredOn: string;
  @NestedField(() => HouseholdDto, false) household?: HouseholdDto;
  @IdField(false) territory?: string;
}

export class HouseholdChangeDto {
  @NestedField(() => HouseholdDto) household: HouseholdDto;
  @DateField() changedOn: string;
}

export class FranceTravailRegistrationDto {
  @DateField() registeredOn: string;
  @IdField(false, 'Identifiant France Travail', 20) franceTravailId?: string;
}

export class OrientationDto {
  @CodeField(TRACKS) track: Code<typeof TRACKS>;
  @IdField() organisationId: string;
  @DateField() decidedOn: string;
  @DateField() notifiedOn: string;
}

export class ReferentAssignmentDto {
  @IdField() referentId: string;
  @DateField() assignedOn: string;
}

export class AppointmentDto {
  @DateField(true, 'Date du rendez-vous (peut être future)') scheduledFor: string;
  @DateField(true, 'Date à laquelle le rendez-vous a été fixé') scheduledOn: string;
  @CodeField(APPOINTMENT_KINDS) kind: Code<typeof APPOINTMENT_KINDS>;
  @CodeField(APPOINTMENT_CHANNELS) channel: Code<typeof APPOINTMENT_CHANNELS>;
}

export class MessageDto {
  @DateField(true, "Jour d'envoi", '2025-01-23') sentOn: string;
  @CodeListField(MESSAGE_CHANNELS, 'Canaux : courriel, SMS, courrier (au moins un)') channels: Code<
    typeof MESSAGE_CHANNELS
  >[];
}

/** Where and when: what the convocation tells the person beyond the appointment's date. */
export class ConvocationDto extends MessageDto {
  @PatternField(APPOINTMENT_TIME_PATTERN, 'une heure HH:MM', {
    max: 5,
    description: 'Heure du rendez-vous (heure de Paris)',
    example: '09:30',
  })
  time: string;
  @PatternField(ONE_LINE_TEXT_PATTERN, 'un texte d’une ligne', {
    required: false,
    max: 100,
    description: "Lieu du rendez-vous (adresse de l'organisme), pour un rendez-vous sur place",
    example: 'Maison du Département, 14 rue Émile Zola, Arras',
  })
  place?: string;
}

export class PostalAddressDto {
  @PatternListField(ADDRESS_LINE_PATTERN, 'une ligne d’adresse de 38 caractères au plus', {
    max: 5,
    maxLength: 38,
    description:
      'Lignes au-dessus du code postal (norme AFNOR NF Z10-011), la première au nom de la personne',
    example: ['Madame Léa Martin', '12 rue des Lilas'],
  })
  lines: string[];
  @PatternField(POSTCODE_PATTERN, 'un code postal de 5 chiffres', { max: 5, example: '62000' })
  postcode: string;
  @PatternField(ADDRESS_LINE_PATTERN, 'un nom de commune de 38 caractères au plus', {
    max: 38,
    example: 'ARRAS',
  })
  city: string;
}

export class ContactDetailsDto {
  @DateField(true, 'Jour où les coordonnées ont été recueillies', '2025-01-23') recordedOn: string;
  @CodeField(CIVILITIES, false, 'Civilité employée dans les courriers et courriels', 'madame')
  civility?: Code<typeof CIVILITIES>;
  @PatternField(EMAIL_PATTERN, 'une adresse électronique', {
    required: false,
    max: 254,
    description: 'Adresse électronique (canal courriel)',
    example: 'lea.martin@example.org',
  })
  email?: string;
  @PatternField(PHONE_PATTERN, 'un numéro de téléphone français (06 12 34 56 78, +33 6 12 34 56 78)', {
    required: false,
    max: 20,
    description: 'Téléphone portable (canal SMS)',
    example: '06 12 34 56 78',
  })
  phone?: string;
  @NestedField(() => PostalAddressDto, false, 'Adresse postale (canal courrier)')
  postalAddress?: PostalAddressDto;
}

export class ReminderDto extends MessageDto {
  @CodeField(REMINDED_KINDS, true, 'Ce que la relance rappelle', 'invitation') about: Code<
    typeof REMINDED_KINDS
  >;
  @IdField(true, "L'invitation ou la convocation rappelée") aboutId: string;
}

export class DeliveryDto {
  @CodeField(MESSAGE_CHANNELS, true, undefined, 'sms') channel: Code<typeof MESSAGE_CHANNELS>;
  @CodeField(DELIVERY_OUTCOMES, true, undefined, 'delivered') outcome: Code<typeof DELIVERY_OUTCOMES>;
  @DateField(true, 'Jour du compte rendu du prestataire', '2025-01-23') reportedOn: string;
}

export class AppointmentHeldDto {
  @DateField() heldOn: string;
}

export class AppointmentMissedDto {
  @DateField() missedOn: string;
  @BoolField(true, 'Absence justifiée par un motif légitime') legitimateReason: boolean;
}

export class AppointmentCancelledDto {
  @DateField() cancelledOn: string;
}

export class DiagnosticDto {
  @DateField() diagnosedOn: string;
  @CodeListField(BARRIERS, 'Freins constatés') barriers: Code<typeof BARRIERS>[];
}

export class BarrierLiftedDto {
  @DateField() liftedOn: string;
}

export class ContractDto {
  @CodeField(CONTRACT_KINDS, true, undefined, 'contrat_engagement') kind: Code<typeof CONTRACT_KINDS>;
  // Examples of one contract the rules accept: six months, the legal 15 hours.
  @DateField(true, undefined, '2025-02-03') signedOn: string;
  @DateField(true, undefined, '2025-02-03') startsOn: string;
  @DateField(true, undefined, '2025-08-02') endsOn: string;
  @NumberField(0, 60, true, "Heures d'activité hebdomadaires", 15) weeklyHours: number;
  @IdListField(20, 'Objectifs : codes ou libellés courts choisis dans une liste', ['mobilite'])
  objectives: string[];
  @CodeField(
    HOURS_REDUCTION_REASONS,
    false,
    'Motif de réduction sous 15 heures hebdomadaires (loi 2023-1196)',
  )
  hoursReductionReason?: Code<typeof HOURS_REDUCTION_REASONS>;
}

export class PlannedActivityDto {
  @CodeField(ACTIVITY_KINDS, true, undefined, 'job_search') kind: Code<typeof ACTIVITY_KINDS>;
  @NumberField(0, 60, true, "Heures hebdomadaires de l'activité", 15) weeklyHours: number;
}

export class ActivityPlanDto {
  @DateField(true, 'Jour où le plan est établi (au plus tôt la signature du contrat)', '2025-02-03')
  setOn: string;
  @NestedListField(
    () => PlannedActivityDto,
    ACTIVITY_KINDS.length,
    'Les activités, chacune une fois ; leurs heures font celles du contrat (loi 2023-1196)',
  )
  activities: PlannedActivityDto[];
}

export class ActivityHoursDto {
  @DateField(true, 'Le lundi de la semaine', '2025-02-10') weekOf: string;
  @NumberField(0, 100, true, "Heures d'activité réalisées dans la semaine", 15) hours: number;
  @CodeField(HOURS_SHORTFALL_REASONS, false, 'Motif d’une semaine en dessous du plan (écarte le manquement)')
  shortfallReason?: Code<typeof HOURS_SHORTFALL_REASONS>;
}

export class ContractReviewDto {
  @DateField() reviewedOn: string;
  @CodeField(REVIEW_OUTCOMES) outcome: Code<typeof REVIEW_OUTCOMES>;
}

export class IntensiveStartDto {
  @DateField(true, "Début de l'accompagnement intensif (durée : paramètre intensiveMonths)")
  startedOn: string;
}

export class IntensiveEndDto {
  @DateField() endedOn: string;
}

export class JointReviewDto {
  @DateField() reviewedOn: string;
  @CodeField(JOINT_REVIEW_OUTCOMES) outcome: Code<typeof JOINT_REVIEW_OUTCOMES>;
}

export class JointReviewExtensionDto {
  @DateField(true, "Décision de porter l'examen à 12 mois, la situation le justifiant (L262-31)")
  decidedOn: string;
}

export class GlobalAccompanimentOrientationDto {
  @DateField() orientedOn: string;
}

export class GlobalAccompanimentStartDto {
  @DateField() startedOn: string;
  @IdField(true, 'Binôme conseiller France Travail et travailleur social') binomeId: string;
}

export class GlobalAccompanimentEndDto {
  @DateField() endedOn: string;
}

export class InterruptionDto {
  @DateField() interruptedOn: string;
  @CodeField(INTERRUPTION_REASONS) reason: Code<typeof INTERRUPTION_REASONS>;
}

export class BalancedReviewDto {
  @DateField() reviewedOn: string;
  @CodeField(BALANCED_REVIEW_OUTCOMES) outcome: Code<typeof BALANCED_REVIEW_OUTCOMES>;
}

export class PrescriptionDto {
  @IdField() actionId: string;
  @DateField() prescribedOn: string;
}

export class ActionEntryDto {
  @DateField() enteredOn: string;
}

export class ActionExitDto {
  @DateField() exitedOn: string;
  @CodeField(ACTION_OUTCOMES) outcome: Code<typeof ACTION_OUTCOMES>;
}

export class EmploymentDto {
  @DateField() startedOn: string;
  @CodeField(EMPLOYMENT_KINDS) kind: Code<typeof EMPLOYMENT_KINDS>;
}

export class EmploymentEndDto {
  @DateField(true, "Dernier jour de l'emploi") endedOn: string;
}

export class ReorientationRequestDto {
  @DateField() requestedOn: string;
  @CodeField(REORIENTATION_MOTIVES) motive: Code<typeof REORIENTATION_MOTIVES>;
  @CodeField(TRACKS, false) requestedTrack?: Code<typeof TRACKS>;
}

export class ReorientationDecisionDto {
  @DateField() decidedOn: string;
  @BoolField() accepted: boolean;
  @CodeField(TRACKS, false) track?: Code<typeof TRACKS>;
  @IdField(false) organisationId?: string;
}

export class ExemptionDto {
  @CodeField(EXEMPTION_REASONS) reason: Code<typeof EXEMPTION_REASONS>;
  @DateField() from: string;
  @DateField(false) to?: string;
}

export class BreachDto {
  @CodeField(BREACH_KINDS) kind: Code<typeof BREACH_KINDS>;
  @IdField(
    true,
    `Obligation manquée : ${LEGAL_OBLIGATIONS.join(', ')}, ${ACTIVITY_HOURS_OBLIGATION}, ` +
      'ou un objectif du contrat en vigueur (CE n° 418975)',
  )
  obligation: string;
  @DateField() occurredOn: string;
  @DateField() reportedOn: string;
  @DateListField(
    53,
    `Pour ${ACTIVITY_HOURS_OBLIGATION} : les semaines (leurs lundis) déclarées en dessous du plan sans motif`,
  )
  weeks?: string[];
  @IdField(false, 'Pour un rendez-vous manqué : la convocation à ce rendez-vous') convocationId?: string;
}

export class BreachInformationDto {
  @DateField() informedOn: string;
}

export class BreachObservationsDto {
  @DateField() receivedOn: string;
}

export class EpOpinionDto {
  @DateField() givenOn: string;
  @CodeField(EP_OPINIONS) opinion: Code<typeof EP_OPINIONS>;
}

export class BreachDecisionDto {
  @DateField() decidedOn: string;
  @CodeField(BREACH_DECISIONS) decision: Code<typeof BREACH_DECISIONS>;
  @IntField(0, 100, false, 'Part suspendue, en %') sharePercent?: number;
  @IntField(1, 12, false, 'Durée de la suspension, en mois') months?: number;
  @DateField(false, 'Début de la suspension (par défaut : la décision)') startsOn?: string;
}

export class RemobilisationDto {
  @DateField() remobilisedOn: string;
  @IntField(0, 12, true, 'Mois de suspension à reverser, selon la décision') monthsToRepay: number;
}

export class SuppressionEpOpinionDto {
  @DateField() givenOn: string;
  @CodeField(EP_OPINIONS) opinion: Code<typeof EP_OPINIONS>;
}

export class SanctionAppealDto {
  @DateField(true, 'Date du recours administratif préalable (L262-47)') appealedOn: string;
}

export class SanctionWithdrawalDto {
  @DateField() decidedOn: string;
  @CodeField(SANCTION_WITHDRAWAL_KINDS, true, 'Retrait par l’administration ou annulation après recours')
  kind: Code<typeof SANCTION_WITHDRAWAL_KINDS>;
}

export class DefinitiveSuspensionDto {
  @DateField() decidedOn: string;
  @CodeField(DEFINITIVE_KINDS) kind: Code<typeof DEFINITIVE_KINDS>;
}

export class ExitDto {
  @DateField(true, 'Fin de versement') exitedOn: string;
  @CodeField(EXIT_REASONS) reason: Code<typeof EXIT_REASONS>;
}

export class AccompanimentEndDto {
  @DateField() endedOn: string;
}

export class TransferDto {
  @DateField() transferredOn: string;
  @IdField(true, 'Code du département de destination', 3) departementCode: string;
}

/** An invitation sent to a list of parcours at once (a SLAI's cohort): each parcours gets its own event. */
export class CohortInvitationDto extends MessageDto {
  @PatternListField(UUID_PATTERN, 'un identifiant de parcours (uuid)', {
    max: 200,
    maxLength: 36,
    description: 'Parcours invités (200 au plus ; un identifiant répété compte une fois)',
    example: ['3f0b6a8e-2a4c-4a8e-9a43-4f7e9e0c2b11'],
  })
  parcoursIds: string[];
}

export class CohortConvocationItemDto {
  @PatternField(UUID_PATTERN, 'un identifiant de parcours (uuid)', {
    max: 36,
    example: '3f0b6a8e-2a4c-4a8e-9a43-4f7e9e0c2b11',
  })
  parcoursId: string;
  @PatternField(UUID_PATTERN, 'un identifiant de rendez-vous (uuid)', {
    max: 36,
    example: '8d1c2f4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f',
  })
  appointmentId: string;
  @PatternField(APPOINTMENT_TIME_PATTERN, 'une heure HH:MM', { max: 5, example: '09:30' })
  time: string;
  @PatternField(ONE_LINE_TEXT_PATTERN, 'un texte d’une ligne', { required: false, max: 100 })
  place?: string;
}

/** Convocations to their appointments, for a list of parcours at once. */
export class CohortConvocationDto extends MessageDto {
  @NestedListField(() => CohortConvocationItemDto, 200, 'Une convocation par parcours (200 au plus)')
  convocations: CohortConvocationItemDto[];
}
