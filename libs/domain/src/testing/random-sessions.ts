import fc from 'fast-check';
import { addDays, BusinessDate } from '../shared/dates';
import { DEFAULT_PARAMETERS } from '../shared/parameters';
import { RuleViolation } from '../shared/rule-violation';
import { ParcoursCommand } from '../parcours/commands';
import { decide, DecisionContext } from '../parcours/decide';
import { ParcoursEvent } from '../parcours/events';
import { evolve, initialParcoursState, ParcoursState } from '../parcours/state';
import { BARRIERS } from '../parcours/vocabulary';

/**
 * Random command sessions on one parcours, for property-based tests: each
 * step is a plausible command; the rules refuse many, which is the point.
 */
export const TODAY = '2025-12-31';
const ORGANISATIONS = [
  { organisationId: 'org-ft', kind: 'france_travail' as const, active: true },
  { organisationId: 'org-ccas', kind: 'ccas_cias' as const, active: true },
];
const REFERENTS = [
  { referentId: 'ref-ft', organisationId: 'org-ft', active: true },
  { referentId: 'ref-ccas-1', organisationId: 'org-ccas', active: true },
  { referentId: 'ref-ccas-2', organisationId: 'org-ccas', active: true },
];
const KINDS = [
  'Enter', 'Reenter', 'Orient', 'AssignReferent', 'ScheduleAppointment', 'RecordAppointmentHeld', 'RecordAppointmentMissed',
  'CancelAppointment', 'RecordDiagnostic', 'LiftBarrier', 'SignContract', 'ReviewContract', 'PrescribeAction', 'EnterAction',
  'ExitAction', 'StartEmployment', 'RequestReorientation', 'DecideReorientation', 'ReportBreach', 'InformOfBreach',
  'ReceiveObservations', 'GiveEpOpinion', 'DecideBreach', 'LiftSuspension', 'MakeSuspensionDefinitive', 'ExitRsa',
  'EndAccompaniment', 'GrantExemption', 'RecordBalancedReview',
] as const;

export interface Step {
  kind: (typeof KINDS)[number];
  /** Days after the previous step: sessions move forward in time, as parcours do, with some back-dating. */
  day: number;
  pick: number;
  n: number;
  flag: boolean;
}

const step: fc.Arbitrary<Step> = fc.record({
  kind: fc.constantFrom(...KINDS),
  day: fc.integer({ min: -3, max: 8 }),
  pick: fc.nat({ max: 100 }),
  n: fc.integer({ min: 0, max: 40 }),
  flag: fc.boolean(),
});

const pickKey = (record: Record<string, unknown>, pick: number): string => {
  const keys = Object.keys(record);
  return keys.length ? keys[pick % keys.length] : 'none';
};

