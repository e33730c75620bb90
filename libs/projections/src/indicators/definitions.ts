import { addDays, addMonths, daysBetween, Parameters } from '@parcours/domain';
import type { CycleFacts } from '../parcours-view/view';
import {
  accompaniedDuring,
  accompaniedOn,
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

export interface IndicatorDefinition {
  code: string;
  /** Raised whenever the definition changes; figures carry it so they can be told apart. */
  version: number;
  family: Family;
  label: string;
  unit: 'count' | 'share' | 'days' | 'hours' | 'per_person_month';
  definition: string;
  /** Parameters the definition reads, reported with each figure. */
  parameters: (keyof Parameters)[];
  compute(facts: CycleFacts[], period: Period, p: Parameters): IndicatorResult;
}

const count = (n: number): IndicatorResult => ({ numerator: n, denominator: null, value: n });
const share = (num: number, den: number): IndicatorResult => ({ numerator: num, denominator: den, value: den ? num / den : null });
const average = (values: number[]): IndicatorResult => ({ numerator: values.reduce((a, b) => a + b, 0), denominator: values.length, value: mean(values) });
const middle = (values: number[]): IndicatorResult => ({ numerator: null, denominator: values.length, value: median(values) });
const tally = (keys: string[]): Breakdown => keys.reduce<Breakdown>((b, k) => ((b[k] = (b[k] ?? 0) + 1), b), {});

const newEntrants = (facts: CycleFacts[], period: Period) => facts.filter((c) => inPeriod(c.enteredOn, period));
const entryToOrientation = (facts: CycleFacts[], period: Period) =>
  newEntrants(facts, period).filter((c) => firstOrientation(c)).map((c) => daysBetween(c.enteredOn, firstOrientation(c)!.notifiedOn));
const firstOrientedIn = (facts: CycleFacts[], period: Period) => facts.filter((c) => inPeriod(firstOrientation(c)?.notifiedOn, period));
const outsideFranceTravail = (facts: CycleFacts[], period: Period) => firstOrientedIn(facts, period).filter((c) => firstOrientation(c)!.organisationKind !== 'france_travail');
const registrationToContract = (facts: CycleFacts[], period: Period) =>
  facts.filter((c) => inPeriod(firstContract(c)?.signedOn, period)).map((c) => daysBetween(c.franceTravailRegisteredOn ?? c.enteredOn, firstContract(c)!.signedOn));
const stock = (facts: CycleFacts[], period: Period, p: Parameters) => facts.filter((c) => accompaniedOn(c, period.to, p.accompanimentAfterExitMonths));
const accompanied = (facts: CycleFacts[], period: Period, p: Parameters) => facts.filter((c) => accompaniedDuring(c, period, p.accompanimentAfterExitMonths));
const contractsInForce = (facts: CycleFacts[], period: Period) => facts.map((c) => contractInForceOn(c, period.to)).filter((k) => k !== undefined);
const balancedOrientedIn = (facts: CycleFacts[], period: Period) => firstOrientedIn(facts, period).filter((c) => firstOrientation(c)!.track === 'socio_professional');
const subjects = (facts: CycleFacts[], period: Period) => facts.filter((c) => subjectOn(c, period.to));
const oriented = (facts: CycleFacts[], period: Period) => subjects(facts, period).filter((c) => orientationOn(c, period.to));
const POSITIVE_OUTCOMES = ['durable_employment', 'transition_employment', 'training', 'iae', 'immersion', 'business_creation'];

/** Action entries of the period, with whether the person reached a positive outcome during it or within 6 months after. */
function actionEntries(facts: CycleFacts[], period: Period) {
  return facts.flatMap((c) =>
    c.prescriptions
      .filter((x) => inPeriod(x.enteredOn, period))
      .map((x) => {
        const until = x.exitedOn ? addMonths(x.exitedOn, 6) : '9999-12-31';
        const positive =
          POSITIVE_OUTCOMES.includes(x.outcome ?? '') ||
          c.employmentStarts.some((d) => d >= x.enteredOn! && d <= until) ||
          c.barriers.some((b) => b.liftedOn !== undefined && b.liftedOn >= x.enteredOn! && b.liftedOn <= until);
        return { dispositif: x.dispositifCode, positive };
      }),
  );
}

/** Every indicator of DOMAIN.md §5.1–5.5 the product computes, each with its written definition. */
export const INDICATORS: IndicatorDefinition[] = [
  {
    code: 'calpae.new_entrants', version: 1, family: 'calpae', label: 'Nouveaux entrants', unit: 'count', parameters: [],
    definition: "Cycles dont la date d'entrée (transmission CAF) est dans la période ; une réentrée après une sortie compte.",
    compute: (f, period) => count(newEntrants(f, period).length),
  },
  {
    code: 'calpae.oriented_within_1_month', version: 1, family: 'calpae', label: 'Nouveaux entrants orientés en moins d’un mois', unit: 'share', parameters: ['orientationCalpaeMonths'],
    definition: "Parmi les nouveaux entrants de la période, ceux dont la première orientation du cycle est notifiée au plus tard à l'entrée + 1 mois (quantième, fin de mois).",
    compute: (f, period, p) => {
      const entrants = newEntrants(f, period);
      return share(entrants.filter((c) => firstOrientation(c) && firstOrientation(c)!.notifiedOn <= addMonths(c.enteredOn, p.orientationCalpaeMonths)).length, entrants.length);
    },
  },
  {
    code: 'calpae.entry_to_orientation_days_mean', version: 1, family: 'calpae', label: 'Délai moyen entrée → orientation', unit: 'days', parameters: [],
    definition: "Parmi les nouveaux entrants de la période déjà orientés : jours de l'entrée à la première orientation ; moyenne.",
    compute: (f, period) => average(entryToOrientation(f, period)),
  },
  {
    code: 'calpae.entry_to_orientation_days_median', version: 1, family: 'calpae', label: 'Délai médian entrée → orientation', unit: 'days', parameters: [],
    definition: "Parmi les nouveaux entrants de la période déjà orientés : jours de l'entrée à la première orientation ; médiane.",
    compute: (f, period) => middle(entryToOrientation(f, period)),
  },
  {
    code: 'calpae.first_appointments_fixed', version: 1, family: 'calpae', label: 'Premiers rendez-vous fixés (hors France Travail)', unit: 'share', parameters: [],
    definition: "Premières orientations notifiées dans la période vers un organisme autre que France Travail dont le premier rendez-vous (le plus tôt fixé après l'orientation) existe.",
    compute: (f, period) => {
      const orientedOut = outsideFranceTravail(f, period);
      return share(orientedOut.filter((c) => firstAppointment(c)).length, orientedOut.length);
    },
  },
  {
    code: 'calpae.first_appointments_within_2_weeks', version: 1, family: 'calpae', label: 'Premiers rendez-vous fixés à moins de 2 semaines', unit: 'share', parameters: ['firstAppointmentIndicatorDays'],
    definition: "Parmi les premiers rendez-vous fixés (indicateur précédent), ceux fixés à une date au plus 14 jours après l'orientation, qu'ils aient eu lieu ou non.",
    compute: (f, period, p) => {
      const withAppointment = outsideFranceTravail(f, period).filter((c) => firstAppointment(c));
      return share(
        withAppointment.filter((c) => firstAppointment(c)!.scheduledFor <= addDays(firstOrientation(c)!.notifiedOn, p.firstAppointmentIndicatorDays)).length,
        withAppointment.length,
      );
    },
  },
  {
    code: 'calpae.first_contracts', version: 1, family: 'calpae', label: 'Premiers contrats signés (hors renouvellements)', unit: 'count', parameters: [],
    definition: 'Premiers contrats d’un cycle signés dans la période.',
    compute: (f, period) => count(f.filter((c) => inPeriod(firstContract(c)?.signedOn, period)).length),
  },
  {
    code: 'calpae.first_contracts_within_2_months', version: 1, family: 'calpae', label: 'Premiers contrats signés dans les 2 mois de l’orientation', unit: 'share', parameters: ['firstContractCalpaeMonths'],
    definition: "Premières orientations notifiées dans la période dont le premier contrat du cycle est signé au plus tard à l'orientation + 2 mois.",
    compute: (f, period, p) => {
      const first = firstOrientedIn(f, period);
      return share(first.filter((c) => firstContract(c) && firstContract(c)!.signedOn <= addMonths(firstOrientation(c)!.notifiedOn, p.firstContractCalpaeMonths)).length, first.length);
    },
  },
  {
    code: 'calpae.orientations_flow', version: 1, family: 'calpae', label: 'Orientations et réorientations par parcours et organisme', unit: 'count', parameters: [],
    definition: 'Orientations et réorientations notifiées dans la période ; détail par parcours et type d’organisme.',
    compute: (f, period) => {
      const keys = f.flatMap((c) => c.orientations.filter((o) => inPeriod(o.notifiedOn, period)).map((o) => `${o.track}/${o.organisationKind}`));
      return { ...count(keys.length), breakdown: tally(keys) };
    },
  },
  {
    code: 'calpae.persons_in_accompaniment', version: 1, family: 'calpae', label: 'Personnes en accompagnement (stock) par parcours et organisme', unit: 'count', parameters: ['accompanimentAfterExitMonths'],
    definition: "À la fin de la période : cycles orientés, non sortis, ou sortis depuis moins de 6 mois sans fin d'accompagnement ; détail par parcours et type d'organisme.",
    compute: (f, period, p) => {
      const s = stock(f, period, p);
      return { ...count(s.length), breakdown: tally(s.map((c) => { const o = orientationOn(c, period.to)!; return `${o.track}/${o.organisationKind}`; })) };
    },
  },
  {
    code: 'reseau_emploi.public_description', version: 1, family: 'reseau_emploi', label: 'Description des publics accompagnés', unit: 'count', parameters: ['accompanimentAfterExitMonths'],
    definition: "Personnes en accompagnement à la fin de la période, par sexe, tranche d'âge, type de foyer, ancienneté dans le RSA, parcours et territoire.",
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
  },
  {
    code: 'reseau_emploi.registration_to_contract_days_mean', version: 1, family: 'reseau_emploi', label: 'Délai moyen inscription → contrat d’engagement', unit: 'days', parameters: [],
    definition: "Premiers contrats signés dans la période : jours de l'inscription à France Travail (ou de l'entrée, si l'inscription est inconnue) à la signature ; moyenne.",
    compute: (f, period) => average(registrationToContract(f, period)),
  },
  {
    code: 'reseau_emploi.registration_to_contract_days_median', version: 1, family: 'reseau_emploi', label: 'Délai médian inscription → contrat d’engagement', unit: 'days', parameters: [],
    definition: "Premiers contrats signés dans la période : jours de l'inscription à France Travail (ou de l'entrée) à la signature ; médiane.",
    compute: (f, period) => middle(registrationToContract(f, period)),
  },
  {
    code: 'reseau_emploi.reorientations', version: 1, family: 'reseau_emploi', label: 'Réorientations au cours de l’accompagnement', unit: 'share', parameters: ['accompanimentAfterExitMonths'],
    definition: 'Réorientations décidées dans la période, rapportées aux personnes accompagnées dans la période ; détail parcours de départ → parcours d’arrivée.',
    compute: (f, period, p) => {
      const moves = f.flatMap((c) => c.orientations.map((o, i) => ({ o, from: c.orientations[i - 1] })).filter(({ o, from }) => o.reorientation && from && inPeriod(o.notifiedOn, period)).map(({ o, from }) => `${from!.track}->${o.track}`));
      return { ...share(moves.length, accompanied(f, period, p).length), breakdown: tally(moves) };
    },
  },
  {
    code: 'reseau_emploi.ruptures', version: 1, family: 'reseau_emploi', label: 'Ruptures d’accompagnement', unit: 'share', parameters: ['contactGapMonths', 'accompanimentAfterExitMonths'],
    definition: "Personnes en accompagnement à la fin de la période, orientées depuis au moins 3 mois, sans aucun rendez-vous tenu dans les 3 derniers mois.",
    compute: (f, period, p) => {
      const since = addMonths(period.to, -p.contactGapMonths);
      const eligible = stock(f, period, p).filter((c) => firstOrientation(c)!.notifiedOn <= since);
      return share(eligible.filter((c) => !c.appointments.some((a) => a.heldOn && a.heldOn > since && a.heldOn <= period.to)).length, eligible.length);
    },
  },
  {
    code: 'reseau_emploi.offer_prescribed', version: 1, family: 'reseau_emploi', label: 'Mobilisation de l’offre : au moins une prescription', unit: 'share', parameters: ['accompanimentAfterExitMonths'],
    definition: 'Part des personnes accompagnées dans la période ayant au moins une prescription sur une action d’insertion dans la période.',
    compute: (f, period, p) => {
      const a = accompanied(f, period, p);
      return share(a.filter((c) => c.prescriptions.some((x) => inPeriod(x.prescribedOn, period))).length, a.length);
    },
  },
  {
    code: 'reseau_emploi.offer_entered', version: 1, family: 'reseau_emploi', label: 'Mobilisation de l’offre : au moins une entrée en action', unit: 'share', parameters: ['accompanimentAfterExitMonths'],
    definition: 'Part des personnes accompagnées dans la période entrées dans au moins une action d’insertion dans la période.',
    compute: (f, period, p) => {
      const a = accompanied(f, period, p);
      return share(a.filter((c) => c.prescriptions.some((x) => inPeriod(x.enteredOn, period))).length, a.length);
    },
  },
  {
    code: 'reseau_emploi.barrier_persistence', version: 1, family: 'reseau_emploi', label: 'Persistance des freins à 6 mois', unit: 'share', parameters: [],
    definition: 'Freins constatés au diagnostic dont le terme de 6 mois tombe dans la période : part de ceux encore ouverts à ce terme.',
    compute: (f, period) => {
      const due = f.flatMap((c) => c.barriers).filter((b) => inPeriod(addMonths(b.recordedOn, 6), period));
      return share(due.filter((b) => !b.liftedOn || b.liftedOn > addMonths(b.recordedOn, 6)).length, due.length);
    },
  },
  {
    code: 'reseau_emploi.employment_access', version: 1, family: 'reseau_emploi', label: 'Taux d’accès à l’emploi', unit: 'share', parameters: ['accompanimentAfterExitMonths'],
    definition: "Part des personnes accompagnées dans la période ayant une reprise d'emploi dans la période.",
    compute: (f, period, p) => {
      const a = accompanied(f, period, p);
      return share(a.filter((c) => c.employmentStarts.some((d) => inPeriod(d, period))).length, a.length);
    },
  },
  {
    code: 'reseau_emploi.in_employment_at_end', version: 1, family: 'reseau_emploi', label: 'Taux de présence en emploi à la fin de la période', unit: 'share', parameters: ['accompanimentAfterExitMonths'],
    definition: "Part des personnes accompagnées dans la période dont une reprise d'emploi du cycle est antérieure ou égale à la fin de la période (la fin d'emploi n'est pas encore transmise).",
    compute: (f, period, p) => {
      const a = accompanied(f, period, p);
      return share(a.filter((c) => c.employmentStarts.some((d) => d <= period.to)).length, a.length);
    },
  },
  {
    code: 'reseau_emploi.weekly_hours_mean', version: 1, family: 'reseau_emploi', label: 'Intensité : heures hebdomadaires prévues (moyenne)', unit: 'hours', parameters: [],
    definition: 'Contrats en vigueur à la fin de la période : moyenne des heures d’activité hebdomadaires prévues.',
    compute: (f, period) => average(contractsInForce(f, period).map((k) => k!.weeklyHours)),
  },
  {
    code: 'reseau_emploi.weekly_hours_target_share', version: 1, family: 'reseau_emploi', label: 'Intensité : part des contrats à 15 heures ou plus', unit: 'share', parameters: ['weeklyHoursTarget'],
    definition: 'Contrats en vigueur à la fin de la période : part de ceux dont les heures hebdomadaires atteignent la cible (15 h).',
    compute: (f, period, p) => {
      const k = contractsInForce(f, period);
      return share(k.filter((x) => x!.weeklyHours >= p.weeklyHoursTarget).length, k.length);
    },
  },
  {
    code: 'reseau_emploi.meetings_per_person_month', version: 1, family: 'reseau_emploi', label: 'Intensité : entretiens par personne et par mois', unit: 'per_person_month', parameters: ['accompanimentAfterExitMonths'],
    definition: 'Rendez-vous tenus dans la période, rapportés aux personnes accompagnées dans la période et au nombre de mois de la période (jours / 30,4375).',
    compute: (f, period, p) => {
      const a = accompanied(f, period, p);
      const held = a.flatMap((c) => c.appointments).filter((x) => inPeriod(x.heldOn, period)).length;
      const months = (daysBetween(period.from, period.to) + 1) / 30.4375;
      return { numerator: held, denominator: a.length, value: a.length ? held / a.length / months : null };
    },
  },
  {
    code: 'reseau_emploi.suspensions', version: 1, family: 'reseau_emploi', label: 'Non-versement du RSA (suspensions-remobilisation)', unit: 'count', parameters: [],
    definition: 'Suspensions décidées dans la période ; détail : décidées, en cours à la fin de la période, levées par remobilisation, rendues définitives dans la période.',
    compute: (f, period) => {
      const s = f.flatMap((c) => c.suspensions);
      const decided = s.filter((x) => inPeriod(x.decidedOn, period)).length;
      return {
        ...count(decided),
        breakdown: {
          decided,
          in_progress: s.filter((x) => x.startsOn <= period.to && x.endsOn >= period.to && !(x.liftedOn && x.liftedOn <= period.to) && !(x.definitiveOn && x.definitiveOn <= period.to)).length,
          lifted_by_remobilisation: s.filter((x) => inPeriod(x.liftedOn, period)).length,
          made_definitive: s.filter((x) => inPeriod(x.definitiveOn, period)).length,
        },
      };
    },
  },
  {
    code: 'cie.action_beneficiaries', version: 1, family: 'cie', label: 'Personnes bénéficiaires des actions (dont BRSA)', unit: 'count', parameters: [],
    definition: "Entrées en action d'insertion dans la période, par dispositif ; toutes les personnes suivies sont bénéficiaires du RSA.",
    compute: (f, period) => {
      const e = actionEntries(f, period);
      return { ...count(e.length), breakdown: tally(e.map((x) => x.dispositif)) };
    },
  },
  {
    code: 'cie.action_positive_outcome', version: 1, family: 'cie', label: 'Accès à l’emploi, la formation, l’IAE, une immersion ou levée d’un frein', unit: 'share', parameters: [],
    definition: "Entrées en action dans la période dont la personne a accédé à l'emploi, à une formation, à l'IAE, à une immersion, ou a levé au moins un frein, pendant l'action ou dans les 6 mois suivant sa fin ; détail par dispositif (nombre de réussites).",
    compute: (f, period) => {
      const e = actionEntries(f, period);
      return { ...share(e.filter((x) => x.positive).length, e.length), breakdown: tally(e.filter((x) => x.positive).map((x) => x.dispositif)) };
    },
  },
  {
    code: 'equilibre.first_appointment_within_15_days', version: 1, family: 'equilibre', label: 'Respect des 15 jours pour le premier rendez-vous', unit: 'share', parameters: ['firstAppointmentDays'],
    definition: 'Premières orientations socio-professionnelles notifiées dans la période dont un rendez-vous est tenu au plus 15 jours après.',
    compute: (f, period, p) => {
      const b = balancedOrientedIn(f, period);
      return share(b.filter((c) => c.appointments.some((a) => a.heldOn && a.heldOn >= firstOrientation(c)!.notifiedOn && a.heldOn <= addDays(firstOrientation(c)!.notifiedOn, p.firstAppointmentDays))).length, b.length);
    },
  },
  {
    code: 'equilibre.contract_rate', version: 1, family: 'equilibre', label: 'Taux de contractualisation', unit: 'share', parameters: [],
    definition: 'Premières orientations socio-professionnelles notifiées dans la période ayant un contrat signé dans le cycle.',
    compute: (f, period) => {
      const b = balancedOrientedIn(f, period);
      return share(b.filter((c) => c.contracts.length > 0).length, b.length);
    },
  },
  {
    code: 'equilibre.weekly_hours_respected', version: 1, family: 'equilibre', label: 'Respect des 15 heures hebdomadaires', unit: 'share', parameters: ['weeklyHoursTarget'],
    definition: 'Parmi elles, celles dont le premier contrat prévoit au moins 15 heures hebdomadaires.',
    compute: (f, period, p) => {
      const b = balancedOrientedIn(f, period).filter((c) => firstContract(c));
      return share(b.filter((c) => firstContract(c)!.weeklyHours >= p.weeklyHoursTarget).length, b.length);
    },
  },
  {
    code: 'equilibre.exits_within_12_months', version: 1, family: 'equilibre', label: 'Sorties à 12 mois', unit: 'share', parameters: ['balancedReviewMonths'],
    definition: "Premières orientations socio-professionnelles notifiées dans la période suivies d'une sortie du RSA au plus 12 mois après.",
    compute: (f, period, p) => {
      const b = balancedOrientedIn(f, period);
      return share(b.filter((c) => c.exitedOn && c.exitedOn <= addMonths(firstOrientation(c)!.notifiedOn, p.balancedReviewMonths)).length, b.length);
    },
  },
  {
    code: 'drees.subject_to_rights_and_duties', version: 1, family: 'drees', label: 'Personnes soumises aux droits et devoirs', unit: 'count', parameters: [],
    definition: 'À la fin de la période : personnes entrées, non sorties du RSA et non transférées.',
    compute: (f, period) => count(subjects(f, period).length),
  },
  {
    code: 'drees.oriented', version: 1, family: 'drees', label: 'Personnes orientées', unit: 'share', parameters: [],
    definition: "À la fin de la période, parmi les personnes soumises aux droits et devoirs, celles ayant un organisme référent (orientation notifiée) ; détail par groupe d'organisme, ancienneté, âge, sexe et foyer.",
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
  },
  {
    code: 'drees.outside_france_travail_with_contract', version: 1, family: 'drees', label: 'Orientés hors France Travail avec un contrat en vigueur', unit: 'share', parameters: [],
    definition: "À la fin de la période, personnes orientées vers un organisme autre que France Travail : part de celles ayant un contrat en vigueur.",
    compute: (f, period) => {
      const out = oriented(f, period).filter((c) => orientationOn(c, period.to)!.organisationKind !== 'france_travail');
      return share(out.filter((c) => contractInForceOn(c, period.to)).length, out.length);
    },
  },
  {
    code: 'drees.orientation_delay_days_mean', version: 1, family: 'drees', label: "Délai moyen d'orientation (demande → orientation)", unit: 'days', parameters: [],
    definition: "Entrants de la période déjà orientés : jours de la demande de RSA à la première orientation du cycle ; moyenne.",
    compute: (f, period) => average(newEntrants(f, period).filter((c) => firstOrientation(c)).map((c) => daysBetween(c.demandOn, firstOrientation(c)!.notifiedOn))),
  },
  {
    code: 'drees.orientation_to_contract_days_mean', version: 1, family: 'drees', label: 'Délai moyen première orientation → premier contrat', unit: 'days', parameters: [],
    definition: 'Entrants de la période ayant un premier contrat : jours de la première orientation au premier contrat ; moyenne.',
    compute: (f, period) =>
      average(newEntrants(f, period).filter((c) => firstOrientation(c) && firstContract(c)).map((c) => daysBetween(firstOrientation(c)!.notifiedOn, firstContract(c)!.signedOn))),
  },
];
