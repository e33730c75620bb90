import { BusinessDate } from '../shared/dates';
import { EventData, Household, ParcoursEvent, Person } from './events';
import { Barrier, OrganisationKind, Track } from './vocabulary';

export interface CycleSummary {
  cycle: number;
  enteredOn: BusinessDate;
  exitedOn?: BusinessDate;
  accompanimentEndedOn?: BusinessDate;
}

export interface Orientation {
  orientationId: string;
  track: Track;
  organisationId: string;
  organisationKind: OrganisationKind;
  notifiedOn: BusinessDate;
}

export interface Contract {
  contractId: string;
  kind: EventData<'ContractSigned'>['kind'];
  cycle: number;
  signedOn: BusinessDate;
  startsOn: BusinessDate;
  endsOn: BusinessDate;
  weeklyHours: number;
  objectives: string[];
  renewal: boolean;
  reviewedOn?: BusinessDate;
  /** Hours done, by week (the Monday), as last recorded. */
  weeks: Record<BusinessDate, { hours: number; shortfallReason?: string }>;
  /** The exit from the RSA that ended it before its term: an exit ends what binds in its cycle (DOMAIN.md §2.9). */
  endedByExitOn?: BusinessDate;
}

export interface Exemption {
  exemptionId: string;
  /** An exemption binds in its cycle only: a re-entry starts clean. */
  cycle: number;
  reason: EventData<'ExemptionGranted'>['reason'];
  from: BusinessDate;
  to?: BusinessDate;
}

export interface Breach {
  breachId: string;
  obligation: string;
  occurredOn: BusinessDate;
  reportedOn: BusinessDate;
  informedOn?: BusinessDate;
  observationsOn?: BusinessDate;
  epOpinion?: 'sanction' | 'no_sanction';
  epOpinionOn?: BusinessDate;
  /** The cycle it was reported in: a re-entry starts clean (DOMAIN.md §2.9). */
  cycle: number;
  decision?: 'dismissed' | 'suspension';
}

export interface Sanction {
  sanctionId: string;
  breachId: string;
  /** The obligation of its manquement: a later manquement of the same one is repeated. */
  obligation: string;
  decidedOn: BusinessDate;
  startsOn: BusinessDate;
  endsOn: BusinessDate;
  months: number;
  status: 'in_progress' | 'lifted' | 'definitive' | 'withdrawn';
  /** The EP's opinion on a suppression (L262-37 III). */
  suppressionOpinionOn?: BusinessDate;
  appealedOn?: BusinessDate;
}

/**
 * What decide needs to know of a parcours, rebuilt from its events by evolve.
 * Not a read model: screens read projections.
 */
export interface ParcoursState {
  /** Revision of the last event folded in, -1 for a parcours that does not exist. */
  revision: number;
  parcoursId?: string;
  person?: Person;
  household?: Household;
  territory?: string;
  status: 'none' | 'in_rsa' | 'exited' | 'closed' | 'transferred';
  /** The person's data were erased: nothing more is recorded. */
  erased?: boolean;
  cycle: number;
  cycles: CycleSummary[];
  demandOn?: BusinessDate;
  enteredOn?: BusinessDate;
  exitedOn?: BusinessDate;
  franceTravailRegisteredOn?: BusinessDate;
  /** Current orientation of the cycle. */
  orientation?: Orientation;
  referentId?: string;
  referentOrganisationId?: string;
  appointments: Record<
    string,
    {
      scheduledFor: BusinessDate;
      status: 'scheduled' | 'held' | 'missed' | 'cancelled';
      /** Missed with a legitimate reason: no manquement. */
      excused?: boolean;
    }
  >;
  /** Invitations to book a first appointment, answered when an appointment is set after them. */
  invitations: Record<
    string,
    { cycle: number; sentOn: BusinessDate; answeredOn?: BusinessDate; reminders: number }
  >;
  /** Convocations, by id: the appointment each summons to. */
  convocations: Record<string, { appointmentId: string; sentOn: BusinessDate; reminders: number }>;
  /** Messages sent (invitations, convocations, reminders), by id: their channels and day, for delivery reports. */
  messages: Record<string, { channels: string[]; sentOn: BusinessDate }>;
  barriers: Partial<Record<Barrier, { recordedOn: BusinessDate; liftedOn?: BusinessDate }>>;
  contracts: Record<string, Contract>;
  prescriptions: Record<
    string,
    { actionId: string; prescribedOn: BusinessDate; enteredOn?: BusinessDate; exitedOn?: BusinessDate }
  >;
  reorientationRequests: Record<string, { requestedOn: BusinessDate; decided: boolean }>;
  breaches: Record<string, Breach>;
  /** Every sanction of the person, across cycles: a repeated manquement counts across them (DOMAIN.md §4.1). */
  sanctions: Record<string, Sanction>;
  exemptions: Record<string, Exemption>;
  employments: Record<string, { startedOn: BusinessDate; endedOn?: BusinessDate }>;
  /** The intensive accompaniment of the current cycle, if one was started. */
  intensive?: { startedOn: BusinessDate; plannedEndOn: BusinessDate; endedOn?: BusinessDate };
  /**
   * The joint review awaited in the social parcours (L262-31): counted from the
   * contract that opened it, or from the last review that kept the person there.
   */
  jointReview?: { from: BusinessDate; extended: boolean };
  /** The accompagnement global of the current cycle: oriented to it, then started by a binôme. */
  /** The last interruption of the accompaniment in the cycle (a new orientation may not precede it). */
  interruptedOn?: BusinessDate;
  globalAccompaniment?: { orientedOn: BusinessDate; startedOn?: BusinessDate; endedOn?: BusinessDate };
}

