import { BusinessDate } from './dates';

/**
 * Every number a département may set differently (DOMAIN.md §3–4), stored as
 * versions with an effective date, so that 2024's figures use 2024's rules.
 */
/**
 * Persons already in the RSA on 1 January 2025 sign a contrat d'engagement by
 * 31 December 2026 (décret n° 2024-1244 du 30 décembre 2024): dates of the
 * law, not a choice of the Département.
 */
export const LEGACY_CONTRACT_DEADLINE = { inRsaOn: '2025-01-01', dueOn: '2026-12-31' } as const;

export interface Parameters {
  /** Orientation within N weeks of entry (décret n° 2024-1244). */
  orientationLegalWeeks: number;
  /** Orientation within N months of entry (CALPAE indicator). */
  orientationCalpaeMonths: number;
  /** Orientation target of the département, in days (the alert a référent sees). */
  orientationTargetDays: number;
  /** First appointment within N days of orientation (the alert; Pas-de-Calais 15 days). */
  firstAppointmentDays: number;
  /** First appointment indicator (CALPAE "2 semaines"). */
  firstAppointmentIndicatorDays: number;
  /** First contract within N months of orientation (legal). */
  firstContractLegalMonths: number;
  /** First contract within N months of orientation (CALPAE). */
  firstContractCalpaeMonths: number;
  /** Warn N days before a contract ends (project rule). */
  contractEndWarningDays: number;
  /** An échéance is "due soon" N days before its due date (project rule; contracts use contractEndWarningDays). */
  dueSoonDays: number;
  /** Shortest and longest contract, in months. */
  contractMinMonths: number;
  contractMaxMonths: number;
  /** Weekly activity hours allowed in a contract, and the target. */
  weeklyHoursMin: number;
  weeklyHoursMax: number;
  weeklyHoursTarget: number;
  /** Review of the équilibré parcours after N months. */
  balancedReviewMonths: number;
  /** Alert after N months without a held appointment (project rule). */
  contactGapMonths: number;
  /** Accompaniment may go on N months after the end of payment. */
  accompanimentAfterExitMonths: number;
  /** Days the beneficiary has to present observations before a sanction decision (project rule). */
  observationDays: number;
  /** Whether the équipe pluridisciplinaire's opinion is required before a sanction. */
  epOpinionRequired: boolean;
  /** Suspension scale: share in % and duration in months, first and repeated manquement. */
  sanctionShareMin: number;
  sanctionShareMax: number;
  firstBreachMonthsMax: number;
  repeatedBreachMonthsMax: number;
  /** Cap on the suspended share for a household of more than one person or with the single-parent increase (R262-68-6). */
  householdShareCap: number;
  /**
   * A manquement of the same obligation within N months of a suspension decided for it is repeated
   * (L262-37 II 2°; project rule until the decree's figure is known).
   */
  repeatedBreachDelayMonths: number;
  /** Weekly activity hours a contract plans unless a reason of reduction or an exemption applies (loi 2023-1196 pour le plein emploi). */
  activityHoursLegalMin: number;
  /** Length of an intensive accompaniment, in months, and the entretiens it needs each calendar month. */
  intensiveMonths: number;
  intensiveMonthlyEntretiens: number;
  /** Joint review of a social-track contract N months after it, or after the extended delay when the situation warrants it (L262-31). */
  jointReviewMonths: number;
  jointReviewExtendedMonths: number;
  /**
   * An accompaniment interrupted without exit is a rupture unless a new orientation follows within N months
   * (project rule on the national dashboard's name).
   */
  ruptureFollowUpMonths: number;
  /** Target délai from the orientation to the start of an accompagnement global, in days (CALPAE). */
  globalStartTargetDays: number;
  /** Months the personal data of a person are kept after the end of their accompaniment, then erased (DOMAIN.md §7). */
  retentionMonthsAfterEnd: number;
  /** Portfolio caps per référent. */
  portfolioCapIntensive: number;
  portfolioCapOther: number;
  /**
   * Weeks of activity in a row recorded below the contract's hours without a reason after which the
   * référent must act (meet the person, or report the manquement), within N days (project rules).
   */
  activityShortfallWeeks: number;
  activityShortfallReactionDays: number;
  /** Whether a missed appointment becomes a manquement only when the person was convened to it (project rule). */
  breachRequiresConvocation: boolean;
  /**
   * Reminders of an invitation left unanswered N days after it (first, then second), of a convocation N days
   * before the appointment, and the days after which an unanswered invitation raises an échéance (project rules).
   */
  invitationFirstReminderDays: number;
  invitationSecondReminderDays: number;
  convocationReminderDaysBefore: number;
  invitationAnswerDays: number;
  /** How far ahead a planned date (appointment, exemption, contract or suspension start) may lie, in days (project rule). */
  maxDaysAhead: number;
}

