import { addDays, addMonths, BusinessDate, daysBetween, Parameters } from '@parcours/domain';
import type { CycleFacts } from '../parcours-view/view';
import {
  accompaniedDuring,
  accompaniedOn,
  actionPositive,
  ageBand,
  ageOn,
  contractInForceOn,
  dreesOrganisationGroup,
  firstAppointment,
  firstContract,
  firstOrientation,
  inPeriod,
  mean,
  median,
  orientationOn,
  Period,
  seniorityBand,
  subjectOn,
} from './facts';

export type Breakdown = Record<string, number>;

export interface IndicatorResult {
  numerator: number | null;
  denominator: number | null;
  /** A share (0–1), a count, or a number of days, as the definition says. */
  value: number | null;
  breakdown?: Breakdown;
}

export const FAMILIES = {
  calpae: 'Stratégie pauvreté (CALPAE) — socle orientation et entrée en parcours',
  reseau_emploi: "Tableau de bord national du réseau pour l'emploi",
  cie: "Convention pour l'insertion et l'emploi — lignes des fiches action",
  equilibre: 'Parcours équilibré — qualité',
  drees: 'DREES — enquête OARSA au 31 décembre',
} as const;
export type Family = keyof typeof FAMILIES;

export type Unit = 'count' | 'share' | 'days' | 'hours' | 'per_person_month';

/**
 * One version of an indicator's written definition and of its computation.
 * A version is never edited once figures have been sent under it: a change is
 * a new version with the date from which it applies, so that last year's
 * figure stays what it was (see `versionsForPeriod`).
 */
export interface DefinitionVersion {
  version: number;
  /**
   * First business date of the periods it applies to: a period is computed
   * under the version in force on its last day, and the versions in force
   * earlier in the period are given beside it.
   */
  effectiveFrom: BusinessDate;
  label: string;
  unit: Unit;
  definition: string;
  /** What changed from the previous version, and why (absent on version 1). */
  change?: string;
  /** Parameters the definition reads, reported with each figure. */
  parameters: (keyof Parameters)[];
  /**
   * `facts` are the cycles of the group computed; `population` every cycle of
   * the report, for a definition that must see a person's other cycles.
   */
  compute(facts: CycleFacts[], period: Period, p: Parameters, population: CycleFacts[]): IndicatorResult;
}

export interface IndicatorDefinition {
  /** Stable code: a change of what is measured is a new version, not a new code. */
  code: string;
  family: Family;
  /** Oldest first; old versions stay here so that any period can be recomputed as it was. */
  versions: DefinitionVersion[];
}

/**
 * Version 1 of every definition applies from the creation of the RSA (1 June
 * 2009, loi n° 2008-1249 du 1er décembre 2008): no parcours, hence no figure,
 * is older.
 */
export const FIRST_DEFINITIONS_FROM: BusinessDate = '2009-06-01';

type FirstVersion = Omit<DefinitionVersion, 'version' | 'effectiveFrom' | 'change'> &
  Pick<IndicatorDefinition, 'code' | 'family'>;
const first = ({ code, family, ...v }: FirstVersion): IndicatorDefinition => ({
  code,
  family,
  versions: [{ version: 1, effectiveFrom: FIRST_DEFINITIONS_FROM, ...v }],
});

const count = (n: number): IndicatorResult => ({ numerator: n, denominator: null, value: n });
const share = (num: number, den: number): IndicatorResult => ({
  numerator: num,
  denominator: den,
  value: den ? num / den : null,
});
const average = (values: number[]): IndicatorResult => ({
  numerator: values.reduce((a, b) => a + b, 0),
  denominator: values.length,
  value: mean(values),
});
const middle = (values: number[]): IndicatorResult => ({
  numerator: null,
  denominator: values.length,
  value: median(values),
});
const tally = (keys: string[]): Breakdown =>
  keys.reduce<Breakdown>((b, k) => ((b[k] = (b[k] ?? 0) + 1), b), {});

/** Suspensions decided in the period, with those in progress at its end, lifted and made definitive in it. */
function suspensionsFigure(
  s: CycleFacts['suspensions'],
  period: Period,
): IndicatorResult & { breakdown: Breakdown } {
  const decided = s.filter((x) => inPeriod(x.decidedOn, period)).length;
  return {
    ...count(decided),
    breakdown: {
      decided,
      in_progress: s.filter(
        (x) =>
          x.startsOn <= period.to &&
          x.endsOn >= period.to &&
          !(x.liftedOn && x.liftedOn <= period.to) &&
          !(x.definitiveOn && x.definitiveOn <= period.to),
      ).length,
      lifted_by_remobilisation: s.filter((x) => inPeriod(x.liftedOn, period)).length,
      made_definitive: s.filter((x) => inPeriod(x.definitiveOn, period)).length,
    },
  };
}

/** The invitations sent in the period. */
const invitationsSent = (facts: CycleFacts[], period: Period) =>
  facts.flatMap((c) => (c.invitations ?? []).filter((i) => inPeriod(i.sentOn, period)));

/** The weeks of activity recorded with their Monday in the period: hours planned (the contract's) and done. */
const activityWeeks = (facts: CycleFacts[], period: Period) =>
  once(facts, periodKey('activityWeeks', period), () =>
    facts.flatMap((c) =>
      c.contracts.flatMap((k) =>
        (k.weeks ?? [])
          .filter((w) => inPeriod(w.weekOf, period))
          .map((w) => ({ planned: k.weeklyHours, done: w.hours })),
      ),
    ),
  );

/**
 * The subsets several definitions ask of the same cycles for the same period
 * (new entrants, the stock, the accompanied…), computed once per report and
 * group: keyed by the group's array, forgotten with it. Callers never modify
 * what they get.
 */
const subsets = new WeakMap<CycleFacts[], Map<string, unknown>>();
function once<T>(facts: CycleFacts[], key: string, compute: () => T): T {
  let known = subsets.get(facts);
  if (!known) subsets.set(facts, (known = new Map()));
  if (!known.has(key)) known.set(key, compute());
  return known.get(key) as T;
}
const periodKey = (name: string, period: Period, ...more: unknown[]) =>
  [name, period.from, period.to, ...more].join('|');

const newEntrants = (facts: CycleFacts[], period: Period) =>
  once(facts, periodKey('newEntrants', period), () => facts.filter((c) => inPeriod(c.enteredOn, period)));
