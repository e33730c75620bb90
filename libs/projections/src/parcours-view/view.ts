import {
  addDays,
  addMonths,
  BusinessDate,
  DEFAULT_PARAMETERS,
  ERASED_NAME,
  LEGACY_CONTRACT_DEADLINE,
  Parameters,
  ParameterVersion,
  parameterVersionAt,
  ParcoursEvent,
} from '@parcours/domain';

/**
 * The read side's picture of one parcours, folded from its events: what a
 * portfolio line, the échéances and the indicators need. Pure and JSON-only,
 * so that the projection stores it as a document and "as known at a date"
 * recomputes it from the log with the same code.
 */

export const ECHEANCE_KINDS = [
  'orientation_legal',
  'orientation_target',
  'first_appointment',
  'first_contract',
  'contract_end',
  'contact_gap',
  'balanced_review',
  'accompaniment_end',
  'suspension_end',
  /** A contract for a person already in the RSA on 1 January 2025 (décret n° 2024-1244). */
  'legacy_contract',
  /** The entretiens of one calendar month of an intensive accompaniment. */
  'intensive_contact',
  /** Examen de situation in the social parcours, 6 (or 12) months after the contract (L262-31). */
  'joint_review',
  /** A new orientation after an accompaniment interrupted without exit (a rupture otherwise, DOMAIN.md §5.2). */
  'orientation_after_interruption',
] as const;
export type EcheanceKind = (typeof ECHEANCE_KINDS)[number];

/** A deadline of a parcours (DOMAIN.md §3): opened by one event, met by another. */
export interface Echeance {
  id: string;
  kind: EcheanceKind;
  cycle: number;
  startsOn: BusinessDate;
  dueOn: BusinessDate;
  /** From this date on, an open échéance is "due soon". */
  warnFrom: BusinessDate;
  metOn?: BusinessDate;
  /** Closed without being met (exit, re-entry, réorientation...): no longer followed. */
  cancelledOn?: BusinessDate;
  /** Version of the parameters used when it opened. */
  parametersVersion: number;
}

export const ECHEANCE_STATUSES = [
  'upcoming',
  'due_soon',
  'overdue',
  'met_on_time',
  'met_late',
  'cancelled',
] as const;
export type EcheanceStatus = (typeof ECHEANCE_STATUSES)[number];

/** Status on a date: time passes without events, so it is computed, never stored. */
export function echeanceStatus(
  e: Pick<Echeance, 'dueOn' | 'warnFrom' | 'metOn' | 'cancelledOn'>,
  on: BusinessDate,
): EcheanceStatus {
  if (e.metOn && e.metOn <= on) return e.metOn <= e.dueOn ? 'met_on_time' : 'met_late';
  if (e.cancelledOn && e.cancelledOn <= on) return 'cancelled';
  if (on > e.dueOn) return 'overdue';
  return on >= e.warnFrom ? 'due_soon' : 'upcoming';
}