/** A plausible command of the given kind on the current state; many will be refused, which is the point. */
function commandFor(s: ParcoursState, x: Step, on: BusinessDate): ParcoursCommand {
  switch (x.kind) {
    case 'Enter':
      return { type: 'Enter', person: { lastName: 'X', firstName: 'Y', birthDate: '1980-01-01', sex: 'male' }, household: { type: 'couple', size: 1 + (x.n % 3) }, territory: 'T1', demandOn: addDays(on, -4), rightOpenedOn: addDays(on, -2), enteredOn: on };
    case 'Reenter':
      return { type: 'Reenter', demandOn: addDays(on, -4), rightOpenedOn: addDays(on, -2), enteredOn: on };
    case 'Orient':
      return { type: 'Orient', track: (['social', 'employment', 'socio_professional'] as const)[x.pick % 3], organisationId: ORGANISATIONS[x.pick % 2].organisationId, decidedOn: on, notifiedOn: addDays(on, x.n % 3) };
    case 'AssignReferent':
      return { type: 'AssignReferent', referentId: REFERENTS[x.pick % 3].referentId, assignedOn: on };
    case 'ScheduleAppointment':
      return { type: 'ScheduleAppointment', scheduledOn: on, scheduledFor: addDays(on, x.n), kind: 'individual', channel: 'in_person' };
    case 'RecordAppointmentHeld':
      return { type: 'RecordAppointmentHeld', appointmentId: pickKey(s.appointments, x.pick), heldOn: on };
    case 'RecordAppointmentMissed':
      return { type: 'RecordAppointmentMissed', appointmentId: pickKey(s.appointments, x.pick), missedOn: on, legitimateReason: x.flag };
    case 'CancelAppointment':
      return { type: 'CancelAppointment', appointmentId: pickKey(s.appointments, x.pick), cancelledOn: on };
    case 'RecordDiagnostic':
      return { type: 'RecordDiagnostic', diagnosedOn: on, barriers: BARRIERS.filter((_, i) => (x.pick >> i) & 1) };
    case 'LiftBarrier':
      return { type: 'LiftBarrier', barrier: BARRIERS[x.pick % BARRIERS.length], liftedOn: on };
    case 'SignContract':
      return { type: 'SignContract', kind: 'contrat_engagement', signedOn: on, startsOn: on, endsOn: addDays(on, 7 * x.n), weeklyHours: x.n, objectives: [] };
    case 'ReviewContract':
      return { type: 'ReviewContract', contractId: pickKey(s.contracts, x.pick), reviewedOn: on, outcome: 'renewal' };
    case 'PrescribeAction':
      return { type: 'PrescribeAction', actionId: 'act-1', prescribedOn: on };
    case 'EnterAction':
      return { type: 'EnterAction', prescriptionId: pickKey(s.prescriptions, x.pick), enteredOn: on };
    case 'ExitAction':
      return { type: 'ExitAction', prescriptionId: pickKey(s.prescriptions, x.pick), exitedOn: on, outcome: 'training' };
    case 'StartEmployment':
      return { type: 'StartEmployment', startedOn: on, kind: 'permanent' };
    case 'RequestReorientation':
      return { type: 'RequestReorientation', requestedOn: on, motive: 'other' };
    case 'DecideReorientation':
      return { type: 'DecideReorientation', requestId: pickKey(s.reorientationRequests, x.pick), decidedOn: on, accepted: x.flag, track: 'social', organisationId: ORGANISATIONS[x.n % 2].organisationId };
    case 'ReportBreach':
      return { type: 'ReportBreach', kind: 'unreachable', occurredOn: addDays(on, -(x.n % 5)), reportedOn: on };
    case 'InformOfBreach':
      return { type: 'InformOfBreach', breachId: pickKey(s.breaches, x.pick), informedOn: on };
    case 'ReceiveObservations':
      return { type: 'ReceiveObservations', breachId: pickKey(s.breaches, x.pick), receivedOn: on };
    case 'GiveEpOpinion':
      return { type: 'GiveEpOpinion', breachId: pickKey(s.breaches, x.pick), givenOn: on, opinion: x.flag ? 'sanction' : 'no_sanction' };
    case 'DecideBreach':
      return { type: 'DecideBreach', breachId: pickKey(s.breaches, x.pick), decidedOn: on, decision: x.flag ? 'suspension' : 'dismissed', sharePercent: 20 + x.n * 2, months: 1 + (x.n % 4) };
    case 'LiftSuspension':
      return { type: 'LiftSuspension', sanctionId: pickKey(s.sanctions, x.pick), remobilisedOn: on };
    case 'MakeSuspensionDefinitive':
      return { type: 'MakeSuspensionDefinitive', sanctionId: pickKey(s.sanctions, x.pick), decidedOn: on, kind: 'suppression' };
    case 'ExitRsa':
      return { type: 'ExitRsa', exitedOn: on, reason: 'income' };
    case 'EndAccompaniment':
      return { type: 'EndAccompaniment', endedOn: on };
    case 'RecordBalancedReview':
      return { type: 'RecordBalancedReview', reviewedOn: on, outcome: x.flag ? 'continue' : 'reorientation' };
    case 'GrantExemption':
      return { type: 'GrantExemption', reason: 'health', from: on, to: x.flag ? addDays(on, x.n) : undefined };
  }
}

function contextFor(x: Step, counter: { n: number }, parcoursId: string): DecisionContext {
  return {
    parcoursId,
    today: TODAY,
    parametersOn: () => DEFAULT_PARAMETERS,
    newId: () => `${parcoursId}-${++counter.n}`,
    organisation: ORGANISATIONS[(x.kind === 'DecideReorientation' ? x.n : x.pick) % 2],
    referent: REFERENTS[x.pick % 3],
    action: { actionId: 'act-1', dispositifCode: '3.3' },
  };
}

/** Runs a random session of commands; returns the accepted events with the state before each. */
export function play(steps: Step[], parcoursId = 'p-prop'): { events: ParcoursEvent[]; before: ParcoursState[]; final: ParcoursState } {
  let state = initialParcoursState();
  const events: ParcoursEvent[] = [];
  const before: ParcoursState[] = [];
  const counter = { n: 0 };
  let day = 0;
  for (const x of steps) {
    day = Math.max(0, day + x.day);
    let decided: ParcoursEvent[];
    try {
      decided = decide(state, commandFor(state, x, addDays('2025-01-01', day)), contextFor(x, counter, parcoursId));
    } catch (error) {
      if (error instanceof RuleViolation) continue;
      throw error;
    }
    for (const e of decided) {
      before.push(state);
      events.push(e);
      state = evolve(state, e);
    }
  }
  return { events, before, final: state };
}

const sessions = fc.array(step, { minLength: 30, maxLength: 100, size: 'max' });
// Most random commands are refused on an empty parcours: start most sessions with a followed parcours.
const followedStart: Step[] = [
  { kind: 'Enter', day: 0, pick: 0, n: 0, flag: true },
  { kind: 'Orient', day: 10, pick: 1, n: 0, flag: true },
  { kind: 'AssignReferent', day: 2, pick: 1, n: 0, flag: true },
];
export const arbitrarySession: fc.Arbitrary<Step[]> = fc.tuple(fc.boolean(), sessions).map(([start, rest]) => (start ? [...followedStart, ...rest] : rest));

