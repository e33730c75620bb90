/** Closed lists of codes used by the parcours; each list is the contract of an API field. */

/** The three parcours a person is oriented to (DOMAIN.md §2.2). */
export const TRACKS = ['employment', 'socio_professional', 'social'] as const;
export type Track = (typeof TRACKS)[number];

/** Kinds of organisme référent. */
export const ORGANISATION_KINDS = [
  'france_travail',
  'departement',
  'ccas_cias',
  'caf',
  'plie',
  'mission_locale',
  'cap_emploi',
  'association',
] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

export const SEXES = ['female', 'male'] as const;
export const HOUSEHOLD_TYPES = [
  'single',
  'single_parent',
  'couple',
  'couple_with_children',
  'other',
] as const;
export type HouseholdType = (typeof HOUSEHOLD_TYPES)[number];

export const APPOINTMENT_KINDS = ['individual', 'collective'] as const;
export const APPOINTMENT_CHANNELS = ['in_person', 'phone', 'video'] as const;

/** Freins recorded at the diagnostic (DOMAIN.md §2.3). */
export const BARRIERS = [
  'mobility',
  'health',
  'housing',
  'childcare',
  'budget',
  'access_to_rights',
  'language_basic_skills',
  'digital',
  'disability',
  'caregiver',
] as const;
export type Barrier = (typeof BARRIERS)[number];

/** Contrat d'engagement since 2025; CER, PPAE, PACEA and CEJ for history. */
export const CONTRACT_KINDS = ['contrat_engagement', 'cer', 'ppae', 'pacea', 'cej'] as const;
export type ContractKind = (typeof CONTRACT_KINDS)[number];

/** What a bilan leads to. */
export const REVIEW_OUTCOMES = ['renewal', 'reorientation', 'exit', 'end_of_contract'] as const;

export const ACTION_OUTCOMES = [
  'durable_employment',
  'transition_employment',
  'training',
  'iae',
  'immersion',
  'business_creation',
  'dropout',
  'other',
] as const;
export type ActionOutcome = (typeof ACTION_OUTCOMES)[number];

export const EMPLOYMENT_KINDS = [
  'permanent',
  'fixed_term_6_months_or_more',
  'fixed_term_under_6_months',
  'temporary_agency',
  'iae',
  'business_creation',
  'other',
] as const;

export const REORIENTATION_MOTIVES = [
  'accompaniment_no_longer_helps',
  'relational_problem',
  'exhaustion',
  'situation_changed',
  'end_of_contract',
  'other',
] as const;

export const EXEMPTION_REASONS = [
  'health',
  'disability',
  'isolated_parent_without_childcare',
  'exceptional_situation',
  'other',
] as const;

/** Manquements (DOMAIN.md §2.8). */
export const BREACH_KINDS = [
  'unexcused_missed_appointment',
  'contract_refused',
  'contract_not_honoured',
  'activity_hours_not_done',
  'unreachable',
] as const;

/**
 * The obligations a manquement may name besides a step of the contract in
 * force (DOMAIN.md §4.1): the legal ones — being oriented, coming to the
 * appointments the référent fixes (the first one above all), signing the
 * contract — and the activity hours of the contract.
 * A contract step is named by its objective code.
 */
export const LEGAL_OBLIGATIONS = ['orientation', 'appointments', 'contract_signature'] as const;
export const ACTIVITY_HOURS_OBLIGATION = 'activity_hours';

/** Why a contract plans fewer than the legal weekly hours (loi 2023-1196; DOMAIN.md §4.2). */
export const HOURS_REDUCTION_REASONS = ['health', 'disability', 'child_care', 'relative_care'] as const;

/**
 * What the weekly hours of a contract are made of (loi 2023-1196 "pour le plein emploi": about 15 hours
 * a week of insertion actions, training, immersion, job search and steps toward health or housing).
 */
export const ACTIVITY_KINDS = [
  'insertion_action',
  'training',
  'immersion',
  'job_search',
  'health_steps',
  'housing_steps',
] as const;

/** Who recorded the hours of a week: the référent, or a partner running the activity. */
export const ACTIVITY_HOURS_SOURCES = ['referent', 'partner'] as const;

/** Why a week fell short of its plan: a justified shortfall is not a manquement. */
export const HOURS_SHORTFALL_REASONS = [
  'illness',
  'family_emergency',
  'activity_cancelled',
  'administrative_appointment',
] as const;

/** How a message reaches the person: e-mail, SMS or postal letter. */
export const MESSAGE_CHANNELS = ['email', 'sms', 'letter'] as const;

/** What the provider reports of a message: sent, delivered, failed, or bounced (the address does not exist). */
export const DELIVERY_OUTCOMES = ['sent', 'delivered', 'failed', 'bounced'] as const;

/** How a letter or an e-mail addresses the person (civilité); an SMS never names them. */
export const CIVILITIES = ['madame', 'monsieur'] as const;

/** What a reminder is about. */
export const REMINDED_KINDS = ['invitation', 'convocation'] as const;

/** Retrait (by the administration) or annulation (after a recours) of a sanction. */
export const SANCTION_WITHDRAWAL_KINDS = ['withdrawal', 'annulment'] as const;

export const EP_OPINIONS = ['sanction', 'no_sanction'] as const;
export const BREACH_DECISIONS = ['dismissed', 'suspension'] as const;
export const DEFINITIVE_KINDS = ['suppression', 'radiation'] as const;

export const EXIT_REASONS = ['employment', 'income', 'moved_out', 'death', 'sanction', 'other'] as const;

/** What the 12-month review of an équilibré parcours, with the SLAI and France Travail, concludes. */
export const BALANCED_REVIEW_OUTCOMES = ['continue', 'reorientation', 'exit_planned'] as const;

/** What the joint review of a social-track contract concludes (L262-31): the social parcours goes on, or a réorientation is proposed. */
export const JOINT_REVIEW_OUTCOMES = ['social_track_maintained', 'reorientation_proposed'] as const;

/** Why an organisme référent ends an accompaniment while the person stays in the RSA (a rupture unless a new orientation follows). */
export const INTERRUPTION_REASONS = [
  'organisation_withdrawn',
  'person_unreachable',
  'person_request',
  'other',
] as const;

/** Steps a parcours transferred from another département brings as history (informative: the legal clocks restart). */
export const TRANSFER_HISTORY_STEPS = [
  'orientation',
  'contract',
  'appointment',
  'suspension',
  'exemption',
] as const;

/** Why a person's data are erased: the end of the retention period, the person's request (RGPD art. 17), a court or CNIL decision. */
export const ERASURE_REASONS = ['retention_expired', 'person_request', 'legal_decision'] as const;
