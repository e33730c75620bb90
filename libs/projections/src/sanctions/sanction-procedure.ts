import { addDays, BusinessDate, daysBetween, ParcoursEvent, Parameters } from '@parcours/domain';
import { attributionAfter } from '../parcours-view/attribution';

/**
 * The procedure of a manquement (DOMAIN.md §4.1), step by step, as recorded:
 * each step's business date, when it was recorded and by whom. Built by one
 * fold over a parcours's events, used both by the sanction's legal file and by
 * the procedural-compliance indicators, so that they cannot disagree.
 */
export interface StepRecord {
  on: BusinessDate;
  recordedAt: string | null;
  /** Who recorded it: an identifier and a role, never a name. */
  actor: string | null;
  role: string | null;
}

export interface ProcedureRecord {
  breachId: string;
  /** Territoire and organisme in charge when the manquement was reported. */
  territory: string;
  organisationId: string | null;
  kind: string;
  obligation: string;
  occurredOn: BusinessDate;
  convocationId?: string;
  weeks?: BusinessDate[];
  reported: StepRecord;
  informed?: StepRecord;
  observations?: StepRecord;
  epOpinion?: StepRecord & { opinion: string };
  dismissed?: StepRecord;
  sanctionId?: string;
  decision?: StepRecord & {
    startsOn: BusinessDate;
    endsOn: BusinessDate;
    sharePercent: number;
    months: number;
    repeated: boolean;
  };
  remobilised?: StepRecord & { monthsToRepay?: number };
  suppressionEpOpinion?: StepRecord & { opinion: string };
  definitive?: StepRecord & { kind: string };
  appealed?: StepRecord;
  withdrawn?: StepRecord & { kind: string };
}

/** What the fold keeps of one parcours: where it stands, and its manquements. */
export interface ProceduresDoc {
  territory: string;
  organisationId: string | null;
  breaches: ProcedureRecord[];
}

export interface EventMeta {
  recordedAt?: unknown;
  actor?: unknown;
  role?: unknown;
}

const text = (v: unknown) => (typeof v === 'string' ? v : null);
const step = (on: BusinessDate, m: EventMeta): StepRecord => ({
  on,
  recordedAt: text(m.recordedAt),
  actor: text(m.actor),
  role: text(m.role),
});

export const emptyProcedures = (): ProceduresDoc => ({ territory: '', organisationId: null, breaches: [] });

/** Folds one event into the procedures of its parcours, in place. */
export function evolveProcedures(doc: ProceduresDoc, event: ParcoursEvent, meta: EventMeta): void {
  const byBreach = (id: string) => doc.breaches.find((b) => b.breachId === id);
  const bySanction = (id: string) => doc.breaches.find((b) => b.sanctionId === id);
  const attribution = attributionAfter(event, doc.territory ? doc : undefined);
  if (attribution) Object.assign(doc, attribution);
  switch (event.type) {
    case 'BreachReported': {
      const d = event.data;
      doc.breaches.push({
        breachId: d.breachId,
        territory: doc.territory,
        organisationId: doc.organisationId,
        kind: d.kind,
        obligation: d.obligation,
        occurredOn: d.occurredOn,
        ...(d.convocationId ? { convocationId: d.convocationId } : {}),
        ...(d.weeks ? { weeks: d.weeks } : {}),
        reported: step(d.reportedOn, meta),
      });
      return;
    }
    case 'BeneficiaryInformedOfBreach': {
      const b = byBreach(event.data.breachId);
      if (b) b.informed = step(event.data.informedOn, meta);
      return;
    }
    case 'BreachObservationsReceived': {
      const b = byBreach(event.data.breachId);
      if (b) b.observations = step(event.data.receivedOn, meta);
      return;
    }
    case 'EpOpinionGiven': {
      const b = byBreach(event.data.breachId);
      if (b) b.epOpinion = { ...step(event.data.givenOn, meta), opinion: event.data.opinion };
      return;
    }
    case 'BreachDismissed': {
      const b = byBreach(event.data.breachId);
      if (b) b.dismissed = step(event.data.decidedOn, meta);
      return;
    }
    case 'SuspensionDecided': {
      const d = event.data;
      const b = byBreach(d.breachId);
      if (!b) return;
      b.sanctionId = d.sanctionId;
      b.decision = {
        ...step(d.decidedOn, meta),
        startsOn: d.startsOn,
        endsOn: d.endsOn,
        sharePercent: d.sharePercent,
        months: d.months,
        repeated: d.repeated,
      };
      return;
    }
    case 'SuspensionLiftedByRemobilisation': {
      const b = bySanction(event.data.sanctionId);
      if (b)
        b.remobilised = {
          ...step(event.data.remobilisedOn, meta),
          ...(event.data.monthsToRepay !== undefined ? { monthsToRepay: event.data.monthsToRepay } : {}),
        };
      return;
    }
    case 'SuppressionEpOpinionGiven': {
      const b = bySanction(event.data.sanctionId);
      if (b) b.suppressionEpOpinion = { ...step(event.data.givenOn, meta), opinion: event.data.opinion };
      return;
    }
    case 'SuspensionMadeDefinitive': {
      const b = bySanction(event.data.sanctionId);
      if (b) b.definitive = { ...step(event.data.decidedOn, meta), kind: event.data.kind };
      return;
    }
    case 'SanctionAppealed': {
      const b = bySanction(event.data.sanctionId);
      if (b) b.appealed = step(event.data.appealedOn, meta);
      return;
    }
    case 'SanctionWithdrawn': {
      const b = bySanction(event.data.sanctionId);
      if (b) b.withdrawn = { ...step(event.data.decidedOn, meta), kind: event.data.kind };
      return;
    }
    default:
      return;
  }
}