/** What the indicators need of one cycle (entry → exit) of a parcours. */
export interface CycleFacts {
  parcoursId: string;
  cycle: number;
  territory: string;
  sex: string;
  birthDate: BusinessDate;
  householdType: string;
  householdSize: number;
  demandOn: BusinessDate;
  rightOpenedOn: BusinessDate;
  enteredOn: BusinessDate;
  franceTravailRegisteredOn?: BusinessDate;
  orientations: {
    notifiedOn: BusinessDate;
    track: string;
    organisationId: string;
    organisationKind: string;
    reorientation: boolean;
  }[];
  /** Every appointment scheduled in the cycle. */
  appointments: {
    id: string;
    scheduledOn: BusinessDate;
    scheduledFor: BusinessDate;
    heldOn?: BusinessDate;
    missedOn?: BusinessDate;
    cancelledOn?: BusinessDate;
  }[];
  contracts: {
    id: string;
    signedOn: BusinessDate;
    startsOn: BusinessDate;
    endsOn: BusinessDate;
    reviewedOn?: BusinessDate;
    weeklyHours: number;
    renewal: boolean;
  }[];
  referentId?: string;
  referentOrganisationId?: string;
  prescriptions: {
    id: string;
    actionId: string;
    dispositifCode: string;
    prescribedOn: BusinessDate;
    enteredOn?: BusinessDate;
    exitedOn?: BusinessDate;
    outcome?: string;
  }[];
  employmentStarts: BusinessDate[];
  /** Each employment with its end when known (absent from facts built before ends were recorded: rebuild). */
  employments?: { id: string; startedOn: BusinessDate; endedOn?: BusinessDate }[];
  /** The intensive accompaniment of the cycle (a modality, not a track). */
  intensive?: { startedOn: BusinessDate; plannedEndOn: BusinessDate; endedOn?: BusinessDate };
  barriers: { barrier: string; recordedOn: BusinessDate; liftedOn?: BusinessDate }[];
  reorientationRequests: {
    id: string;
    requestedOn: BusinessDate;
    decidedOn?: BusinessDate;
    accepted?: boolean;
  }[];
  suspensions: {
    id: string;
    decidedOn: BusinessDate;
    startsOn: BusinessDate;
    endsOn: BusinessDate;
    liftedOn?: BusinessDate;
    definitiveOn?: BusinessDate;
    appealedOn?: BusinessDate;
    withdrawnOn?: BusinessDate;
  }[];
  exitedOn?: BusinessDate;
  accompanimentEndedOn?: BusinessDate;
  transferredOn?: BusinessDate;
  /** The département the cycle came from, for a transfer in (its right opened there). */
  transferredFromDepartement?: string;
  /** Accompaniments interrupted without exit, each after the n-th orientation of the cycle (absent before interruptions were recorded). */
  interruptions?: { on: BusinessDate; afterOrientations: number }[];
  /** The accompagnements globaux of the cycle (absent before they were recorded). */
  globalAccompaniments?: {
    orientedOn: BusinessDate;
    startedOn?: BusinessDate;
    binomeId?: string;
    endedOn?: BusinessDate;
  }[];
}

export interface ParcoursView {
  parcoursId: string;
  lastName: string;
  firstName: string;
  /** The person's data were erased (DOMAIN.md §7): names are placeholders. */
  erased?: boolean;
  territory: string;
  status: 'in_rsa' | 'exited' | 'closed' | 'transferred';
  cycles: CycleFacts[];
  echeances: Echeance[];
  openBreaches: string[];
}

export const currentCycle = (v: ParcoursView): CycleFacts => v.cycles[v.cycles.length - 1];

/** Parameters as the projection knows them: the versions seen so far in the log. */
export interface ParameterBook {
  versions: ParameterVersion[];
}

function paramsOn(book: ParameterBook, date: BusinessDate): { p: Parameters; version: number } {
  const v = parameterVersionAt(book.versions, date);
  return { p: v?.values ?? DEFAULT_PARAMETERS, version: v?.version ?? 0 };
}

/**
 * The id of an échéance: parcours, cycle, kind and the key of what opened it,
 * stable across rebuilds (deadline notifications are recorded once per id).
 * The log may open the same one twice (two équilibré reviews on one day, a
 * réorientation notified the day of the first orientation, or any repetition
 * the schemas admit): the later ones take a `#2`, `#3`... suffix, in log order,
 * so ids stay unique and a rebuild gives the same ones.
 */
function echeanceId(v: ParcoursView, cycle: number, kind: EcheanceKind, key: string): string {
  const base = `${v.parcoursId}:${cycle}:${kind}:${key}`;
  let id = base;
  for (let n = 2; v.echeances.some((e) => e.id === id); n++) id = `${base}#${n}`;
  return id;
}

function anySuspension(
  v: ParcoursView,
  sanctionId: string,
): ParcoursView['cycles'][number]['suspensions'][number] | undefined {
  for (const c of v.cycles) {
    const s = c.suspensions.find((x) => x.id === sanctionId);
    if (s) return s;
  }
  return undefined;
}

/** Whether the orientation in force of the cycle was interrupted (no new one since). */
function interrupted(c: CycleFacts): boolean {
  return (c.interruptions ?? []).some((i) => i.afterOrientations === c.orientations.length);
}

