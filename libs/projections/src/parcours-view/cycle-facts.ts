import { addDays, BusinessDate, keptReason, ParcoursEvent } from '@parcours/domain';

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
    /** The day its first activity plan was set (absent without a plan, and before plans were recorded). */
    planSetOn?: BusinessDate;
    /** Hours done by week (the Monday), as last recorded (absent before hours were recorded). */
    weeks?: { weekOf: BusinessDate; hours: number; shortfallReason?: string }[];
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
  /**
   * Accompaniments interrupted without exit, each after the n-th orientation
   * of the cycle (absent before interruptions were recorded).
   */
  interruptions?: { on: BusinessDate; afterOrientations: number }[];
  /** Exemptions of the activity obligation granted in the cycle (absent before they were recorded). */
  exemptions?: { from: BusinessDate; to?: BusinessDate }[];
  /** Invitations to a first appointment, answered when an appointment was set after them (absent before they were recorded). */
  invitations?: { sentOn: BusinessDate; answeredOn?: BusinessDate }[];
  /** Convocations, each to an appointment of the cycle (absent before they were recorded). */
  convocations?: { appointmentId: string; sentOn: BusinessDate }[];
  /** The accompagnements globaux of the cycle (absent before they were recorded). */
  globalAccompaniments?: {
    orientedOn: BusinessDate;
    startedOn?: BusinessDate;
    binomeId?: string;
    endedOn?: BusinessDate;
  }[];
}

/** Whether an exemption covered any day of the week of `weekOf` (its hours were not owed, DOMAIN.md §4.1). */
export function weekExempted(c: CycleFacts, weekOf: BusinessDate): boolean {
  const sunday = addDays(weekOf, 6);
  return (c.exemptions ?? []).some((x) => x.from <= sunday && (!x.to || x.to >= weekOf));
}

/** A week recorded below the contract's hours, without a reason, and not under an exemption. */
export function weekShort(
  c: CycleFacts,
  k: CycleFacts['contracts'][number],
  w: { weekOf: BusinessDate; hours: number; shortfallReason?: string },
): boolean {
  return w.hours < k.weeklyHours && !w.shortfallReason && !weekExempted(c, w.weekOf);
}

type Entered = Extract<ParcoursEvent, { type: 'ParcoursEntered' }>['data'];

/**
 * The facts of a new cycle. Cycles are numbered forward: an entry whose number
 * does not follow the last one (the schema admits it, decide never writes it)
 * still opens a new cycle, after the last, so that facts and échéances of two
 * cycles are never filed under one number.
 */