export const DEFAULT_PARAMETERS: Parameters = {
  orientationLegalWeeks: 6,
  orientationCalpaeMonths: 1,
  orientationTargetDays: 15,
  firstAppointmentDays: 15,
  firstAppointmentIndicatorDays: 14,
  firstContractLegalMonths: 1,
  firstContractCalpaeMonths: 2,
  contractEndWarningDays: 30,
  dueSoonDays: 7,
  contractMinMonths: 1,
  contractMaxMonths: 12,
  weeklyHoursMin: 0,
  weeklyHoursMax: 35,
  weeklyHoursTarget: 15,
  balancedReviewMonths: 12,
  contactGapMonths: 3,
  accompanimentAfterExitMonths: 6,
  observationDays: 10,
  epOpinionRequired: true,
  sanctionShareMin: 30,
  sanctionShareMax: 100,
  firstBreachMonthsMax: 2,
  repeatedBreachMonthsMax: 4,
  householdShareCap: 50,
  repeatedBreachDelayMonths: 12,
  activityHoursLegalMin: 15,
  intensiveMonths: 6,
  intensiveMonthlyEntretiens: 2,
  jointReviewMonths: 6,
  jointReviewExtendedMonths: 12,
  ruptureFollowUpMonths: 1,
  globalStartTargetDays: 21,
  retentionMonthsAfterEnd: 24,
  portfolioCapIntensive: 70,
  portfolioCapOther: 250,
  maxDaysAhead: 366,
  activityShortfallWeeks: 2,
  activityShortfallReactionDays: 15,
  breachRequiresConvocation: true,
  invitationFirstReminderDays: 3,
  invitationSecondReminderDays: 7,
  convocationReminderDaysBefore: 2,
  invitationAnswerDays: 10,
};

export interface ParameterVersion {
  version: number;
  effectiveFrom: BusinessDate;
  values: Parameters;
}

/** The version in force on a date: the latest effective on or before it (the later one recorded on a tie). */
export function parameterVersionAt(
  versions: ParameterVersion[],
  date: BusinessDate,
): ParameterVersion | undefined {
  let best: ParameterVersion | undefined;
  for (const v of versions) {
    if (
      v.effectiveFrom <= date &&
      (!best ||
        v.effectiveFrom > best.effectiveFrom ||
        (v.effectiveFrom === best.effectiveFrom && v.version > best.version))
    ) {
      best = v;
    }
  }
  return best;
}

/** The values in force on a date, the defaults before any version. */
export function parametersAt(versions: ParameterVersion[], date: BusinessDate): Parameters {
  return parameterVersionAt(versions, date)?.values ?? DEFAULT_PARAMETERS;
}

/** Parameters that may take a fraction (hours); every other number is a whole count of days, weeks, months, % or persons. */
export const FRACTIONAL_PARAMETERS: ReadonlySet<keyof Parameters> = new Set<keyof Parameters>([
  'weeklyHoursMin',
  'weeklyHoursMax',
  'weeklyHoursTarget',
  'activityHoursLegalMin',
]);

export const PARAMETER_NAMES = Object.keys(DEFAULT_PARAMETERS) as (keyof Parameters)[];

export function isParameterName(key: string): key is keyof Parameters {
  return Object.hasOwn(DEFAULT_PARAMETERS, key);
}

/** The largest value a number parameter may take (a bound against typing errors, not a rule). */
export const PARAMETER_MAX = 1000;

/** What is wrong with one value taken alone (unknown name, wrong type, out of bounds), if anything. */
export function parameterTypeProblem(key: string, value: unknown): string | undefined {
  if (!isParameterName(key)) return 'paramètre inconnu';
  const def = DEFAULT_PARAMETERS[key];
  if (typeof def === 'boolean') return typeof value === 'boolean' ? undefined : 'doit être vrai ou faux';
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > PARAMETER_MAX)
    return `doit être un nombre entre 0 et ${PARAMETER_MAX}`;
  if (!FRACTIONAL_PARAMETERS.has(key) && !Number.isInteger(value)) return 'doit être un nombre entier';
  return undefined;
}