export const initialParcoursState = (): ParcoursState => ({
  revision: -1,
  status: 'none',
  cycle: 0,
  cycles: [],
  appointments: {},
  barriers: {},
  contracts: {},
  prescriptions: {},
  reorientationRequests: {},
  breaches: {},
  sanctions: {},
  exemptions: {},
  employments: {},
  invitations: {},
  convocations: {},
  messages: {},
});

function updateCycle(state: ParcoursState, patch: Partial<CycleSummary>): CycleSummary[] {
  return state.cycles.map((c) => (c.cycle === state.cycle ? { ...c, ...patch } : c));
}

/** Folds one event into the state. Pure: never throws on a recorded event. */
export function evolve(state: ParcoursState, event: ParcoursEvent): ParcoursState {
  const s: ParcoursState = { ...state, revision: state.revision + 1 };
  switch (event.type) {
    case 'ParcoursEntered': {
      const d = event.data;
      return {
        ...s,
        parcoursId: d.parcoursId,
        person: d.person,
        erased: d.person.erased || undefined,
        household: d.household,
        territory: d.territory,
        status: 'in_rsa',
        cycle: d.cycle,
        cycles: [...s.cycles, { cycle: d.cycle, enteredOn: d.enteredOn }],
        demandOn: d.demandOn,
        enteredOn: d.enteredOn,
        exitedOn: undefined,
        // A new cycle is oriented anew; its history stays in the stream.
        orientation: undefined,
        intensive: undefined,
        jointReview: undefined,
        globalAccompaniment: undefined,
        interruptedOn: undefined,
        referentId: undefined,
        referentOrganisationId: undefined,
      };
    }
    case 'HouseholdChanged':
      return { ...s, household: event.data.household };
    case 'FranceTravailRegistered':
      return { ...s, franceTravailRegisteredOn: event.data.registeredOn };
    case 'Oriented': {
      const d = event.data;
      const changedOrganisation = s.orientation?.organisationId !== d.organisationId;
      return {
        ...s,
        orientation: {
          orientationId: d.orientationId,
          track: d.track,
          organisationId: d.organisationId,
          organisationKind: d.organisationKind,
          notifiedOn: d.notifiedOn,
        },
        // A référent belongs to the organisme: a new organisme names a new one.
        referentId: changedOrganisation ? undefined : s.referentId,
        referentOrganisationId: changedOrganisation ? undefined : s.referentOrganisationId,
        // The joint review concerns the social parcours only.
        jointReview: d.track === 'social' ? s.jointReview : undefined,
        reorientationRequests: d.reorientationRequestId
          ? {
              ...s.reorientationRequests,
              [d.reorientationRequestId]: {
                ...s.reorientationRequests[d.reorientationRequestId],
                decided: true,
              },
            }
          : s.reorientationRequests,
      };
    }
    case 'ReferentAssigned':
      return { ...s, referentId: event.data.referentId, referentOrganisationId: event.data.organisationId };
    case 'AppointmentScheduled': {
      // An appointment set answers the invitations of the cycle still waiting.
      const invitations = { ...s.invitations };
      for (const [id, i] of Object.entries(invitations))
        if (i.cycle === s.cycle && !i.answeredOn && i.sentOn <= event.data.scheduledOn)
          invitations[id] = { ...i, answeredOn: event.data.scheduledOn };
      return {
        ...s,
        invitations,
        appointments: {
          ...s.appointments,
          [event.data.appointmentId]: { scheduledFor: event.data.scheduledFor, status: 'scheduled' },
        },
      };
    }
    case 'AppointmentHeld':
      return withAppointmentStatus(s, event.data.appointmentId, 'held');
    case 'AppointmentMissed': {
      const missed = withAppointmentStatus(s, event.data.appointmentId, 'missed');
      const a = missed.appointments[event.data.appointmentId];
      return a
        ? {
            ...missed,
            appointments: {
              ...missed.appointments,
              [event.data.appointmentId]: { ...a, excused: event.data.legitimateReason },
            },
          }
        : missed;
    }
    case 'InvitationSent': {
      const d = event.data;
      return {
        ...s,
        invitations: {
          ...s.invitations,
          [d.invitationId]: { cycle: s.cycle, sentOn: d.sentOn, reminders: 0 },
        },
        messages: { ...s.messages, [d.invitationId]: { channels: d.channels, sentOn: d.sentOn } },
      };
    }
    case 'ConvocationSent': {
      const d = event.data;
      return {
        ...s,
        convocations: {
          ...s.convocations,
          [d.convocationId]: { appointmentId: d.appointmentId, sentOn: d.sentOn, reminders: 0 },
        },
        messages: { ...s.messages, [d.convocationId]: { channels: d.channels, sentOn: d.sentOn } },
      };
    }
    case 'ReminderSent': {
      const d = event.data;
      const messages = { ...s.messages, [d.reminderId]: { channels: d.channels, sentOn: d.sentOn } };
      if (d.about === 'invitation') {
        const i = s.invitations[d.aboutId];
        return i
          ? { ...s, messages, invitations: { ...s.invitations, [d.aboutId]: { ...i, reminders: d.rank } } }
          : s;
      }
      const c = s.convocations[d.aboutId];
      return c
        ? { ...s, messages, convocations: { ...s.convocations, [d.aboutId]: { ...c, reminders: d.rank } } }
        : s;
    }
    case 'ContactDetailsRecorded':
    case 'MessageDeliveryReported':
      // Read by the projections and the notification outbox (indicators, the parcours's timeline); decide needs nothing of it.
      return s;
    case 'AppointmentCancelled':
      return withAppointmentStatus(s, event.data.appointmentId, 'cancelled');
    case 'DiagnosticRecorded': {
      const barriers = { ...s.barriers };
      for (const b of event.data.barriers) {
        if (!barriers[b] || barriers[b]!.liftedOn) barriers[b] = { recordedOn: event.data.diagnosedOn };
      }
      return { ...s, barriers };
    }
    case 'BarrierLifted': {
      const current = s.barriers[event.data.barrier];
      return current
        ? {
            ...s,
            barriers: { ...s.barriers, [event.data.barrier]: { ...current, liftedOn: event.data.liftedOn } },
          }
        : s;
    }
    case 'ContractSigned': {
      const d = event.data;
      return {
        ...s,
        contracts: {
          ...s.contracts,
          [d.contractId]: {
            contractId: d.contractId,
            kind: d.kind,
            cycle: s.cycle,
            signedOn: d.signedOn,
            startsOn: d.startsOn,
            endsOn: d.endsOn,
            weeklyHours: d.weeklyHours,
            objectives: d.objectives,
            renewal: d.renewal,
            weeks: {},
          },
        },
        jointReview:
          s.jointReview ??
          (s.orientation?.track === 'social' ? { from: d.signedOn, extended: false } : undefined),
      };
    }
    case 'ActivityHoursRecorded': {
      const d = event.data;
      const c = s.contracts[d.contractId];
      return c
        ? {
            ...s,
            contracts: {
              ...s.contracts,
              [c.contractId]: {
                ...c,
                weeks: {
                  ...c.weeks,
                  [d.weekOf]: {
                    hours: d.hours,
                    shortfallReason: keptReason(c.weeks[d.weekOf], d, c.weeklyHours),
                  },
                },
              },
            },
          }
        : s;
    }
    case 'ContractReviewed': {
      const c = s.contracts[event.data.contractId];
      return c
        ? { ...s, contracts: { ...s.contracts, [c.contractId]: { ...c, reviewedOn: event.data.reviewedOn } } }
        : s;
    }
    case 'ActionPrescribed':
      return {
        ...s,
        prescriptions: {
          ...s.prescriptions,
          [event.data.prescriptionId]: {
            actionId: event.data.actionId,
            prescribedOn: event.data.prescribedOn,
          },
        },
      };
    case 'ActionEntered':
      return withPrescription(s, event.data.prescriptionId, { enteredOn: event.data.enteredOn });
    case 'ActionExited':
      return withPrescription(s, event.data.prescriptionId, { exitedOn: event.data.exitedOn });
    case 'ExemptionGranted': {
      const d = event.data;
      return {
        ...s,
        exemptions: {
          ...s.exemptions,
          [d.exemptionId]: {
            exemptionId: d.exemptionId,
            cycle: s.cycle,
            reason: d.reason,
            from: d.from,
            to: d.to,
          },
        },
      };
    }
    case 'EmploymentStarted':
      return {
        ...s,
        employments: { ...s.employments, [event.data.employmentId]: { startedOn: event.data.startedOn } },
      };
    case 'EmploymentEnded': {
      const job = s.employments[event.data.employmentId];
      return job
        ? {
            ...s,
            employments: {
              ...s.employments,
              [event.data.employmentId]: { ...job, endedOn: event.data.endedOn },
            },
          }
        : s;
    }
    case 'IntensiveAccompanimentStarted':
      return { ...s, intensive: { startedOn: event.data.startedOn, plannedEndOn: event.data.plannedEndOn } };
    case 'IntensiveAccompanimentEnded':
      return s.intensive ? { ...s, intensive: { ...s.intensive, endedOn: event.data.endedOn } } : s;
    case 'BalancedReviewHeld':
      return s;
    case 'ActivityPlanSet':
      // The plan always makes the contract's weekly hours (decide checks it): nothing for decide to keep.
      return s;
    case 'JointReviewHeld':
      // Kept in the social parcours: the next review counts from this one.
      return {
        ...s,
        jointReview:
          event.data.outcome === 'social_track_maintained'
            ? { from: event.data.reviewedOn, extended: false }
            : undefined,
      };
    case 'JointReviewExtended':
      return s.jointReview ? { ...s, jointReview: { ...s.jointReview, extended: true } } : s;
    case 'GlobalAccompanimentOriented':
      return { ...s, globalAccompaniment: { orientedOn: event.data.orientedOn } };
    case 'GlobalAccompanimentStarted':
      return s.globalAccompaniment
        ? { ...s, globalAccompaniment: { ...s.globalAccompaniment, startedOn: event.data.startedOn } }
        : s;
    case 'GlobalAccompanimentEnded':
      return s.globalAccompaniment
        ? { ...s, globalAccompaniment: { ...s.globalAccompaniment, endedOn: event.data.endedOn } }
        : s;
    case 'AccompanimentInterrupted':
      // No organisme référent any more: a new orientation is due; what only the référent could follow stops.
      return {
        ...s,
        orientation: undefined,
        referentId: undefined,
        referentOrganisationId: undefined,
        jointReview: undefined,
        intensive: undefined,
        interruptedOn: event.data.interruptedOn,
      };
    case 'ReorientationRequested':
      return {
        ...s,
        reorientationRequests: {
          ...s.reorientationRequests,
          [event.data.requestId]: { requestedOn: event.data.requestedOn, decided: false },
        },
      };
    case 'ReorientationRefused':
      return {
        ...s,
        reorientationRequests: {
          ...s.reorientationRequests,
          [event.data.requestId]: { ...s.reorientationRequests[event.data.requestId], decided: true },
        },
      };
    case 'BreachReported':
      return {
        ...s,
        breaches: {
          ...s.breaches,
          [event.data.breachId]: {
            breachId: event.data.breachId,
            obligation: event.data.obligation,
            occurredOn: event.data.occurredOn,
            reportedOn: event.data.reportedOn,
            cycle: s.cycle,
          },
        },
      };
    case 'BeneficiaryInformedOfBreach':
      return withBreach(s, event.data.breachId, { informedOn: event.data.informedOn });
    case 'BreachObservationsReceived':
      return withBreach(s, event.data.breachId, { observationsOn: event.data.receivedOn });
    case 'EpOpinionGiven':
      return withBreach(s, event.data.breachId, {
        epOpinion: event.data.opinion,
        epOpinionOn: event.data.givenOn,
      });
    case 'BreachDismissed':
      return withBreach(s, event.data.breachId, { decision: 'dismissed' });
    case 'SuspensionDecided': {
      const d = event.data;
      const withDecision = withBreach(s, d.breachId, { decision: 'suspension' });
      return {
        ...withDecision,
        sanctions: {
          ...s.sanctions,
          [d.sanctionId]: {
            sanctionId: d.sanctionId,
            breachId: d.breachId,
            obligation: s.breaches[d.breachId]?.obligation ?? '',
            decidedOn: d.decidedOn,
            startsOn: d.startsOn,
            endsOn: d.endsOn,
            months: d.months,
            status: 'in_progress',
          },
        },
      };
    }
    case 'SuspensionLiftedByRemobilisation':
      return withSanction(s, event.data.sanctionId, 'lifted');
    case 'SuppressionEpOpinionGiven':
      return patchSanction(s, event.data.sanctionId, { suppressionOpinionOn: event.data.givenOn });
    case 'SuspensionMadeDefinitive':
      return withSanction(s, event.data.sanctionId, 'definitive');
    case 'SanctionAppealed':
      return patchSanction(s, event.data.sanctionId, { appealedOn: event.data.appealedOn });
    case 'SanctionWithdrawn':
      return withSanction(s, event.data.sanctionId, 'withdrawn');
    case 'RsaExited': {
      const exitedOn = event.data.exitedOn;
      const contracts = { ...s.contracts };
      for (const c of Object.values(contracts)) {
        if (c.cycle === s.cycle && contractEnd(c) > exitedOn)
          contracts[c.contractId] = { ...c, endedByExitOn: exitedOn };
      }
      return {
        ...s,
        status: 'exited',
        exitedOn,
        contracts,
        jointReview: undefined,
        cycles: updateCycle(s, { exitedOn }),
      };
    }
    case 'AccompanimentEnded':
      return { ...s, status: 'closed', cycles: updateCycle(s, { accompanimentEndedOn: event.data.endedOn }) };
    case 'TransferredToAnotherDepartement':
      return { ...s, status: 'transferred' };
    case 'PersonErased':
      return { ...s, erased: true, person: s.person && { ...s.person, erased: true } };
  }
}