/** One step of the legal file: the rule it had to satisfy, with its source, and whether it did. */
export interface StepCheck {
  step: string;
  label: string;
  record: StepRecord | null;
  rule: string;
  article: string;
  satisfied: boolean;
}

/**
 * The steps of a manquement's procedure in their legal order, each checked
 * against its rule with the parameters in force on the day of the decision
 * (or of the report, before any). A step not taken is listed only when the law
 * required it.
 */
export function checkProcedure(
  r: ProcedureRecord,
  parametersOn: (date: BusinessDate) => Parameters,
): StepCheck[] {
  const d = r.decision;
  const p = parametersOn(d?.on ?? r.reported.on);
  const checks: StepCheck[] = [
    {
      step: 'breach_reported',
      label: `Manquement signalé : obligation « ${r.obligation} » (${r.kind}), survenu le ${r.occurredOn}`,
      record: r.reported,
      rule: 'Une obligation du contrat en vigueur ou une obligation légale, signalée après le manquement',
      article: 'L262-37 I CASF ; Conseil d’État n° 418975',
      satisfied: r.occurredOn <= r.reported.on,
    },
  ];
  if (!d && !r.informed) return checks;
  const observationEnd = r.informed ? addDays(r.informed.on, p.observationDays) : undefined;
  checks.push({
    step: 'beneficiary_informed',
    label: 'Information de la personne du manquement et de la sanction envisagée',
    record: r.informed ?? null,
    rule: 'Avant toute décision, après le signalement',
    article: 'L262-37 CASF ; R262-68 CASF',
    satisfied: !!r.informed && r.informed.on >= r.reported.on && (!d || r.informed.on <= d.on),
  });
  if (r.observations)
    checks.push({
      step: 'observations_received',
      label: 'Observations de la personne reçues',
      record: r.observations,
      rule: 'Après l’information, avant la décision',
      article: 'L262-37 CASF',
      satisfied: !!r.informed && r.observations.on >= r.informed.on && (!d || r.observations.on <= d.on),
    });
  if (!d) return checks;
  checks.push({
    step: 'observation_delay',
    label: `Délai d’observations de ${p.observationDays} jours${observationEnd ? `, jusqu’au ${observationEnd}` : ''}`,
    record: null,
    rule: 'La décision suit les observations reçues ou la fin du délai',
    article: 'L262-37 CASF (délai : règle du projet, paramètre observationDays)',
    satisfied:
      !!observationEnd && (d.on >= observationEnd || (!!r.observations && r.observations.on <= d.on)),
  });
  if (p.epOpinionRequired || r.epOpinion)
    checks.push({
      step: 'ep_opinion',
      label: `Avis de l’équipe pluridisciplinaire${r.epOpinion ? ` : ${r.epOpinion.opinion}` : ''}`,
      record: r.epOpinion ?? null,
      rule: p.epOpinionRequired
        ? 'Requis avant la décision (paramètre epOpinionRequired)'
        : 'Avant la décision',
      article: 'L262-37 CASF',
      satisfied: !!r.epOpinion && r.epOpinion.on <= d.on,
    });
  const maxMonths = d.repeated ? p.repeatedBreachMonthsMax : p.firstBreachMonthsMax;
  checks.push({
    step: 'suspension_decided',
    label:
      `Suspension de ${d.sharePercent} % pendant ${d.months} mois, du ${d.startsOn} au ${d.endsOn}` +
      (d.repeated ? ' (manquement répété)' : ''),
    record: d,
    rule:
      `Au moins ${p.sanctionShareMin} % et au plus ${p.sanctionShareMax} %, 1 à ${maxMonths} mois ` +
      (d.repeated ? '(manquement répété)' : '(premier manquement)'),
    article: d.repeated ? 'L262-37 II 2° et R262-68 2° CASF' : 'R262-68 1° et R262-68-1 1° CASF',
    satisfied:
      d.sharePercent >= p.sanctionShareMin &&
      d.sharePercent <= p.sanctionShareMax &&
      d.months >= 1 &&
      d.months <= maxMonths &&
      d.on >= r.reported.on,
  });
  if (r.remobilised)
    checks.push({
      step: 'remobilisation',
      label:
        'Remobilisation : fin de la suspension' +
        (r.remobilised.monthsToRepay !== undefined
          ? `, reversement de ${r.remobilised.monthsToRepay} mois`
          : ''),
      record: r.remobilised,
      rule: 'Pendant la suspension ; les sommes retenues sont reversées',
      article: 'L262-37 I et R262-68-1 CASF',
      satisfied: r.remobilised.on >= d.startsOn && r.remobilised.on <= d.endsOn,
    });
  if (r.definitive) {
    checks.push({
      step: 'suppression_ep_opinion',
      label: `Avis de l’équipe pluridisciplinaire sur la suppression${
        r.suppressionEpOpinion ? ` : ${r.suppressionEpOpinion.opinion}` : ''
      }`,
      record: r.suppressionEpOpinion ?? null,
      rule: 'Requis avant toute suppression',
      article: 'L262-37 III CASF',
      satisfied: !!r.suppressionEpOpinion && r.suppressionEpOpinion.on <= r.definitive.on,
    });
    checks.push({
      step: 'suppression_decided',
      label: `Suppression (${r.definitive.kind})`,
      record: r.definitive,
      rule: 'Seulement à la fin de la suspension, la personne ne s’étant pas remobilisée',
      article: 'L262-37 II 1° CASF',
      satisfied: r.definitive.on >= d.endsOn && !r.remobilised,
    });
  }
  if (r.appealed)
    checks.push({
      step: 'appeal',
      label: 'Recours administratif préalable',
      record: r.appealed,
      rule: 'Après la décision',
      article: 'L262-47 CASF',
      satisfied: r.appealed.on >= d.on,
    });
  if (r.withdrawn)
    checks.push({
      step: 'withdrawal',
      label: `Sanction ${r.withdrawn.kind === 'annulment' ? 'annulée' : 'retirée'}`,
      record: r.withdrawn,
      rule: 'Après la décision ; la sanction ne compte plus',
      article: 'L262-47 CASF',
      satisfied: r.withdrawn.on >= d.on,
    });
  return checks;
}

/** Whether every step came in order and within its delay. */
export const procedureCompliant = (checks: StepCheck[]) => checks.every((c) => c.satisfied);

/** Days from the manquement to the decision on it. */
export const daysToDecision = (r: ProcedureRecord) =>
  r.decision ? daysBetween(r.occurredOn, r.decision.on) : undefined;