const entryToOrientation = (facts: CycleFacts[], period: Period) =>
  newEntrants(facts, period)
    .filter((c) => firstOrientation(c))
    .map((c) => daysBetween(c.enteredOn, firstOrientation(c)!.notifiedOn));
const firstOrientedIn = (facts: CycleFacts[], period: Period) =>
  once(facts, periodKey('firstOrientedIn', period), () =>
    facts.filter((c) => inPeriod(firstOrientation(c)?.notifiedOn, period)),
  );
const outsideFranceTravail = (facts: CycleFacts[], period: Period) =>
  firstOrientedIn(facts, period).filter((c) => firstOrientation(c)!.organisationKind !== 'france_travail');
const registrationToContract = (facts: CycleFacts[], period: Period) =>
  facts
    .filter((c) => inPeriod(firstContract(c)?.signedOn, period))
    .map((c) => daysBetween(c.franceTravailRegisteredOn ?? c.enteredOn, firstContract(c)!.signedOn));
const stock = (facts: CycleFacts[], period: Period, p: Parameters) =>
  once(facts, periodKey('stock', period, p.accompanimentAfterExitMonths), () =>
    facts.filter((c) => accompaniedOn(c, period.to, p.accompanimentAfterExitMonths)),
  );
const accompanied = (facts: CycleFacts[], period: Period, p: Parameters) =>
  once(facts, periodKey('accompanied', period, p.accompanimentAfterExitMonths), () =>
    facts.filter((c) => accompaniedDuring(c, period, p.accompanimentAfterExitMonths)),
  );
const contractsInForce = (facts: CycleFacts[], period: Period) =>
  facts.map((c) => contractInForceOn(c, period.to)).filter((k) => k !== undefined);
const balancedOrientedIn = (facts: CycleFacts[], period: Period) =>
  firstOrientedIn(facts, period).filter((c) => firstOrientation(c)!.track === 'socio_professional');
const subjects = (facts: CycleFacts[], period: Period) =>
  once(facts, periodKey('subjects', period), () => facts.filter((c) => subjectOn(c, period.to)));
const oriented = (facts: CycleFacts[], period: Period) =>
  once(facts, periodKey('oriented', period), () =>
    subjects(facts, period).filter((c) => orientationOn(c, period.to)),
  );
const trackAndOrganisationAtEnd = (period: Period) => (c: CycleFacts) => {
  const o = orientationOn(c, period.to)!;
  return `${o.track}/${o.organisationKind}`;
};
/**
 * The cycles in accompaniment at the end of the period, one per person (a
 * person = a parcours): the most recent, chosen over the whole population so
 * that a person whose cycles fall in two groups counts in one only.
 */
function onePerPerson(
  f: CycleFacts[],
  period: Period,
  p: Parameters,
  population: CycleFacts[],
): CycleFacts[] {
  const latest = new Map<string, number>();
  for (const c of stock(population, period, p))
    latest.set(c.parcoursId, Math.max(latest.get(c.parcoursId) ?? 0, c.cycle));
  const counted = new Set<string>();
  return stock(f, period, p).filter(
    (c) => latest.get(c.parcoursId) === c.cycle && !counted.has(c.parcoursId) && counted.add(c.parcoursId),
  );
}
/** Of the cycles in stock, those oriented for at least contactGapMonths, and among them those with no appointment held since. */
function withoutRecentContact(f: CycleFacts[], period: Period, p: Parameters, inStock: CycleFacts[]) {
  const since = addMonths(period.to, -p.contactGapMonths);
  const eligible = inStock.filter((c) => firstOrientation(c)!.notifiedOn <= since);
  return {
    eligible,
    without: eligible.filter(
      (c) => !c.appointments.some((a) => a.heldOn && a.heldOn > since && a.heldOn <= period.to),
    ),
  };
}

/**
 * An accompaniment interrupted in the period (the person stays in the RSA)
 * with no new orientation within the following months (DOMAIN.md §5.2).
 */
function interruptedWithoutFollowUp(c: CycleFacts, period: Period, months: number): boolean {
  return (c.interruptions ?? []).some((i) => {
    if (!inPeriod(i.on, period)) return false;
    const next = c.orientations[i.afterOrientations];
    return !next || next.notifiedOn > addMonths(i.on, months);
  });
}

/** The accompagnements globaux of the cycles: each with its cycle, for the CALPAE rows (S002). */
const globalAccompaniments = (facts: CycleFacts[]) =>
  once(facts, 'globalAccompaniments', () =>
    facts.flatMap((c) => (c.globalAccompaniments ?? []).map((g) => ({ c, g }))),
  );
const globalInProgress = (facts: CycleFacts[], period: Period, p: Parameters) =>
  globalAccompaniments(facts).filter(
    ({ c, g }) =>
      g.startedOn &&
      g.startedOn <= period.to &&
      !(g.endedOn && g.endedOn <= period.to) &&
      accompaniedOn(c, period.to, p.accompanimentAfterExitMonths),
  );

/** Action entries of the period, with whether the person reached a positive outcome during it or within 6 months after. */
function actionEntries(facts: CycleFacts[], period: Period) {
  return once(facts, periodKey('actionEntries', period), () => actionEntriesOf(facts, period));
}
function actionEntriesOf(facts: CycleFacts[], period: Period) {
  return facts.flatMap((c) =>
    c.prescriptions
      .filter((x) => inPeriod(x.enteredOn, period))
      .map((x) => ({ dispositif: x.dispositifCode, positive: actionPositive(c, x) })),
  );
}