function withAppointmentStatus(
  s: ParcoursState,
  id: string,
  status: 'held' | 'missed' | 'cancelled',
): ParcoursState {
  const a = s.appointments[id];
  return a ? { ...s, appointments: { ...s.appointments, [id]: { ...a, status } } } : s;
}

function withPrescription(
  s: ParcoursState,
  id: string,
  patch: { enteredOn?: BusinessDate; exitedOn?: BusinessDate },
): ParcoursState {
  const p = s.prescriptions[id];
  return p ? { ...s, prescriptions: { ...s.prescriptions, [id]: { ...p, ...patch } } } : s;
}

function withBreach(s: ParcoursState, id: string, patch: Partial<Breach>): ParcoursState {
  const b = s.breaches[id];
  return b ? { ...s, breaches: { ...s.breaches, [id]: { ...b, ...patch } } } : s;
}

function patchSanction(s: ParcoursState, id: string, patch: Partial<Sanction>): ParcoursState {
  const x = s.sanctions[id];
  return x ? { ...s, sanctions: { ...s.sanctions, [id]: { ...x, ...patch } } } : s;
}

function withSanction(s: ParcoursState, id: string, status: Sanction['status']): ParcoursState {
  return patchSanction(s, id, { status });
}

export function rebuild(
  events: ParcoursEvent[],
  from: ParcoursState = initialParcoursState(),
): ParcoursState {
  return events.reduce(evolve, from);
}