/** Checks a partial set of values; returns the problems by field (empty when valid). */
export function validateParameters(
  values: Partial<Record<keyof Parameters, unknown>>,
): Record<string, string> {
  const problems: Record<string, string> = Object.create(null);
  for (const [key, value] of Object.entries(values)) {
    const problem = parameterTypeProblem(key, value);
    if (problem) problems[key] = problem;
  }
  if (Object.keys(problems).length) return problems;
  const merged = { ...DEFAULT_PARAMETERS, ...values } as Parameters;
  if (merged.contractMinMonths > merged.contractMaxMonths)
    problems.contractMinMonths = 'ne peut dépasser contractMaxMonths';
  if (merged.weeklyHoursMin > merged.weeklyHoursMax)
    problems.weeklyHoursMin = 'ne peut dépasser weeklyHoursMax';
  if (merged.sanctionShareMin > merged.sanctionShareMax)
    problems.sanctionShareMin = 'ne peut dépasser sanctionShareMax';
  if (merged.sanctionShareMax > 100) problems.sanctionShareMax = 'ne peut dépasser 100';
  if (merged.jointReviewMonths > merged.jointReviewExtendedMonths)
    problems.jointReviewMonths = 'ne peut dépasser jointReviewExtendedMonths';
  if (merged.householdShareCap > 100) problems.householdShareCap = 'ne peut dépasser 100';
  return problems;
}

/**
 * Where each default comes from: a text (law, decree, the Département's
 * deliberations) or a project rule a Département may change. Published with
 * the parameters (GET /api/parameters) and in docs/DOMAIN.md §4.3.
 */
export const PARAMETER_SOURCES: Readonly<Record<keyof Parameters, string>> = {
  orientationLegalWeeks: 'décret n° 2024-1244 du 30 décembre 2024',
  orientationCalpaeMonths: 'indicateur CALPAE (socle d’indicateurs)',
  orientationTargetDays: 'objectif départemental (Pas-de-Calais : 15 jours)',
  firstAppointmentDays: 'objectif départemental (Pas-de-Calais : 15 jours)',
  firstAppointmentIndicatorDays: 'indicateur CALPAE (« 2 semaines »)',
  firstContractLegalMonths: 'décret n° 2024-1244 du 30 décembre 2024',
  firstContractCalpaeMonths: 'indicateur CALPAE',
  contractEndWarningDays: 'règle de projet',
  dueSoonDays: 'règle de projet',
  contractMinMonths: 'règle de projet',
  contractMaxMonths: 'règle de projet',
  weeklyHoursMin: 'règle de projet (borne de saisie)',
  weeklyHoursMax: 'règle de projet (borne de saisie)',
  weeklyHoursTarget: 'loi n° 2023-1196 pour le plein emploi (15 heures)',
  balancedReviewMonths: 'délibération départementale (parcours équilibré, revue à 12 mois)',
  contactGapMonths: 'règle de projet',
  accompanimentAfterExitMonths: 'délibération départementale (accompagnement 6 mois après la fin de droit)',
  observationDays: 'règle de projet (la loi ne fixe pas de délai)',
  epOpinionRequired: 'choix du Département (avis requis avant une suppression : L262-37 III)',
  sanctionShareMin: 'R262-68-1 (au moins 30 %)',
  sanctionShareMax: 'R262-68-1',
  firstBreachMonthsMax: 'R262-68 1°, R262-68-1 (1 ou 2 mois)',
  repeatedBreachMonthsMax: 'R262-68 2° (1 à 4 mois)',
  householdShareCap: 'R262-68-6 (50 %)',
  repeatedBreachDelayMonths: 'règle de projet (L262-37 II 2° ; délai du décret non retrouvé)',
  activityHoursLegalMin: 'loi n° 2023-1196 pour le plein emploi (15 heures)',
  intensiveMonths: 'délibération départementale (accompagnement intensif de 6 mois)',
  intensiveMonthlyEntretiens: 'délibération départementale (au moins 2 entretiens par mois)',
  jointReviewMonths: 'L262-31, D262-65-2-1 (six mois)',
  jointReviewExtendedMonths: 'L262-31 (douze mois si la situation le justifie)',
  ruptureFollowUpMonths:
    'règle de projet (tableau de bord national du réseau pour l’emploi : « ruptures d’accompagnement »)',
  globalStartTargetDays: 'indicateur CALPAE (démarrage de l’accompagnement global en moins de 3 semaines)',
  retentionMonthsAfterEnd:
    'règle de projet (référentiel CNIL sur l’accompagnement social : pas au-delà de 2 ans après la fin de l’accompagnement)',
  portfolioCapIntensive: 'délibération départementale (70 en accompagnement intensif)',
  portfolioCapOther: 'délibération départementale (150 à 250)',
  maxDaysAhead: 'règle de projet',
  activityShortfallWeeks: 'règle de projet (heures d’activité non réalisées, loi n° 2023-1196)',
  activityShortfallReactionDays: 'règle de projet',
  breachRequiresConvocation: 'règle de projet (un rendez-vous manqué n’est opposable qu’après convocation)',
  invitationFirstReminderDays: 'règle de projet',
  invitationSecondReminderDays: 'règle de projet',
  convocationReminderDaysBefore: 'règle de projet',
  invitationAnswerDays: 'règle de projet',
};