/** Every indicator of DOMAIN.md §5.1–5.5 the product computes, each with the versions of its written definition. */
export const INDICATORS: IndicatorDefinition[] = [
  first({
    code: 'calpae.new_entrants',
    family: 'calpae',
    label: 'Nouveaux entrants',
    unit: 'count',
    parameters: [],
    definition:
      "Cycles dont la date d'entrée (transmission CAF) est dans la période ; une réentrée après une sortie compte.",
    compute: (f, period) => count(newEntrants(f, period).length),
  }),
  first({
    code: 'calpae.oriented_within_1_month',
    family: 'calpae',
    label: 'Nouveaux entrants orientés en moins d’un mois',
    unit: 'share',
    parameters: ['orientationCalpaeMonths'],
    definition:
      'Parmi les nouveaux entrants de la période, ceux dont la première orientation du ' +
      "cycle est notifiée au plus tard à l'entrée + 1 mois (quantième, fin de mois).",
    compute: (f, period, p) => {
      const entrants = newEntrants(f, period);
      return share(
        entrants.filter(
          (c) =>
            firstOrientation(c) &&
            firstOrientation(c)!.notifiedOn <= addMonths(c.enteredOn, p.orientationCalpaeMonths),
        ).length,
        entrants.length,
      );
    },
  }),
  first({
    code: 'calpae.entry_to_orientation_days_mean',
    family: 'calpae',
    label: 'Délai moyen entrée → orientation',
    unit: 'days',
    parameters: [],
    definition:
      "Parmi les nouveaux entrants de la période déjà orientés : jours de l'entrée à la première orientation ; moyenne.",
    compute: (f, period) => average(entryToOrientation(f, period)),
  }),
  first({
    code: 'calpae.entry_to_orientation_days_median',
    family: 'calpae',
    label: 'Délai médian entrée → orientation',
    unit: 'days',
    parameters: [],
    definition:
      "Parmi les nouveaux entrants de la période déjà orientés : jours de l'entrée à la première orientation ; médiane.",
    compute: (f, period) => middle(entryToOrientation(f, period)),
  }),
  first({
    code: 'calpae.first_appointments_fixed',
    family: 'calpae',
    label: 'Premiers rendez-vous fixés (hors France Travail)',
    unit: 'share',
    parameters: [],
    definition:
      'Premières orientations notifiées dans la période vers un organisme autre que ' +
      'France Travail dont le premier rendez-vous (le plus tôt fixé après ' +
      "l'orientation) existe.",
    compute: (f, period) => {
      const orientedOut = outsideFranceTravail(f, period);
      return share(orientedOut.filter((c) => firstAppointment(c)).length, orientedOut.length);
    },
  }),
  first({
    code: 'calpae.first_appointments_within_2_weeks',
    family: 'calpae',
    label: 'Premiers rendez-vous fixés à moins de 2 semaines',
    unit: 'share',
    parameters: ['firstAppointmentIndicatorDays'],
    definition:
      'Parmi les premiers rendez-vous fixés (indicateur précédent), ceux fixés à une ' +
      "date au plus 14 jours après l'orientation, qu'ils aient eu lieu ou non.",
    compute: (f, period, p) => {
      const withAppointment = outsideFranceTravail(f, period).filter((c) => firstAppointment(c));
      return share(
        withAppointment.filter(
          (c) =>
            firstAppointment(c)!.scheduledFor <=
            addDays(firstOrientation(c)!.notifiedOn, p.firstAppointmentIndicatorDays),
        ).length,
        withAppointment.length,
      );
    },
  }),
  first({
    code: 'calpae.first_contracts',
    family: 'calpae',
    label: 'Premiers contrats signés (hors renouvellements)',
    unit: 'count',
    parameters: [],
    definition: 'Premiers contrats d’un cycle signés dans la période.',
    compute: (f, period) => count(f.filter((c) => inPeriod(firstContract(c)?.signedOn, period)).length),
  }),
  first({
    code: 'calpae.first_contracts_within_2_months',
    family: 'calpae',
    label: 'Premiers contrats signés dans les 2 mois de l’orientation',
    unit: 'share',
    parameters: ['firstContractCalpaeMonths'],
    definition:
      "Premières orientations notifiées dans la période dont le premier contrat du cycle est signé au plus tard à l'orientation + 2 mois.",
    compute: (f, period, p) => {
      const first = firstOrientedIn(f, period);
      return share(
        first.filter(
          (c) =>
            firstContract(c) &&
            firstContract(c)!.signedOn <=
              addMonths(firstOrientation(c)!.notifiedOn, p.firstContractCalpaeMonths),
        ).length,
        first.length,
      );
    },
  }),
  first({
    code: 'calpae.orientations_flow',
    family: 'calpae',
    label: 'Orientations et réorientations par parcours et organisme',
    unit: 'count',
    parameters: [],
    definition:
      'Orientations et réorientations notifiées dans la période ; détail par parcours et type d’organisme.',
    compute: (f, period) => {
      const keys = f.flatMap((c) =>
        c.orientations
          .filter((o) => inPeriod(o.notifiedOn, period))
          .map((o) => `${o.track}/${o.organisationKind}`),
      );
      return { ...count(keys.length), breakdown: tally(keys) };
    },
  }),
  first({
    code: 'calpae.global_accompaniment_orientations',
    family: 'calpae',
    label: 'Orientations vers l’accompagnement global',
    unit: 'count',
    parameters: [],
    definition:
      "Orientations vers l'accompagnement global (binôme conseiller France Travail et travailleur social) décidées dans la période.",
    compute: (f, period) =>
      count(globalAccompaniments(f).filter(({ g }) => inPeriod(g.orientedOn, period)).length),
  }),
  first({
    code: 'calpae.global_accompaniment_stock',
    family: 'calpae',
    label: 'Personnes en accompagnement global (stock)',
    unit: 'count',
    parameters: ['accompanimentAfterExitMonths'],
    definition:
      "À la fin de la période : personnes en accompagnement dont l'accompagnement global a démarré et n'est pas terminé.",
    compute: (f, period, p) =>
      count(new Set(globalInProgress(f, period, p).map(({ c }) => c.parcoursId)).size),
  }),
  first({
    code: 'calpae.global_accompaniment_persons_per_binome',
    family: 'calpae',
    label: 'Personnes accompagnées par binôme d’accompagnement global',
    unit: 'count',
    parameters: ['accompanimentAfterExitMonths'],
    definition:
      'À la fin de la période : personnes en accompagnement global rapportées au nombre ' +
      'de binômes qui en suivent au moins une (objectif : 70 par binôme).',
    compute: (f, period, p) => {
      const inProgress = globalInProgress(f, period, p);
      const binomes = new Set(inProgress.map(({ g }) => g.binomeId));
      return {
        numerator: inProgress.length,
        denominator: binomes.size,
        value: binomes.size ? inProgress.length / binomes.size : null,
      };
    },
  }),
  first({
    code: 'calpae.global_accompaniment_days_to_start',
    family: 'calpae',
    label: 'Délai moyen de démarrage de l’accompagnement global',
    unit: 'days',
    parameters: ['globalStartTargetDays'],
    definition:
      "Accompagnements globaux démarrés dans la période : jours de l'orientation vers " +
      "l'accompagnement global au démarrage ; moyenne (objectif : moins de 3 semaines). " +
      "Détail : démarrés dans l'objectif.",
    compute: (f, period, p) => {
      const delays = globalAccompaniments(f)
        .filter(({ g }) => inPeriod(g.startedOn, period))
        .map(({ g }) => daysBetween(g.orientedOn, g.startedOn!));
      return {
        ...average(delays),
        breakdown: {
          within_target: delays.filter((d) => d <= p.globalStartTargetDays).length,
          started: delays.length,
        },
      };
    },
  }),
  {
    code: 'calpae.persons_in_accompaniment',
    family: 'calpae',
    versions: [
      {
        version: 1,
        effectiveFrom: FIRST_DEFINITIONS_FROM,
        label: 'Personnes en accompagnement (stock) par parcours et organisme',
        unit: 'count',
        parameters: ['accompanimentAfterExitMonths'],
        definition:
          'À la fin de la période : cycles orientés, non sortis, ou sortis depuis moins de ' +
          "6 mois sans fin d'accompagnement ; détail par parcours et type d'organisme.",
        compute: (f, period, p) => {
          const s = stock(f, period, p);
          return { ...count(s.length), breakdown: tally(s.map(trackAndOrganisationAtEnd(period))) };
        },
      },
      {
        // From the start of a reporting year (DOMAIN.md §5.6: the CALPAE matrix is filled in yearly), so that a year's
        // figures stand under one definition and the 2025 figures already sent stay those of version 1.
        version: 2,
        effectiveFrom: '2026-01-01',
        label: 'Personnes en accompagnement (stock) par parcours et organisme',
        unit: 'count',
        parameters: ['accompanimentAfterExitMonths'],
        definition:
          'À la fin de la période : personnes (une personne = un parcours) dont un cycle ' +
          'est orienté et non sorti, ou sorti depuis moins de 6 mois sans fin ' +
          "d'accompagnement. " +
          'Une personne compte une fois, même quand une sortie et une réentrée tombent dans ' +
          'la période, au titre de son cycle le plus récent en accompagnement ; ' +
          "détail par parcours et type d'organisme de ce cycle.",
        change:
          'La version 1 comptait des cycles : une personne sortie puis réentrée comptait ' +
          'deux fois (le cycle sorti, encore accompagné dans les 6 mois, et le nouveau). ' +
          "Elle compte désormais une fois, y compris d'un groupe à l'autre (territoire, organisme, référent).",
        compute: (f, period, p, population) => {
          const s = onePerPerson(f, period, p, population);
          return { ...count(s.length), breakdown: tally(s.map(trackAndOrganisationAtEnd(period))) };
        },
      },
    ],
  },
  first({
    code: 'reseau_emploi.public_description',
    family: 'reseau_emploi',
    label: 'Description des publics accompagnés',
    unit: 'count',
    parameters: ['accompanimentAfterExitMonths'],
    definition:
      "Personnes en accompagnement à la fin de la période, par sexe, tranche d'âge, " +
      'type de foyer, ancienneté dans le RSA, parcours et territoire.',
    compute: (f, period, p) => {
      const s = stock(f, period, p);
      const keys = s.flatMap((c) => [
        `sex:${c.sex}`,
        `age:${ageBand(ageOn(c.birthDate, period.to))}`,
        `household:${c.householdType}`,
        `seniority:${seniorityBand(c.enteredOn, period.to)}`,
        `track:${orientationOn(c, period.to)!.track}`,
        `territory:${c.territory}`,
      ]);
      return { ...count(s.length), breakdown: tally(keys) };
    },
  }),
  first({
    code: 'reseau_emploi.registration_to_contract_days_mean',
    family: 'reseau_emploi',
    label: 'Délai moyen inscription → contrat d’engagement',
    unit: 'days',
    parameters: [],
    definition:
      "Premiers contrats signés dans la période : jours de l'inscription à France " +
      "Travail (ou de l'entrée, si l'inscription est inconnue) à la signature ; " +
      'moyenne.',
    compute: (f, period) => average(registrationToContract(f, period)),
  }),
  first({
    code: 'reseau_emploi.registration_to_contract_days_median',
    family: 'reseau_emploi',
    label: 'Délai médian inscription → contrat d’engagement',
    unit: 'days',
    parameters: [],
    definition:
      "Premiers contrats signés dans la période : jours de l'inscription à France Travail (ou de l'entrée) à la signature ; médiane.",
    compute: (f, period) => middle(registrationToContract(f, period)),
  }),
  first({
    code: 'reseau_emploi.reorientations',
    family: 'reseau_emploi',
    label: 'Réorientations au cours de l’accompagnement',
    unit: 'share',
    parameters: ['accompanimentAfterExitMonths'],
    definition:
      'Réorientations décidées dans la période, rapportées aux personnes accompagnées ' +
      'dans la période ; détail parcours de départ → parcours d’arrivée.',
    compute: (f, period, p) => {
      const moves = f.flatMap((c) =>
        c.orientations
          .map((o, i) => ({ o, from: c.orientations[i - 1] }))
          .filter(({ o, from }) => o.reorientation && from && inPeriod(o.notifiedOn, period))
          .map(({ o, from }) => `${from!.track}->${o.track}`),
      );
      return { ...share(moves.length, accompanied(f, period, p).length), breakdown: tally(moves) };
    },
  }),
  {
    code: 'reseau_emploi.ruptures',
    family: 'reseau_emploi',
    versions: [
      {
        version: 1,
        effectiveFrom: FIRST_DEFINITIONS_FROM,
        label: 'Ruptures d’accompagnement',
        unit: 'share',
        parameters: ['contactGapMonths', 'accompanimentAfterExitMonths'],
        definition:
          'Personnes en accompagnement à la fin de la période, orientées depuis au moins 3 ' +
          'mois, sans aucun rendez-vous tenu dans les 3 derniers mois.',
        compute: (f, period, p) => {
          const eligible = withoutRecentContact(f, period, p, stock(f, period, p));
          return share(eligible.without.length, eligible.eligible.length);
        },
      },
      {
        // From the next reporting year: the dashboard's 2026 figures already sent stay those of version 1.
        version: 2,
        effectiveFrom: '2027-01-01',
        label: 'Ruptures d’accompagnement',
        unit: 'share',
        parameters: ['contactGapMonths', 'ruptureFollowUpMonths', 'accompanimentAfterExitMonths'],
        definition:
          'Personnes (une personne = un parcours) accompagnées dans la période dont ' +
          'l’accompagnement a été interrompu dans la période sans sortie du RSA ' +
          'et sans nouvelle orientation dans le mois qui suit, ou qui, en accompagnement à ' +
          'la fin de la période et orientées depuis au moins 3 mois, ' +
          "n'ont tenu aucun rendez-vous dans les 3 derniers mois ; rapportées aux personnes accompagnées dans la période. " +
          'Détail : interruptions sans suite, absences de rendez-vous (une personne peut figurer dans les deux).',
        change:
          'La version 1 ne comptait que la seconde moitié de la définition du tableau de ' +
          'bord (pas de rendez-vous depuis 3 mois), rapportée au stock orienté depuis 3 ' +
          'mois. ' +
          'Elle compte désormais aussi les accompagnements interrompus sans sortie du RSA ' +
          'ni réorientation dans le mois, et rapporte les personnes aux personnes ' +
          'accompagnées dans la période.',
        compute: (f, period, p) => {
          const persons = (cs: CycleFacts[]) => new Set(cs.map((c) => c.parcoursId));
          const accompaniedPersons = persons(accompanied(f, period, p));
          const interrupted = persons(
            f.filter(
              (c) =>
                interruptedWithoutFollowUp(c, period, p.ruptureFollowUpMonths) &&
                accompaniedPersons.has(c.parcoursId),
            ),
          );
          const noContact = persons(withoutRecentContact(f, period, p, stock(f, period, p)).without);
          const ruptures = new Set([...interrupted, ...noContact]);
          return {
            ...share(ruptures.size, accompaniedPersons.size),
            breakdown: { interrupted_without_follow_up: interrupted.size, no_appointment: noContact.size },
          };
        },
      },
    ],
  },
  first({
    code: 'reseau_emploi.offer_prescribed',
    family: 'reseau_emploi',
    label: 'Mobilisation de l’offre : au moins une prescription',
    unit: 'share',
    parameters: ['accompanimentAfterExitMonths'],
    definition:
      'Part des personnes accompagnées dans la période ayant au moins une prescription sur une action d’insertion dans la période.',
    compute: (f, period, p) => {
      const a = accompanied(f, period, p);
      return share(
        a.filter((c) => c.prescriptions.some((x) => inPeriod(x.prescribedOn, period))).length,
        a.length,
      );
    },
  }),
  first({
    code: 'reseau_emploi.offer_entered',
    family: 'reseau_emploi',
    label: 'Mobilisation de l’offre : au moins une entrée en action',
    unit: 'share',
    parameters: ['accompanimentAfterExitMonths'],
    definition:
      'Part des personnes accompagnées dans la période entrées dans au moins une action d’insertion dans la période.',
    compute: (f, period, p) => {
      const a = accompanied(f, period, p);
      return share(
        a.filter((c) => c.prescriptions.some((x) => inPeriod(x.enteredOn, period))).length,
        a.length,
      );
    },
  }),
  first({
    code: 'reseau_emploi.barrier_persistence',
    family: 'reseau_emploi',
    label: 'Persistance des freins à 6 mois',
    unit: 'share',
    parameters: [],
    definition:
      'Freins constatés au diagnostic dont le terme de 6 mois tombe dans la période : part de ceux encore ouverts à ce terme.',
    compute: (f, period) => {
      const due = f.flatMap((c) => c.barriers).filter((b) => inPeriod(addMonths(b.recordedOn, 6), period));
      return share(
        due.filter((b) => !b.liftedOn || b.liftedOn > addMonths(b.recordedOn, 6)).length,
        due.length,
      );
    },
  }),
  first({
    code: 'reseau_emploi.employment_access',
    family: 'reseau_emploi',
    label: 'Taux d’accès à l’emploi',
    unit: 'share',
    parameters: ['accompanimentAfterExitMonths'],
    definition: "Part des personnes accompagnées dans la période ayant une reprise d'emploi dans la période.",
    compute: (f, period, p) => {
      const a = accompanied(f, period, p);
      return share(a.filter((c) => c.employmentStarts.some((d) => inPeriod(d, period))).length, a.length);
    },
  }),
  {
    code: 'reseau_emploi.in_employment_at_end',
    family: 'reseau_emploi',
    versions: [
      {
        version: 1,
        effectiveFrom: FIRST_DEFINITIONS_FROM,
        label: 'Taux de présence en emploi à la fin de la période',
        unit: 'share',
        parameters: ['accompanimentAfterExitMonths'],
        definition:
          "Part des personnes accompagnées dans la période dont une reprise d'emploi du " +
          "cycle est antérieure ou égale à la fin de la période (la fin d'emploi n'est pas " +
          'encore transmise).',
        compute: (f, period, p) => {
          const a = accompanied(f, period, p);
          return share(a.filter((c) => c.employmentStarts.some((d) => d <= period.to)).length, a.length);
        },
      },
      {
        // From the next reporting year, as the other changes of 2027: figures already sent stay those of version 1.
        version: 2,
        effectiveFrom: '2027-01-01',
        label: 'Taux de présence en emploi à la fin de la période',
        unit: 'share',
        parameters: ['accompanimentAfterExitMonths'],
        definition:
          'Part des personnes accompagnées dans la période qui, le dernier jour de la ' +
          'période, occupent un emploi repris pendant le cycle : ' +
          "commencé au plus tard ce jour-là et dont la fin (flux France Travail ou saisie du référent) n'est pas antérieure.",
        change:
          "La version 1 tenait tout emploi repris pour durable, faute de fin d'emploi " +
          "transmise ; les fins d'emploi sont désormais enregistrées.",
        compute: (f, period, p) => {
          const a = accompanied(f, period, p);
          const employedOn = (c: CycleFacts, day: BusinessDate) =>
            (c.employments ?? []).some(
              (x) => x.startedOn <= day && (x.endedOn === undefined || x.endedOn >= day),
            );
          return share(a.filter((c) => employedOn(c, period.to)).length, a.length);
        },
      },
    ],
  },
  first({
    code: 'reseau_emploi.weekly_hours_mean',
    family: 'reseau_emploi',
    label: 'Intensité : heures hebdomadaires prévues (moyenne)',
    unit: 'hours',
    parameters: [],
    definition:
      'Contrats en vigueur à la fin de la période : moyenne des heures d’activité hebdomadaires prévues.',
    compute: (f, period) => average(contractsInForce(f, period).map((k) => k!.weeklyHours)),
  }),
  first({
    code: 'reseau_emploi.weekly_hours_target_share',
    family: 'reseau_emploi',
    label: 'Intensité : part des contrats à 15 heures ou plus',
    unit: 'share',
    parameters: ['weeklyHoursTarget'],
    definition:
      'Contrats en vigueur à la fin de la période : part de ceux dont les heures hebdomadaires atteignent la cible (15 h).',
    compute: (f, period, p) => {
      const k = contractsInForce(f, period);
      return share(k.filter((x) => x!.weeklyHours >= p.weeklyHoursTarget).length, k.length);
    },
  }),
  first({
    code: 'reseau_emploi.activity_plan_15h_share',
    family: 'reseau_emploi',
    label: 'Contrats dotés d’un plan d’activité d’au moins 15 heures',
    unit: 'share',
    parameters: ['weeklyHoursTarget'],
    definition:
      'Parmi les contrats en cours le dernier jour de la période, part de ceux dont le plan d’activité, ' +
      'établi au plus tard ce jour-là, totalise au moins weeklyHoursTarget heures par semaine (loi 2023-1196 ; ' +
      'le plan fait toujours les heures du contrat).',
    compute: (f, period, p) => {
      const k = contractsInForce(f, period);
      return share(
        k.filter((x) => x!.planSetOn && x!.planSetOn <= period.to && x!.weeklyHours >= p.weeklyHoursTarget)
          .length,
        k.length,
      );
    },
  }),
  first({
    code: 'reseau_emploi.activity_hours_planned_mean',
    family: 'reseau_emploi',
    label: 'Heures d’activité prévues par personne et par semaine (moyenne)',
    unit: 'hours',
    parameters: [],
    definition:
      'Moyenne, sur les semaines dont les heures ont été déclarées et dont le lundi est dans la période, ' +
      'des heures prévues au contrat pour la semaine (une semaine déclarée = une personne une semaine).',
    compute: (f, period) => average(activityWeeks(f, period).map((w) => w.planned)),
  }),
  first({
    code: 'reseau_emploi.activity_hours_planned_median',
    family: 'reseau_emploi',
    label: 'Heures d’activité prévues par personne et par semaine (médiane)',
    unit: 'hours',
    parameters: [],
    definition: 'Médiane des heures prévues, sur les mêmes semaines que la moyenne.',
    compute: (f, period) => middle(activityWeeks(f, period).map((w) => w.planned)),
  }),
  first({
    code: 'reseau_emploi.activity_hours_done_mean',
    family: 'reseau_emploi',
    label: 'Heures d’activité réalisées par personne et par semaine (moyenne)',
    unit: 'hours',
    parameters: [],
    definition:
      'Moyenne des heures réalisées déclarées (dernière déclaration de la semaine), sur les semaines dont le lundi est dans la période.',
    compute: (f, period) => average(activityWeeks(f, period).map((w) => w.done)),
  }),
  first({
    code: 'reseau_emploi.activity_hours_done_median',
    family: 'reseau_emploi',
    label: 'Heures d’activité réalisées par personne et par semaine (médiane)',
    unit: 'hours',
    parameters: [],
    definition: 'Médiane des heures réalisées, sur les mêmes semaines que la moyenne.',
    compute: (f, period) => middle(activityWeeks(f, period).map((w) => w.done)),
  }),
  first({
    code: 'reseau_emploi.activity_weeks_fully_done',
    family: 'reseau_emploi',
    label: 'Semaines d’activité entièrement réalisées',
    unit: 'share',
    parameters: [],
    definition:
      'Parmi les semaines déclarées dont le lundi est dans la période, part de celles dont les heures réalisées ' +
      'atteignent les heures prévues ; une semaine en dessous avec un motif reste une semaine non entièrement réalisée ' +
      '(le motif écarte le manquement, pas l’écart).',
    compute: (f, period) => {
      const weeks = activityWeeks(f, period);
      return share(weeks.filter((w) => w.done >= w.planned).length, weeks.length);
    },
  }),
  first({
    code: 'reseau_emploi.invitation_response_rate',
    family: 'reseau_emploi',
    label: 'Invitations suivies d’un rendez-vous dans le délai',
    unit: 'share',
    parameters: ['invitationAnswerDays'],
    definition:
      'Parmi les invitations à un premier rendez-vous envoyées dans la période, part de celles suivies d’un ' +
      'rendez-vous fixé dans les invitationAnswerDays jours.',
    compute: (f, period, p) => {
      const sent = invitationsSent(f, period);
      return share(
        sent.filter((i) => i.answeredOn && daysBetween(i.sentOn, i.answeredOn) <= p.invitationAnswerDays)
          .length,
        sent.length,
      );
    },
  }),
  first({
    code: 'reseau_emploi.invitation_response_days_mean',
    family: 'reseau_emploi',
    label: 'Délai moyen de réponse à une invitation',
    unit: 'days',
    parameters: [],
    definition:
      'Pour les invitations envoyées dans la période et suivies d’un rendez-vous fixé, nombre moyen de jours ' +
      'entre l’invitation et le jour où le rendez-vous a été fixé.',
    compute: (f, period) =>
      average(
        invitationsSent(f, period)
          .filter((i) => i.answeredOn)
          .map((i) => daysBetween(i.sentOn, i.answeredOn!)),
      ),
  }),
  first({
    code: 'reseau_emploi.no_show_after_convocation',
    family: 'reseau_emploi',
    label: 'Absences aux rendez-vous convoqués',
    unit: 'share',
    parameters: [],
    definition:
      'Parmi les rendez-vous convoqués dont la date est dans la période et qui ont eu lieu ou ont été manqués ' +
      '(les annulés écartés), part des rendez-vous manqués, avec ou sans motif légitime.',
    compute: (f, period) => {
      const convened = f.flatMap((c) =>
        (c.convocations ?? [])
          .map((k) => c.appointments.find((a) => a.id === k.appointmentId))
          .filter((a) => a && inPeriod(a.scheduledFor, period) && (a.heldOn || a.missedOn)),
      );
      return share(convened.filter((a) => a!.missedOn).length, convened.length);
    },
  }),
  first({
    code: 'reseau_emploi.meetings_per_person_month',
    family: 'reseau_emploi',
    label: 'Intensité : entretiens par personne et par mois',
    unit: 'per_person_month',
    parameters: ['accompanimentAfterExitMonths'],
    definition:
      'Rendez-vous tenus dans la période, rapportés aux personnes accompagnées dans la ' +
      'période et au nombre de mois de la période (jours / 30,4375).',
    compute: (f, period, p) => {
      const a = accompanied(f, period, p);
      const held = a.flatMap((c) => c.appointments).filter((x) => inPeriod(x.heldOn, period)).length;
      const months = (daysBetween(period.from, period.to) + 1) / 30.4375;
      return { numerator: held, denominator: a.length, value: a.length ? held / a.length / months : null };
    },
  }),
  {
    code: 'reseau_emploi.suspensions',
    family: 'reseau_emploi',
    versions: [
      {
        version: 1,
        effectiveFrom: FIRST_DEFINITIONS_FROM,
        label: 'Non-versement du RSA (suspensions-remobilisation)',
        unit: 'count',
        parameters: [],
        definition:
          'Suspensions décidées dans la période ; détail : décidées, en cours à la fin de ' +
          'la période, levées par remobilisation, rendues définitives dans la période.',
        compute: (f, period) =>
          suspensionsFigure(
            f.flatMap((c) => c.suspensions),
            period,
          ),
      },
      {
        // From the next reporting year: the dashboard's 2026 figures already sent stay those of version 1.
        version: 2,
        effectiveFrom: '2027-01-01',
        label: 'Non-versement du RSA (suspensions-remobilisation)',
        unit: 'count',
        parameters: [],
        definition:
          'Suspensions décidées dans la période, hors sanctions retirées ou annulées ' +
          '(L262-47) ; détail : décidées, en cours à la fin de la période, ' +
          'levées par remobilisation, rendues définitives dans la période, retirées ou annulées dans la période.',
        change:
          'La version 1 comptait aussi les sanctions retirées ou annulées après recours : ' +
          'une sanction annulée ne compte plus comme sanction.',
        compute: (f, period) => {
          const all = f.flatMap((c) => c.suspensions);
          const figure = suspensionsFigure(
            all.filter((x) => !x.withdrawnOn),
            period,
          );
          return {
            ...figure,
            breakdown: {
              ...figure.breakdown,
              withdrawn: all.filter((x) => inPeriod(x.withdrawnOn, period)).length,
            },
          };
        },
      },
    ],
  },
  first({
    code: 'cie.action_beneficiaries',
    family: 'cie',
    label: 'Personnes bénéficiaires des actions (dont BRSA)',
    unit: 'count',
    parameters: [],
    definition:
      "Entrées en action d'insertion dans la période, par dispositif ; toutes les personnes suivies sont bénéficiaires du RSA.",
    compute: (f, period) => {
      const e = actionEntries(f, period);
      return { ...count(e.length), breakdown: tally(e.map((x) => x.dispositif)) };
    },
  }),
  first({
    code: 'cie.action_positive_outcome',
    family: 'cie',
    label: 'Accès à l’emploi, la formation, l’IAE, une immersion ou levée d’un frein',
    unit: 'share',
    parameters: [],
    definition:
      "Entrées en action dans la période dont la personne a accédé à l'emploi, à une " +
      "formation, à l'IAE, à une immersion, ou a levé au moins un frein, pendant " +
      "l'action ou dans les 6 mois suivant sa fin ; détail par dispositif (nombre de " +
      'réussites).',
    compute: (f, period) => {
      const e = actionEntries(f, period);
      return {
        ...share(e.filter((x) => x.positive).length, e.length),
        breakdown: tally(e.filter((x) => x.positive).map((x) => x.dispositif)),
      };
    },
  }),
  first({
    code: 'equilibre.first_appointment_within_15_days',
    family: 'equilibre',
    label: 'Respect des 15 jours pour le premier rendez-vous',
    unit: 'share',
    parameters: ['firstAppointmentDays'],
    definition:
      'Premières orientations socio-professionnelles notifiées dans la période dont un rendez-vous est tenu au plus 15 jours après.',
    compute: (f, period, p) => {
      const b = balancedOrientedIn(f, period);
      return share(
        b.filter((c) =>
          c.appointments.some(
            (a) =>
              a.heldOn &&
              a.heldOn >= firstOrientation(c)!.notifiedOn &&
              a.heldOn <= addDays(firstOrientation(c)!.notifiedOn, p.firstAppointmentDays),
          ),
        ).length,
        b.length,
      );
    },
  }),
  first({
    code: 'equilibre.contract_rate',
    family: 'equilibre',
    label: 'Taux de contractualisation',
    unit: 'share',
    parameters: [],
    definition:
      'Premières orientations socio-professionnelles notifiées dans la période ayant un contrat signé dans le cycle.',
    compute: (f, period) => {
      const b = balancedOrientedIn(f, period);
      return share(b.filter((c) => c.contracts.length > 0).length, b.length);
    },
  }),
  first({
    code: 'equilibre.weekly_hours_respected',
    family: 'equilibre',
    label: 'Respect des 15 heures hebdomadaires',
    unit: 'share',
    parameters: ['weeklyHoursTarget'],
    definition: 'Parmi elles, celles dont le premier contrat prévoit au moins 15 heures hebdomadaires.',
    compute: (f, period, p) => {
      const b = balancedOrientedIn(f, period).filter((c) => firstContract(c));
      return share(b.filter((c) => firstContract(c)!.weeklyHours >= p.weeklyHoursTarget).length, b.length);
    },
  }),
  first({
    code: 'equilibre.exits_within_12_months',
    family: 'equilibre',
    label: 'Sorties à 12 mois',
    unit: 'share',
    parameters: ['balancedReviewMonths'],
    definition:
      "Premières orientations socio-professionnelles notifiées dans la période suivies d'une sortie du RSA au plus 12 mois après.",
    compute: (f, period, p) => {
      const b = balancedOrientedIn(f, period);
      return share(
        b.filter(
          (c) =>
            c.exitedOn && c.exitedOn <= addMonths(firstOrientation(c)!.notifiedOn, p.balancedReviewMonths),
        ).length,
        b.length,
      );
    },
  }),
  first({
    code: 'drees.subject_to_rights_and_duties',
    family: 'drees',
    label: 'Personnes soumises aux droits et devoirs',
    unit: 'count',
    parameters: [],
    definition: 'À la fin de la période : personnes entrées, non sorties du RSA et non transférées.',
    compute: (f, period) => count(subjects(f, period).length),
  }),
  first({
    code: 'drees.oriented',
    family: 'drees',
    label: 'Personnes orientées',
    unit: 'share',
    parameters: [],
    definition:
      'À la fin de la période, parmi les personnes soumises aux droits et devoirs, ' +
      'celles ayant un organisme référent (orientation notifiée) ; détail par groupe ' +
      "d'organisme, ancienneté, âge, sexe et foyer.",
    compute: (f, period) => {
      const s = subjects(f, period);
      const o = oriented(f, period);
      const keys = o.flatMap((c) => [
        `organisation:${dreesOrganisationGroup(orientationOn(c, period.to)!.organisationKind)}`,
        `seniority:${seniorityBand(c.enteredOn, period.to)}`,
        `age:${ageBand(ageOn(c.birthDate, period.to))}`,
        `sex:${c.sex}`,
        `household:${c.householdType}`,
      ]);
      return { ...share(o.length, s.length), breakdown: tally(keys) };
    },
  }),
  first({
    code: 'drees.outside_france_travail_with_contract',
    family: 'drees',
    label: 'Orientés hors France Travail avec un contrat en vigueur',
    unit: 'share',
    parameters: [],
    definition:
      'À la fin de la période, personnes orientées vers un organisme autre que France ' +
      'Travail : part de celles ayant un contrat en vigueur.',
    compute: (f, period) => {
      const out = oriented(f, period).filter(
        (c) => orientationOn(c, period.to)!.organisationKind !== 'france_travail',
      );
      return share(out.filter((c) => contractInForceOn(c, period.to)).length, out.length);
    },
  }),
  first({
    code: 'drees.orientation_delay_days_mean',
    family: 'drees',
    label: "Délai moyen d'orientation (demande → orientation)",
    unit: 'days',
    parameters: [],
    definition:
      'Entrants de la période déjà orientés : jours de la demande de RSA à la première orientation du cycle ; moyenne.',
    compute: (f, period) =>
      average(
        newEntrants(f, period)
          .filter((c) => firstOrientation(c))
          .map((c) => daysBetween(c.demandOn, firstOrientation(c)!.notifiedOn)),
      ),
  }),
  first({
    code: 'drees.orientation_to_contract_days_mean',
    family: 'drees',
    label: 'Délai moyen première orientation → premier contrat',
    unit: 'days',
    parameters: [],
    definition:
      'Entrants de la période ayant un premier contrat : jours de la première orientation au premier contrat ; moyenne.',
    compute: (f, period) =>
      average(
        newEntrants(f, period)
          .filter((c) => firstOrientation(c) && firstContract(c))
          .map((c) => daysBetween(firstOrientation(c)!.notifiedOn, firstContract(c)!.signedOn)),
      ),
  }),
];