export function newCycle(d: Entered, lastCycle: number): CycleFacts {
  return {
    parcoursId: d.parcoursId,
    cycle: Math.max(d.cycle, lastCycle + 1),
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
}

/** Whether the orientation in force of the cycle was interrupted (no new one since). */
export function interrupted(c: CycleFacts): boolean {
  return (c.interruptions ?? []).some((i) => i.afterOrientations === c.orientations.length);
}

function suspensionInAnyCycle(cycles: CycleFacts[], sanctionId: string) {
  for (const c of cycles) {
    const s = c.suspensions.find((x) => x.id === sanctionId);
    if (s) return s;
  }
  return undefined;
}

/**
 * Folds one event into the facts of the cycles, in place: the current cycle
 * (the last) for most events; every cycle for a step that may come after a
 * re-entry (an employment's end, a recours on a sanction). An entry's new
 * cycle is added by the view. A step naming what the cycle does not know
 * (an appointment, a contract...) changes nothing.
 */
export function evolveFacts(cycles: CycleFacts[], event: ParcoursEvent): void {
  const c = cycles[cycles.length - 1];
  switch (event.type) {
    case 'HouseholdChanged':
      c.householdType = event.data.household.type;
      c.householdSize = event.data.household.size;
      return;
    case 'FranceTravailRegistered':
      c.franceTravailRegisteredOn = event.data.registeredOn;
      return;
    case 'Oriented': {
      const d = event.data;
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
      // A référent belongs to an organisme: an orientation to another one leaves the person without.
      if (c.referentOrganisationId && c.referentOrganisationId !== d.organisationId) {
        c.referentId = undefined;
        c.referentOrganisationId = undefined;
      }
      return;
    }
    case 'ReferentAssigned':
      c.referentId = event.data.referentId;
      c.referentOrganisationId = event.data.organisationId;
      return;
    case 'AppointmentScheduled': {
      const d = event.data;
      c.appointments.push({ id: d.appointmentId, scheduledOn: d.scheduledOn, scheduledFor: d.scheduledFor });
      for (const i of c.invitations ?? [])
        if (!i.answeredOn && i.sentOn <= d.scheduledOn) i.answeredOn = d.scheduledOn;
      return;
    }
    case 'ExemptionGranted':
      (c.exemptions ??= []).push({ from: event.data.from, ...(event.data.to ? { to: event.data.to } : {}) });
      return;
    case 'InvitationSent':
      (c.invitations ??= []).push({ sentOn: event.data.sentOn });
      return;
    case 'ConvocationSent':
      (c.convocations ??= []).push({ appointmentId: event.data.appointmentId, sentOn: event.data.sentOn });
      return;
    case 'AppointmentHeld': {
      const a = c.appointments.find((x) => x.id === event.data.appointmentId);
      if (a) a.heldOn = event.data.heldOn;
      return;
    }
    case 'AppointmentMissed': {
      const a = c.appointments.find((x) => x.id === event.data.appointmentId);
      if (a) a.missedOn = event.data.missedOn;
      return;
    }
    case 'AppointmentCancelled': {
      const a = c.appointments.find((x) => x.id === event.data.appointmentId);
      if (a) a.cancelledOn = event.data.cancelledOn;
      return;
    }
    case 'DiagnosticRecorded':
      for (const b of event.data.barriers) {
        if (!c.barriers.some((x) => x.barrier === b && !x.liftedOn))
          c.barriers.push({ barrier: b, recordedOn: event.data.diagnosedOn });
      }
      return;
    case 'BarrierLifted': {
      const b = c.barriers.find((x) => x.barrier === event.data.barrier && !x.liftedOn);
      if (b) b.liftedOn = event.data.liftedOn;
      return;
    }
    case 'ContractSigned': {
      const d = event.data;
      c.contracts.push({
        id: d.contractId,
        signedOn: d.signedOn,
        startsOn: d.startsOn,
        endsOn: d.endsOn,
        weeklyHours: d.weeklyHours,
        renewal: d.renewal,
      });
      return;
    }
    case 'ContractReviewed': {
      const k = c.contracts.find((x) => x.id === event.data.contractId);
      if (k) k.reviewedOn = event.data.reviewedOn;
      return;
    }
    case 'ActivityPlanSet': {
      const k = c.contracts.find((x) => x.id === event.data.contractId);
      if (k && !(k.planSetOn && k.planSetOn <= event.data.setOn)) k.planSetOn = event.data.setOn;
      return;
    }
    case 'ActivityHoursRecorded': {
      const d = event.data;
      const k = c.contracts.find((x) => x.id === d.contractId);
      if (!k) return;
      const weeks = (k.weeks ??= []);
      const i = weeks.findIndex((w) => w.weekOf === d.weekOf);
      const reason = keptReason(weeks[i], d, k.weeklyHours);
      const week = { weekOf: d.weekOf, hours: d.hours, ...(reason ? { shortfallReason: reason } : {}) };
      if (i >= 0) weeks[i] = week;
      else weeks.push(week);
      return;
    }
    case 'GlobalAccompanimentOriented':
      (c.globalAccompaniments ??= []).push({ orientedOn: event.data.orientedOn });
      return;
    case 'GlobalAccompanimentStarted': {
      const g = c.globalAccompaniments?.at(-1);
      if (g) Object.assign(g, { startedOn: event.data.startedOn, binomeId: event.data.binomeId });
      return;
    }
    case 'GlobalAccompanimentEnded': {
      const g = c.globalAccompaniments?.at(-1);
      if (g) g.endedOn = event.data.endedOn;
      return;
    }
    case 'AccompanimentInterrupted':
      (c.interruptions ??= []).push({
        on: event.data.interruptedOn,
        afterOrientations: c.orientations.length,
      });
      c.referentId = undefined;
      c.referentOrganisationId = undefined;
      return;
    case 'IntensiveAccompanimentStarted':
      c.intensive = { startedOn: event.data.startedOn, plannedEndOn: event.data.plannedEndOn };
      return;
    case 'IntensiveAccompanimentEnded':
      if (c.intensive) c.intensive.endedOn = event.data.endedOn;
      return;
    case 'ActionPrescribed': {
      const d = event.data;
      c.prescriptions.push({
        id: d.prescriptionId,
        actionId: d.actionId,
        dispositifCode: d.dispositifCode,
        prescribedOn: d.prescribedOn,
      });
      return;
    }
    case 'ActionEntered': {
      const x = c.prescriptions.find((p) => p.id === event.data.prescriptionId);
      if (x) x.enteredOn = event.data.enteredOn;
      return;
    }
    case 'ActionExited': {
      const x = c.prescriptions.find((p) => p.id === event.data.prescriptionId);
      if (x) Object.assign(x, { exitedOn: event.data.exitedOn, outcome: event.data.outcome });
      return;
    }
    case 'EmploymentStarted':
      c.employmentStarts.push(event.data.startedOn);
      (c.employments ??= []).push({ id: event.data.employmentId, startedOn: event.data.startedOn });
      return;
    case 'EmploymentEnded': {
      const job = cycles.flatMap((x) => x.employments ?? []).find((x) => x.id === event.data.employmentId);
      if (job) job.endedOn = event.data.endedOn;
      return;
    }
    case 'ReorientationRequested':
      c.reorientationRequests.push({ id: event.data.requestId, requestedOn: event.data.requestedOn });
      return;
    case 'ReorientationRefused': {
      const r = c.reorientationRequests.find((x) => x.id === event.data.requestId);
      if (r) Object.assign(r, { decidedOn: event.data.decidedOn, accepted: false });
      return;
    }
    case 'SuspensionDecided': {
      const d = event.data;
      c.suspensions.push({
        id: d.sanctionId,
        decidedOn: d.decidedOn,
        startsOn: d.startsOn,
        endsOn: d.endsOn,
      });
      return;
    }
    case 'SuspensionLiftedByRemobilisation': {
      const s = c.suspensions.find((x) => x.id === event.data.sanctionId);
      if (s) s.liftedOn = event.data.remobilisedOn;
      return;
    }
    case 'SuspensionMadeDefinitive': {
      const s = c.suspensions.find((x) => x.id === event.data.sanctionId);
      if (s) s.definitiveOn = event.data.decidedOn;
      return;
    }
    case 'SanctionAppealed': {
      const s = suspensionInAnyCycle(cycles, event.data.sanctionId);
      if (s) s.appealedOn = event.data.appealedOn;
      return;
    }
    case 'SanctionWithdrawn': {
      const s = suspensionInAnyCycle(cycles, event.data.sanctionId);
      if (s) s.withdrawnOn = event.data.decidedOn;
      return;
    }
    case 'RsaExited':
      c.exitedOn = event.data.exitedOn;
      return;
    case 'AccompanimentEnded':
      c.accompanimentEndedOn = event.data.endedOn;
      return;
    case 'TransferredToAnotherDepartement':
      c.transferredOn = event.data.transferredOn;
      return;
    default:
      return;
  }
}