/** The key an échéance was opened with (a contract id, a sanction id...). */
function keyOf(v: ParcoursView, e: Echeance): string {
  return e.id.slice(`${v.parcoursId}:${e.cycle}:${e.kind}:`.length).replace(/#\d+$/, '');
}

function open(
  v: ParcoursView,
  book: ParameterBook,
  kind: EcheanceKind,
  key: string,
  startsOn: BusinessDate,
  due: (p: Parameters) => BusinessDate,
  warnDays?: (p: Parameters) => number,
): void {
  const { p, version } = paramsOn(book, startsOn);
  const dueOn = due(p);
  const cycle = currentCycle(v).cycle;
  v.echeances.push({
    id: echeanceId(v, cycle, kind, key),
    kind,
    cycle,
    startsOn,
    dueOn,
    warnFrom: addDays(dueOn, -(warnDays ? warnDays(p) : p.dueSoonDays)),
    parametersVersion: version,
  });
}

function openOnes(v: ParcoursView, kinds: EcheanceKind[]): Echeance[] {
  return v.echeances.filter((e) => kinds.includes(e.kind) && !e.metOn && !e.cancelledOn);
}

function meet(
  v: ParcoursView,
  kinds: EcheanceKind[],
  on: BusinessDate,
  match: (e: Echeance) => boolean = () => true,
): void {
  for (const e of openOnes(v, kinds)) if (match(e)) e.metOn = on;
}

function cancel(v: ParcoursView, kinds: EcheanceKind[], on: BusinessDate): void {
  for (const e of openOnes(v, kinds)) e.cancelledOn = on;
}

const FOLLOW_UP: EcheanceKind[] = [
  'orientation_legal',
  'orientation_target',
  'first_appointment',
  'first_contract',
  'contract_end',
  'contact_gap',
  'balanced_review',
  'joint_review',
];

/** What only an organisme référent can meet: moot once the accompaniment is interrupted. */
const NEEDS_REFERENT: EcheanceKind[] = [
  'first_appointment',
  'contact_gap',
  'balanced_review',
  'joint_review',
  'intensive_contact',
];

/**
 * Folds one event of a parcours into its view. Mutates a copy and returns it;
 * the échéances use the parameters in force on the date that opens them.
 *
 * Total over what the schemas admit (libs/domain/src/parcours/event-schemas.ts),
 * not only over what `decide` produces: events before any entry, repeated
 * entries, steps that name an appointment, contract or sanction the view does
 * not know. A property test folds generated logs (parcours-fold.property.spec.ts).
 */
export function evolveView(
  previous: ParcoursView | undefined,
  event: ParcoursEvent,
  book: ParameterBook,
): ParcoursView | undefined {
  // Nothing to attach a step to before the entry: the stream's first events are skipped until one comes.
  if (!previous && event.type !== 'ParcoursEntered') return undefined;
  const v: ParcoursView = previous ? structuredClone(previous) : (undefined as unknown as ParcoursView);
  switch (event.type) {
    case 'ParcoursEntered': {
      const d = event.data;
      // Cycles are numbered forward: an entry whose number does not follow the last one (the schema
      // admits it, decide never writes it) still opens a new cycle, after the last, so that facts and
      // échéances of two cycles are never filed under one number.
      const last = v ? currentCycle(v).cycle : 0;
      const cycle: CycleFacts = {
        parcoursId: d.parcoursId,
        cycle: Math.max(d.cycle, last + 1),
        territory: d.territory,
        sex: d.person.sex,
        // The month of birth only: ages are counted from its first day, the same before and after an erasure (DOMAIN.md §7).
        birthDate: `${d.person.birthDate.slice(0, 7)}-01`,
        householdType: d.household.type,
        householdSize: d.household.size,
        demandOn: d.demandOn,
        rightOpenedOn: d.rightOpenedOn,
        enteredOn: d.enteredOn,
        ...(d.transferredFrom ? { transferredFromDepartement: d.transferredFrom.departementCode } : {}),
        orientations: [],
        appointments: [],
        contracts: [],
        prescriptions: [],
        employmentStarts: [],
        employments: [],
        barriers: [],
        reorientationRequests: [],
        suspensions: [],
        interruptions: [],
        globalAccompaniments: [],
      };
      const view: ParcoursView = v
        ? { ...v, territory: d.territory, status: 'in_rsa', cycles: [...v.cycles, cycle] }
        : {
            parcoursId: d.parcoursId,
            lastName: d.person.lastName,
            firstName: d.person.firstName,
            territory: d.territory,
            status: 'in_rsa',
            cycles: [cycle],
            echeances: [],
            openBreaches: [],
          };
      cancel(
        view,
        ['suspension_end', 'intensive_contact', 'orientation_after_interruption', ...FOLLOW_UP],
        d.enteredOn,
      );
      // The post-exit accompaniment of the previous cycle ends with the new entry, if its window still ran.
      for (const e of view.echeances)
        if (e.kind === 'accompaniment_end' && !e.cancelledOn && e.metOn! > d.enteredOn)
          Object.assign(e, { metOn: undefined, cancelledOn: d.enteredOn });
      // Already in the RSA when the reform began: a contrat d'engagement by the end of 2026.
      if (d.enteredOn < LEGACY_CONTRACT_DEADLINE.inRsaOn) {
        open(
          view,
          book,
          'legacy_contract',
          'reform',
          LEGACY_CONTRACT_DEADLINE.inRsaOn,
          () => LEGACY_CONTRACT_DEADLINE.dueOn,
          (p) => p.contractEndWarningDays,
        );
      }
      open(view, book, 'orientation_legal', 'entry', d.enteredOn, (p) =>
        addDays(d.enteredOn, 7 * p.orientationLegalWeeks),
      );
      open(view, book, 'orientation_target', 'entry', d.enteredOn, (p) =>
        addDays(d.enteredOn, p.orientationTargetDays),
      );
      return view;
    }
    case 'HouseholdChanged': {
      const c = currentCycle(v);
      c.householdType = event.data.household.type;
      c.householdSize = event.data.household.size;
      return v;
    }
    case 'FranceTravailRegistered':
      currentCycle(v).franceTravailRegisteredOn = event.data.registeredOn;
      return v;
    case 'Oriented': {
      const d = event.data;
      const c = currentCycle(v);
      const first = c.orientations.length === 0;
      c.orientations.push({
        notifiedOn: d.notifiedOn,
        track: d.track,
        organisationId: d.organisationId,
        organisationKind: d.organisationKind,
        reorientation: !!d.reorientationRequestId,
      });
      if (d.reorientationRequestId) {
        const r = c.reorientationRequests.find((x) => x.id === d.reorientationRequestId);
        if (r) Object.assign(r, { decidedOn: d.decidedOn, accepted: true });
      }
      if (c.referentOrganisationId && c.referentOrganisationId !== d.organisationId) {
        c.referentId = undefined;
        c.referentOrganisationId = undefined;
      }
      // The équilibré review falls 12 months into a socio-professional parcours; another track ends it.
      const wasBalanced =
        c.orientations.length > 1 && c.orientations[c.orientations.length - 2].track === 'socio_professional';
      if (d.track === 'socio_professional' && !wasBalanced) {
        open(v, book, 'balanced_review', d.orientationId, d.notifiedOn, (p) =>
          addMonths(d.notifiedOn, p.balancedReviewMonths),
        );
      } else if (d.track !== 'socio_professional') {
        cancel(v, ['balanced_review'], d.notifiedOn);
      }
      meet(v, ['orientation_after_interruption'], d.notifiedOn);
      if (d.track !== 'social') cancel(v, ['joint_review'], d.notifiedOn);
      if (first) {
        meet(v, ['orientation_legal', 'orientation_target'], d.notifiedOn);
        open(v, book, 'first_appointment', 'orientation', d.notifiedOn, (p) =>
          addDays(d.notifiedOn, p.firstAppointmentDays),
        );
        open(v, book, 'first_contract', d.notifiedOn, d.notifiedOn, (p) =>
          addMonths(d.notifiedOn, p.firstContractLegalMonths),
        );
      } else if (c.contracts.length === 0) {
        // The legal delay for the first contract starts again with a new orientation.
        cancel(v, ['first_contract'], d.notifiedOn);
        open(v, book, 'first_contract', d.notifiedOn, d.notifiedOn, (p) =>
          addMonths(d.notifiedOn, p.firstContractLegalMonths),
        );
      }
      return v;
    }
    case 'ReferentAssigned': {
      const c = currentCycle(v);
      c.referentId = event.data.referentId;
      c.referentOrganisationId = event.data.organisationId;
      return v;
    }
    case 'AppointmentScheduled': {
      const d = event.data;
      currentCycle(v).appointments.push({
        id: d.appointmentId,
        scheduledOn: d.scheduledOn,
        scheduledFor: d.scheduledFor,
      });
      return v;
    }
    case 'AppointmentHeld': {
      const d = event.data;
      const a = currentCycle(v).appointments.find((x) => x.id === d.appointmentId);
      if (a) a.heldOn = d.heldOn;
      meet(v, ['first_appointment'], d.heldOn);
      meet(v, ['contact_gap'], d.heldOn);
      // Intensive: the month's échéance is met by its n-th entretien held (parameter intensiveMonthlyEntretiens).
      const month = d.heldOn.slice(0, 7);
      const heldInMonth = currentCycle(v).appointments.filter((x) => x.heldOn?.startsWith(month)).length;
      if (heldInMonth >= paramsOn(book, d.heldOn).p.intensiveMonthlyEntretiens)
        meet(v, ['intensive_contact'], d.heldOn, (e) => keyOf(v, e) === month);
      open(v, book, 'contact_gap', d.appointmentId, d.heldOn, (p) => addMonths(d.heldOn, p.contactGapMonths));
      return v;
    }
    case 'AppointmentMissed': {
      const a = currentCycle(v).appointments.find((x) => x.id === event.data.appointmentId);
      if (a) a.missedOn = event.data.missedOn;
      return v;
    }
    case 'AppointmentCancelled': {
      const a = currentCycle(v).appointments.find((x) => x.id === event.data.appointmentId);
      if (a) a.cancelledOn = event.data.cancelledOn;
      return v;
    }
    case 'DiagnosticRecorded': {
      const c = currentCycle(v);
      for (const b of event.data.barriers) {
        if (!c.barriers.some((x) => x.barrier === b && !x.liftedOn))
          c.barriers.push({ barrier: b, recordedOn: event.data.diagnosedOn });
      }
      return v;
    }
    case 'BarrierLifted': {
      const b = currentCycle(v).barriers.find((x) => x.barrier === event.data.barrier && !x.liftedOn);
      if (b) b.liftedOn = event.data.liftedOn;
      return v;
    }
    case 'ContractSigned': {
      const d = event.data;
      currentCycle(v).contracts.push({
        id: d.contractId,
        signedOn: d.signedOn,
        startsOn: d.startsOn,
        endsOn: d.endsOn,
        weeklyHours: d.weeklyHours,
        renewal: d.renewal,
      });
      meet(v, ['first_contract'], d.signedOn);
      meet(v, ['contract_end'], d.signedOn);
      if (d.signedOn >= LEGACY_CONTRACT_DEADLINE.inRsaOn) meet(v, ['legacy_contract'], d.signedOn);
      open(
        v,
        book,
        'contract_end',
        d.contractId,
        d.startsOn,
        () => d.endsOn,
        (p) => p.contractEndWarningDays,
      );
      // L262-31: a contract of the social parcours opens its joint review, unless one is awaited already.
      const c = currentCycle(v);
      if (
        c.orientations[c.orientations.length - 1]?.track === 'social' &&
        !interrupted(c) &&
        openOnes(v, ['joint_review']).length === 0
      ) {
        open(v, book, 'joint_review', d.signedOn, d.signedOn, (p) =>
          addMonths(d.signedOn, p.jointReviewMonths),
        );
      }
      return v;
    }
    case 'JointReviewHeld': {
      const d = event.data;
      meet(v, ['joint_review'], d.reviewedOn);
      if (d.outcome === 'social_track_maintained')
        open(v, book, 'joint_review', d.reviewedOn, d.reviewedOn, (p) =>
          addMonths(d.reviewedOn, p.jointReviewMonths),
        );
      return v;
    }
    case 'JointReviewExtended': {
      // Twelve months from the same start: the six-month one is replaced, not met.
      for (const e of openOnes(v, ['joint_review'])) {
        e.cancelledOn = event.data.decidedOn;
        open(v, book, 'joint_review', `${keyOf(v, e)}:extended`, e.startsOn, (p) =>
          addMonths(e.startsOn, p.jointReviewExtendedMonths),
        );
      }
      return v;
    }
    case 'GlobalAccompanimentOriented':
      (currentCycle(v).globalAccompaniments ??= []).push({ orientedOn: event.data.orientedOn });
      return v;
    case 'GlobalAccompanimentStarted': {
      const g = currentCycle(v).globalAccompaniments?.at(-1);
      if (g) Object.assign(g, { startedOn: event.data.startedOn, binomeId: event.data.binomeId });
      return v;
    }
    case 'GlobalAccompanimentEnded': {
      const g = currentCycle(v).globalAccompaniments?.at(-1);
      if (g) g.endedOn = event.data.endedOn;
      return v;
    }
    case 'AccompanimentInterrupted': {
      const d = event.data;
      const c = currentCycle(v);
      (c.interruptions ??= []).push({ on: d.interruptedOn, afterOrientations: c.orientations.length });
      c.referentId = undefined;
      c.referentOrganisationId = undefined;
      cancel(v, NEEDS_REFERENT, d.interruptedOn);
      open(v, book, 'orientation_after_interruption', d.interruptedOn, d.interruptedOn, (p) =>
        addMonths(d.interruptedOn, p.ruptureFollowUpMonths),
      );
      return v;
    }
    case 'IntensiveAccompanimentStarted': {
      const d = event.data;
      currentCycle(v).intensive = { startedOn: d.startedOn, plannedEndOn: d.plannedEndOn };
      // One échéance per calendar month of the planned period, due on its last day.
      for (
        let month = d.startedOn.slice(0, 7);
        `${month}-01` <= d.plannedEndOn;
        month = addMonths(`${month}-01`, 1).slice(0, 7)
      ) {
        const startsOn = month === d.startedOn.slice(0, 7) ? d.startedOn : `${month}-01`;
        open(v, book, 'intensive_contact', month, startsOn, () => addDays(addMonths(`${month}-01`, 1), -1));
      }
      return v;
    }
    case 'IntensiveAccompanimentEnded': {
      const x = currentCycle(v).intensive;
      if (x) x.endedOn = event.data.endedOn;
      // The months after the end are moot; the month of the end keeps its échéance.
      for (const e of openOnes(v, ['intensive_contact']))
        if (e.startsOn > event.data.endedOn) e.cancelledOn = event.data.endedOn;
      return v;
    }
    case 'BalancedReviewHeld': {
      const d = event.data;
      meet(v, ['balanced_review'], d.reviewedOn);
      // Continuing in the équilibré parcours: the next review is 12 months on.
      if (d.outcome === 'continue')
        open(v, book, 'balanced_review', `review-${d.reviewedOn}`, d.reviewedOn, (p) =>
          addMonths(d.reviewedOn, p.balancedReviewMonths),
        );
      return v;
    }
    case 'ContractReviewed': {
      const d = event.data;
      const k = currentCycle(v).contracts.find((x) => x.id === d.contractId);
      if (k) k.reviewedOn = d.reviewedOn;
      meet(v, ['contract_end'], d.reviewedOn, (e) => keyOf(v, e) === d.contractId);
      return v;
    }
    case 'ActionPrescribed': {
      const d = event.data;
      currentCycle(v).prescriptions.push({
        id: d.prescriptionId,
        actionId: d.actionId,
        dispositifCode: d.dispositifCode,
        prescribedOn: d.prescribedOn,
      });
      return v;
    }
    case 'ActionEntered': {
      const x = currentCycle(v).prescriptions.find((p) => p.id === event.data.prescriptionId);
      if (x) x.enteredOn = event.data.enteredOn;
      return v;
    }
    case 'ActionExited': {
      const x = currentCycle(v).prescriptions.find((p) => p.id === event.data.prescriptionId);
      if (x) Object.assign(x, { exitedOn: event.data.exitedOn, outcome: event.data.outcome });
      return v;
    }
    case 'EmploymentStarted': {
      const c = currentCycle(v);
      c.employmentStarts.push(event.data.startedOn);
      (c.employments ??= []).push({ id: event.data.employmentId, startedOn: event.data.startedOn });
      return v;
    }
    case 'EmploymentEnded': {
      // An employment may end after an exit and a re-entry: look in every cycle.
      const job = v.cycles.flatMap((c) => c.employments ?? []).find((x) => x.id === event.data.employmentId);
      if (job) job.endedOn = event.data.endedOn;
      return v;
    }
    case 'ReorientationRequested':
      currentCycle(v).reorientationRequests.push({
        id: event.data.requestId,
        requestedOn: event.data.requestedOn,
      });
      return v;
    case 'ReorientationRefused': {
      const r = currentCycle(v).reorientationRequests.find((x) => x.id === event.data.requestId);
      if (r) Object.assign(r, { decidedOn: event.data.decidedOn, accepted: false });
      return v;
    }
    case 'ExemptionGranted':
    case 'BeneficiaryInformedOfBreach':
    case 'BreachObservationsReceived':
    case 'EpOpinionGiven':
    case 'SuppressionEpOpinionGiven':
      return v;
    case 'SanctionAppealed': {
      const s = anySuspension(v, event.data.sanctionId);
      if (s) s.appealedOn = event.data.appealedOn;
      return v;
    }
    case 'SanctionWithdrawn': {
      // A recours may succeed after the cycle of the sanction: look in every cycle.
      const s = anySuspension(v, event.data.sanctionId);
      if (s) s.withdrawnOn = event.data.decidedOn;
      for (const e of openOnes(v, ['suspension_end']))
        if (keyOf(v, e) === event.data.sanctionId) e.cancelledOn = event.data.decidedOn;
      return v;
    }
    case 'BreachReported':
      v.openBreaches.push(event.data.breachId);
      return v;
    case 'BreachDismissed':
      v.openBreaches = v.openBreaches.filter((b) => b !== event.data.breachId);
      return v;
    case 'SuspensionDecided': {
      const d = event.data;
      v.openBreaches = v.openBreaches.filter((b) => b !== d.breachId);
      currentCycle(v).suspensions.push({
        id: d.sanctionId,
        decidedOn: d.decidedOn,
        startsOn: d.startsOn,
        endsOn: d.endsOn,
      });
      open(v, book, 'suspension_end', d.sanctionId, d.startsOn, () => d.endsOn);
      return v;
    }
    case 'SuspensionLiftedByRemobilisation': {
      const s = currentCycle(v).suspensions.find((x) => x.id === event.data.sanctionId);
      if (s) s.liftedOn = event.data.remobilisedOn;
      meet(v, ['suspension_end'], event.data.remobilisedOn, (e) => keyOf(v, e) === event.data.sanctionId);
      return v;
    }
    case 'SuspensionMadeDefinitive': {
      const s = currentCycle(v).suspensions.find((x) => x.id === event.data.sanctionId);
      if (s) s.definitiveOn = event.data.decidedOn;
      meet(v, ['suspension_end'], event.data.decidedOn, (e) => keyOf(v, e) === event.data.sanctionId);
      return v;
    }
    case 'RsaExited': {
      const d = event.data;
      currentCycle(v).exitedOn = d.exitedOn;
      v.status = 'exited';
      // An exit ends what binds in its cycle (DOMAIN.md §2.9): no contact is due, no suspension runs on an allocation no longer paid.
      cancel(
        v,
        [
          ...FOLLOW_UP,
          'suspension_end',
          'legacy_contract',
          'intensive_contact',
          'orientation_after_interruption',
        ],
        d.exitedOn,
      );
      // The accompaniment after exit ends by itself at the window's end (S001): met then, never overdue,
      // unless its end is recorded earlier or a re-entry comes first.
      open(v, book, 'accompaniment_end', 'exit', d.exitedOn, (p) =>
        addMonths(d.exitedOn, p.accompanimentAfterExitMonths),
      );
      const end = v.echeances[v.echeances.length - 1];
      end.metOn = end.dueOn;
      return v;
    }
    case 'AccompanimentEnded':
      currentCycle(v).accompanimentEndedOn = event.data.endedOn;
      v.status = 'closed';
      for (const e of v.echeances)
        if (e.kind === 'accompaniment_end' && !e.cancelledOn && e.metOn! > event.data.endedOn)
          e.metOn = event.data.endedOn;
      cancel(v, FOLLOW_UP, event.data.endedOn);
      return v;
    case 'PersonErased':
      // The names leave the read side; the facts stay for the figures.
      v.lastName = ERASED_NAME;
      v.firstName = ERASED_NAME;
      v.erased = true;
      return v;
    case 'TransferredToAnotherDepartement':
      currentCycle(v).transferredOn = event.data.transferredOn;
      v.status = 'transferred';
      cancel(v, [...ECHEANCE_KINDS], event.data.transferredOn);
      return v;
    default:
      // A type the schemas do not know (only written before the store checked them): nothing to fold.
      return v;
  }
}