/**
 * A catalogue a report can trust: codes unique, versions numbered 1, 2, … in
 * order, each taking effect strictly after the previous one, version 1 from
 * the start. Checked when the module loads, so a malformed new version stops
 * every test and the service at boot rather than silently changing figures.
 */
export function checkCatalogue(indicators: IndicatorDefinition[]): void {
  const codes = new Set<string>();
  for (const d of indicators) {
    if (codes.has(d.code)) throw new Error(`Indicator ${d.code} is defined twice`);
    codes.add(d.code);
    d.versions.forEach((v, i) => {
      if (v.version !== i + 1)
        throw new Error(`Indicator ${d.code}: version ${v.version} found where ${i + 1} was expected`);
      if (i === 0 && v.effectiveFrom !== FIRST_DEFINITIONS_FROM)
        throw new Error(`Indicator ${d.code}: version 1 must apply from ${FIRST_DEFINITIONS_FROM}`);
      if (i > 0 && v.effectiveFrom <= d.versions[i - 1].effectiveFrom)
        throw new Error(`Indicator ${d.code}: version ${v.version} must take effect after version ${i}`);
      if (i > 0 && !v.change)
        throw new Error(`Indicator ${d.code}: version ${v.version} must say what changed`);
    });
  }
}
checkCatalogue(INDICATORS);