/** The last day a contract binds: its end date, or its bilan or the exit from the RSA when that came first. */
/**
 * The reason of a week's shortfall after a new record of it: the one given, or — for a partner's report,
 * which carries none — the référent's, while the week stays short.
 */
export function keptReason(
  before: { shortfallReason?: string } | undefined,
  record: { hours: number; source: string; shortfallReason?: string },
  weeklyHours: number,
): string | undefined {
  if (record.shortfallReason) return record.shortfallReason;
  return record.source === 'partner' && record.hours < weeklyHours ? before?.shortfallReason : undefined;
}

export function contractEnd(c: Contract): BusinessDate {
  return [c.endsOn, c.reviewedOn, c.endedByExitOn]
    .filter((d): d is BusinessDate => d !== undefined)
    .sort()[0];
}

/** The exemption in force on a date, if any (DOMAIN.md §2: exemptions of the activity obligation). */
export function exemptionInForce(s: ParcoursState, date: BusinessDate): Exemption | undefined {
  return Object.values(s.exemptions).find(
    (x) => x.cycle === s.cycle && x.from <= date && (x.to === undefined || date <= x.to),
  );
}

/** The contract in force on a date, if any. */
export function contractInForce(s: ParcoursState, date: BusinessDate): Contract | undefined {
  return Object.values(s.contracts).find((c) => c.startsOn <= date && date <= contractEnd(c));
}