/** The version in force on a date: the latest whose effectiveFrom is on or before it. */
export function versionOn(versions: DefinitionVersion[], date: BusinessDate): DefinitionVersion {
  // Before 1 June 2009 nothing is in force; the first version is the only one that can apply.
  return [...versions].reverse().find((v) => v.effectiveFrom <= date) ?? versions[0];
}

/**
 * The versions that apply to a period, "as known at" `asOf` when given: a
 * version taking effect after asOf did not exist then. The figure is given
 * under the version in force on the last day of the period (as the parameters
 * are); the versions in force earlier in the period follow it, oldest first.
 */
export function versionsForPeriod(
  d: IndicatorDefinition,
  period: Period,
  asOf?: BusinessDate,
): { main: DefinitionVersion; others: DefinitionVersion[] } {
  const known = asOf ? d.versions.filter((v) => v.effectiveFrom <= asOf) : d.versions;
  const candidates = known.length ? known : d.versions.slice(0, 1);
  const main = versionOn(candidates, period.to);
  const atStart = versionOn(candidates, period.from);
  const during = [
    atStart,
    ...candidates.filter((v) => v.effectiveFrom > period.from && v.effectiveFrom <= period.to),
  ];
  return { main, others: during.filter((v) => v !== main) };
}

export interface PublishedDefinition {
  code: string;
  family: Family;
  version: number;
  effectiveFrom: BusinessDate;
  /** Last day it applies to, or null while it is the latest. */
  effectiveTo: BusinessDate | null;
  label: string;
  unit: Unit;
  definition: string;
  change: string | null;
  parameters: string[];
}

/** Every version of every definition, with its dates: what `GET /api/indicators/definitions` lists. */
export function publishedDefinitions(indicators: IndicatorDefinition[] = INDICATORS): PublishedDefinition[] {
  return indicators.flatMap(({ code, family, versions }) =>
    versions.map(({ version, effectiveFrom, label, unit, definition, change, parameters }, i) => ({
      code,
      family,
      version,
      effectiveFrom,
      effectiveTo: versions[i + 1] ? addDays(versions[i + 1].effectiveFrom, -1) : null,
      label,
      unit,
      definition,
      change: change ?? null,
      parameters: [...parameters],
    })),
  );
}
