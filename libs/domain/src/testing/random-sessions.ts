import fc from 'fast-check';
import { addDays, BusinessDate, daysBetween } from '../shared/dates';
import { DEFAULT_PARAMETERS } from '../shared/parameters';
import { RuleViolation } from '../shared/rule-violation';
import { ParcoursCommand } from '../parcours/commands';
import { decide, DecisionContext } from '../parcours/decide';
import { ParcoursEvent } from '../parcours/events';
import { evolve, initialParcoursState, ParcoursState } from '../parcours/state';
import {
  ACTIVITY_HOURS_OBLIGATION,
  ACTIVITY_HOURS_SOURCES,
  ACTIVITY_KINDS,
  DELIVERY_OUTCOMES,
  MESSAGE_CHANNELS,
  HOURS_SHORTFALL_REASONS,
  APPOINTMENT_CHANNELS,
  APPOINTMENT_KINDS,
  BARRIERS,
  CONTRACT_KINDS,
  DEFINITIVE_KINDS,
  ERASURE_REASONS,
  EXEMPTION_REASONS,
  HOURS_REDUCTION_REASONS,
  HOUSEHOLD_TYPES,
  INTERRUPTION_REASONS,
  JOINT_REVIEW_OUTCOMES,
  LEGAL_OBLIGATIONS,
  TRACKS,
  TRANSFER_HISTORY_STEPS,
  SEXES,
} from '../parcours/vocabulary';
import { lookup } from '../shared/identifiers';

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
  'Enter',
  'Reenter',
  'Orient',
  'AssignReferent',
  'ScheduleAppointment',
  'RecordAppointmentHeld',
  'RecordAppointmentMissed',
  'CancelAppointment',
  'RecordDiagnostic',
  'LiftBarrier',
  'SignContract',
  'ReviewContract',
  'PrescribeAction',
  'EnterAction',
  'ExitAction',
  'StartEmployment',
  'RequestReorientation',
  'DecideReorientation',
  'ReportBreach',
  'InformOfBreach',
  'ReceiveObservations',
  'GiveEpOpinion',
  'DecideBreach',
  'LiftSuspension',
  'MakeSuspensionDefinitive',
  'ExitRsa',
  'EndAccompaniment',
  'GrantExemption',
  'RecordBalancedReview',
  'ChangeHousehold',
  'RegisterWithFranceTravail',
  'Transfer',
  'GiveSuppressionEpOpinion',
  'AppealSanction',
  'WithdrawSanction',
  'EndEmployment',
  'StartIntensiveAccompaniment',
  'EndIntensiveAccompaniment',
  'HoldJointReview',
  'ExtendJointReview',
  'OrientToGlobalAccompaniment',
  'StartGlobalAccompaniment',
  'EndGlobalAccompaniment',
  'InterruptAccompaniment',
  'ErasePerson',
  'SetActivityPlan',
  'RecordActivityHours',
  'RecordContactDetails',
  'SendInvitation',
  'SendConvocation',
  'SendReminder',
  'ReportMessageDelivery',
] as const;

/** Values a client may send (the DTOs accept them), picked by a step's `variant`. */
const LAST_NAMES = ['X', 'Martin', "O'Neil-Dupont", 'Nguyễn Thị', 'Lefèvre Saint-Éloi'];
const NIRS = [undefined, '185057800608491', '285052A00608491'];
const CAF_NUMBERS = [undefined, '1234567', 'MSA0042'];
const TERRITORIES = ['T1', 'ARRAGEOIS'];
const OBJECTIVES = [[], ['OBJ-1'], ['mobilite', 'permis.B', 'emploi:1']];
const FRANCE_TRAVAIL_IDS = [undefined, '1234567A'];
const DEPARTEMENTS = ['59', '2A', '971'];
const pickFrom = <T>(values: readonly T[], variant: number): T => values[variant % values.length];

export interface Step {
  kind: (typeof KINDS)[number];
  /** Days after the previous step: sessions move forward in time, as parcours do, with some back-dating. */
  day: number;
  pick: number;
  n: number;
  flag: boolean;
  /** Chooses among the values a client may send (names, NIR, codes...). */
  variant: number;
}

const step: fc.Arbitrary<Step> = fc.record({
  // The sanction procedure takes several steps in order: weighted, or a suppression would almost never be reached.
  kind: fc.constantFrom(
    ...KINDS,
    'DecideBreach',
    'DecideBreach',
    'DecideBreach',
    'ReportBreach',
    'MakeSuspensionDefinitive',
    'MakeSuspensionDefinitive',
    'MakeSuspensionDefinitive',
    'MakeSuspensionDefinitive',
    'SignContract',
    'SignContract',
    'HoldJointReview',
    'HoldJointReview',
  ),
  day: fc.integer({ min: -3, max: 8 }),
  pick: fc.nat({ max: 100 }),
  n: fc.integer({ min: 0, max: 40 }),
  flag: fc.boolean(),
  variant: fc.nat({ max: 10_000 }),
});

const pickKey = (record: Record<string, unknown>, pick: number): string => {
  const keys = Object.keys(record);
  return keys.length ? keys[pick % keys.length] : 'none';
};

/** Mostly a suspension in progress. */
const sanctionInProgress = (s: ParcoursState, pick: number): string =>
  pick % 5 === 0
    ? pickKey(s.sanctions, pick)
    : pickKey(
        Object.fromEntries(Object.entries(s.sanctions).filter(([, x]) => x.status === 'in_progress')),
        pick,
      );

/** Mostly a manquement still open, so that the four steps of the procedure often follow each other. */
const openBreach = (s: ParcoursState, pick: number): string =>
  pick % 5 === 0
    ? pickKey(s.breaches, pick)
    : pickKey(Object.fromEntries(Object.entries(s.breaches).filter(([, b]) => !b.decision)), pick);

/** A plausible command of the given kind on the current state; many will be refused, which is the point. */
function commandFor(s: ParcoursState, x: Step, on: BusinessDate): ParcoursCommand {
  switch (x.kind) {
    case 'Enter': {
      const nir = pickFrom(NIRS, x.variant);
      const person = {
        lastName: pickFrom(LAST_NAMES, x.variant),
        firstName: 'Y',
        birthDate: '1980-01-01',
        sex: pickFrom(SEXES, x.variant),
        ...(nir ? { nir } : {}),
      };
      // Sometimes a transfer in from another département, with the history it brings (a step after the arrival is refused).
      const transferredFrom =
        x.variant % 4 === 1
          ? {
              departementCode: pickFrom(DEPARTEMENTS, x.pick),
              history: [
                {
                  step: pickFrom(TRANSFER_HISTORY_STEPS, x.n),
                  on: addDays(on, x.flag ? -30 : 1),
                  track: pickFrom(TRACKS, x.pick),
                },
              ],
            }
          : undefined;
      return {
        type: 'Enter',
        person,
        household: householdFor(x),
        territory: pickFrom(TERRITORIES, x.variant),
        demandOn: addDays(on, -4),
        rightOpenedOn: addDays(on, -2),
        enteredOn: on,
        ...(transferredFrom ? { transferredFrom } : {}),
      };
    }
    case 'Reenter':
      return {
        type: 'Reenter',
        demandOn: addDays(on, -4),
        rightOpenedOn: addDays(on, -2),
        enteredOn: on,
        ...(x.flag ? { household: householdFor(x) } : {}),
        ...(x.variant % 2 ? { territory: pickFrom(TERRITORIES, x.pick) } : {}),
      };
    case 'ChangeHousehold':
      return { type: 'ChangeHousehold', household: householdFor(x), changedOn: on };
    case 'RegisterWithFranceTravail':
      return {
        type: 'RegisterWithFranceTravail',
        registeredOn: on,
        franceTravailId: pickFrom(FRANCE_TRAVAIL_IDS, x.variant),
      };
    case 'Transfer':
      // Rare: a transferred parcours refuses every later command.
      if (x.n > 1) return { type: 'ChangeHousehold', household: householdFor(x), changedOn: on };
      return { type: 'Transfer', transferredOn: on, departementCode: pickFrom(DEPARTEMENTS, x.variant) };
    case 'Orient':
      return {
        type: 'Orient',
        track: (['social', 'employment', 'socio_professional'] as const)[x.pick % 3],
        organisationId: ORGANISATIONS[x.pick % 2].organisationId,
        decidedOn: on,
        notifiedOn: addDays(on, x.n % 3),
      };
    case 'AssignReferent':
      return { type: 'AssignReferent', referentId: REFERENTS[x.pick % 3].referentId, assignedOn: on };
    case 'ScheduleAppointment':
      return {
        type: 'ScheduleAppointment',
        scheduledOn: on,
        scheduledFor: addDays(on, x.n),
        kind: pickFrom(APPOINTMENT_KINDS, x.variant),
        channel: pickFrom(APPOINTMENT_CHANNELS, x.variant),
      };
    case 'RecordAppointmentHeld':
      return { type: 'RecordAppointmentHeld', appointmentId: pickKey(s.appointments, x.pick), heldOn: on };
    case 'RecordAppointmentMissed':
      return {
        type: 'RecordAppointmentMissed',
        appointmentId: pickKey(s.appointments, x.pick),
        missedOn: on,
        legitimateReason: x.flag,
      };
    case 'CancelAppointment':
      return { type: 'CancelAppointment', appointmentId: pickKey(s.appointments, x.pick), cancelledOn: on };
    case 'RecordDiagnostic':
      return {
        type: 'RecordDiagnostic',
        diagnosedOn: on,
        barriers: BARRIERS.filter((_, i) => (x.pick >> i) & 1),
      };
    case 'LiftBarrier':
      return { type: 'LiftBarrier', barrier: BARRIERS[x.pick % BARRIERS.length], liftedOn: on };
    case 'SignContract':
      return {
        type: 'SignContract',
        kind: pickFrom(CONTRACT_KINDS, x.variant),
        signedOn: on,
        startsOn: on,
        endsOn: addDays(on, 7 * x.n),
        weeklyHours: x.flag ? x.n : x.n + 0.5,
        objectives: pickFrom(OBJECTIVES, x.variant),
        // Below the legal 15 hours a reason is needed: often given, sometimes not (then refused).
        ...(x.variant % 3 ? { hoursReductionReason: pickFrom(HOURS_REDUCTION_REASONS, x.n) } : {}),
      };
    case 'ReviewContract':
      return {
        type: 'ReviewContract',
        contractId: pickKey(s.contracts, x.pick),
        reviewedOn: on,
        outcome: 'renewal',
      };
    case 'SendInvitation':
      return {
        type: 'SendInvitation',
        sentOn: on,
        channels: MESSAGE_CHANNELS.filter((_, i) => (x.pick >> i) & 1),
        templateVersion: 1,
      };
    case 'SendConvocation':
      return {
        type: 'SendConvocation',
        appointmentId: pickKey(s.appointments, x.pick),
        sentOn: on,
        channels: [pickFrom(MESSAGE_CHANNELS, x.variant)],
        templateVersion: 1,
        ...(x.flag ? { time: '09:30', place: 'Maison du Département, Arras' } : {}),
      };
    case 'RecordContactDetails':
      // Some steps give no coordinates at all: refused (CONTACT_REQUIRED).
      return {
        type: 'RecordContactDetails',
        recordedOn: on,
        ...(x.flag ? { civility: 'madame' as const } : {}),
        ...((x.pick & 1) === 1 ? { email: 'personne@example.org' } : {}),
        ...((x.pick & 2) === 2 ? { phone: '06 12 34 56 78' } : {}),
        ...((x.pick & 4) === 4
          ? {
              postalAddress: {
                lines: ['Madame Martin', '3 rue Émile Zola'],
                postcode: '62000',
                city: 'ARRAS',
              },
            }
          : {}),
      };
    case 'SendReminder':
      return x.flag
        ? {
            type: 'SendReminder',
            about: 'invitation',
            aboutId: pickKey(s.invitations, x.pick),
            sentOn: on,
            channels: ['sms'],
            templateVersion: 1,
          }
        : {
            type: 'SendReminder',
            about: 'convocation',
            aboutId: pickKey(s.convocations, x.pick),
            sentOn: on,
            channels: ['email'],
            templateVersion: 1,
          };
    case 'ReportMessageDelivery':
      return {
        type: 'ReportMessageDelivery',
        messageId: pickKey(s.messages, x.pick),
        channel: pickFrom(MESSAGE_CHANNELS, x.variant),
        outcome: pickFrom(DELIVERY_OUTCOMES, x.n),
        reportedOn: on,
      };
    case 'SetActivityPlan': {
      const contractId = pickKey(s.contracts, x.pick);
      // The contract's hours split over one to three activities; sometimes an hour short (refused).
      const total = (lookup(s.contracts, contractId)?.weeklyHours ?? 15) - (x.variant % 5 === 0 ? 1 : 0);
      const parts = 1 + (x.n % 3);
      const kinds = ACTIVITY_KINDS.slice(x.variant % 4, (x.variant % 4) + parts);
      return {
        type: 'SetActivityPlan',
        contractId,
        setOn: on,
        activities: kinds.map((kind, i) => ({
          kind,
          weeklyHours: i === kinds.length - 1 ? total - (total / kinds.length) * i : total / kinds.length,
        })),
      };
    }
    case 'RecordActivityHours':
      return {
        type: 'RecordActivityHours',
        contractId: pickKey(s.contracts, x.pick),
        // The Monday of the week (sometimes the day itself, refused when not a Monday).
        weekOf: x.flag ? addDays(on, -(((daysBetween('2024-01-01', on) % 7) + 7) % 7)) : on,
        hours: x.n % 20,
        source: pickFrom(ACTIVITY_HOURS_SOURCES, x.variant),
        ...(x.variant % 2 ? { shortfallReason: pickFrom(HOURS_SHORTFALL_REASONS, x.n) } : {}),
      };
    case 'PrescribeAction':
      return { type: 'PrescribeAction', actionId: 'act-1', prescribedOn: on };
    case 'EnterAction':
      return { type: 'EnterAction', prescriptionId: pickKey(s.prescriptions, x.pick), enteredOn: on };
    case 'ExitAction':
      return {
        type: 'ExitAction',
        prescriptionId: pickKey(s.prescriptions, x.pick),
        exitedOn: on,
        outcome: 'training',
      };
    case 'StartEmployment':
      return { type: 'StartEmployment', startedOn: on, kind: 'permanent' };
    case 'StartIntensiveAccompaniment':
      return { type: 'StartIntensiveAccompaniment', startedOn: on };
    case 'EndIntensiveAccompaniment':
      return { type: 'EndIntensiveAccompaniment', endedOn: on };
    case 'HoldJointReview':
      return { type: 'HoldJointReview', reviewedOn: on, outcome: pickFrom(JOINT_REVIEW_OUTCOMES, x.variant) };
    case 'ExtendJointReview':
      return { type: 'ExtendJointReview', decidedOn: on };
    case 'OrientToGlobalAccompaniment':
      return { type: 'OrientToGlobalAccompaniment', orientedOn: on };
    case 'StartGlobalAccompaniment':
      return { type: 'StartGlobalAccompaniment', startedOn: on, binomeId: x.flag ? 'binome-1' : 'binome-2' };
    case 'EndGlobalAccompaniment':
      return { type: 'EndGlobalAccompaniment', endedOn: on };
    case 'ErasePerson':
      // Rare: an erased parcours refuses every later command.
      if (x.n > 1)
        return { type: 'RecordAppointmentHeld', appointmentId: pickKey(s.appointments, x.pick), heldOn: on };
      return { type: 'ErasePerson', reason: pickFrom(ERASURE_REASONS, x.variant) };
    case 'InterruptAccompaniment':
      // Rarer: an interruption takes the orientation away, which most other steps need.
      if (x.n % 4)
        return {
          type: 'HoldJointReview',
          reviewedOn: on,
          outcome: pickFrom(JOINT_REVIEW_OUTCOMES, x.variant),
        };
      return {
        type: 'InterruptAccompaniment',
        interruptedOn: on,
        reason: pickFrom(INTERRUPTION_REASONS, x.variant),
      };
    case 'EndEmployment':
      return { type: 'EndEmployment', employmentId: pickKey(s.employments, x.pick), endedOn: on };
    case 'RequestReorientation':
      return { type: 'RequestReorientation', requestedOn: on, motive: 'other' };
    case 'DecideReorientation':
      return {
        type: 'DecideReorientation',
        requestId: pickKey(s.reorientationRequests, x.pick),
        decidedOn: on,
        accepted: x.flag,
        track: 'social',
        organisationId: ORGANISATIONS[x.n % 2].organisationId,
      };
    case 'ReportBreach':
      // Sometimes an absence from a convened appointment (refused unless it was missed without a reason).
      if (x.variant % 4 === 0)
        return {
          type: 'ReportBreach',
          kind: 'unexcused_missed_appointment',
          obligation: 'appointments',
          occurredOn: on,
          reportedOn: on,
          ...(x.flag ? { convocationId: pickKey(s.convocations, x.pick) } : {}),
        };
      return {
        type: 'ReportBreach',
        kind: 'unreachable',
        // Mostly a legal obligation; sometimes one of the contract (refused when none is in force, or when exempted).
        obligation:
          x.variant % 3
            ? pickFrom(LEGAL_OBLIGATIONS, x.n)
            : x.flag
              ? ACTIVITY_HOURS_OBLIGATION
              : pickFrom(OBJECTIVES.flat(), x.variant),
        occurredOn: addDays(on, -(x.n % 5)),
        reportedOn: on,
      };
    case 'InformOfBreach':
      return { type: 'InformOfBreach', breachId: openBreach(s, x.pick), informedOn: on };
    case 'ReceiveObservations':
      return { type: 'ReceiveObservations', breachId: openBreach(s, x.pick), receivedOn: on };
    case 'GiveEpOpinion':
      return {
        type: 'GiveEpOpinion',
        breachId: openBreach(s, x.pick),
        givenOn: on,
        opinion: x.flag ? 'sanction' : 'no_sanction',
      };
    case 'DecideBreach': {
      // The procedure has four steps in order: a decision step on a breach not yet ready
      // takes the missing one instead (most of the time), or else suspensions would be too rare to test.
      const breachId = openBreach(s, x.pick);
      const breach = lookup(s.breaches, breachId);
      if (breach && x.variant % 5) {
        if (!breach.informedOn) return { type: 'InformOfBreach', breachId, informedOn: on };
        if (!breach.observationsOn && x.variant % 3)
          return { type: 'ReceiveObservations', breachId, receivedOn: on };
        if (!breach.epOpinion) return { type: 'GiveEpOpinion', breachId, givenOn: on, opinion: 'sanction' };
      }
      return {
        type: 'DecideBreach',
        breachId,
        decidedOn: on,
        decision: x.flag ? 'suspension' : 'dismissed',
        // Mostly within the scale (30–50 %, 1–2 months), sometimes outside it.
        sharePercent: x.variant % 4 ? 30 + (x.n % 21) : 20 + x.n * 2,
        months: x.variant % 4 ? 1 + (x.n % 2) : 1 + (x.n % 4),
        ...(x.variant % 7 === 0 ? { startsOn: addDays(on, x.variant % 20) } : {}),
      };
    }
    case 'LiftSuspension':
      return {
        type: 'LiftSuspension',
        sanctionId: sanctionInProgress(s, x.pick),
        remobilisedOn: on,
        monthsToRepay: x.n % 3,
      };
    case 'GiveSuppressionEpOpinion':
      return {
        type: 'GiveSuppressionEpOpinion',
        sanctionId: sanctionInProgress(s, x.pick),
        givenOn: on,
        opinion: x.flag ? 'sanction' : 'no_sanction',
      };
    case 'AppealSanction':
      return { type: 'AppealSanction', sanctionId: pickKey(s.sanctions, x.pick), appealedOn: on };
    case 'WithdrawSanction':
      return {
        type: 'WithdrawSanction',
        sanctionId: pickKey(s.sanctions, x.pick),
        decidedOn: on,
        kind: x.flag ? 'withdrawal' : 'annulment',
      };
    case 'MakeSuspensionDefinitive': {
      // Like a decision on a manquement: mostly the missing EP opinion first, or a suppression would never be decided.
      const sanctionId = sanctionInProgress(s, x.pick);
      const sanction = lookup(s.sanctions, sanctionId);
      if (sanction && !sanction.suppressionOpinionOn && x.variant % 5)
        return { type: 'GiveSuppressionEpOpinion', sanctionId, givenOn: on, opinion: 'sanction' };
      return {
        type: 'MakeSuspensionDefinitive',
        sanctionId,
        decidedOn: on,
        kind: pickFrom(DEFINITIVE_KINDS, x.variant),
      };
    }
    case 'ExitRsa':
      return { type: 'ExitRsa', exitedOn: on, reason: 'income' };
    case 'EndAccompaniment':
      return { type: 'EndAccompaniment', endedOn: on };
    case 'RecordBalancedReview':
      return { type: 'RecordBalancedReview', reviewedOn: on, outcome: x.flag ? 'continue' : 'reorientation' };
    case 'GrantExemption':
      return {
        type: 'GrantExemption',
        reason: pickFrom(EXEMPTION_REASONS, x.variant),
        from: on,
        to: x.flag ? addDays(on, x.n) : undefined,
      };
  }
}

function householdFor(x: Step) {
  const cafNumber = pickFrom(CAF_NUMBERS, x.variant);
  return {
    type: pickFrom(HOUSEHOLD_TYPES, x.pick),
    size: 1 + (x.n % 3),
    ...(cafNumber ? { cafNumber } : {}),
  };
}

/** A UUID for the n-th id of a session, distinct across parcours (as the API's are). */
function sessionUuid(parcoursId: string, n: number): string {
  let h = 0x811c9dc5;
  for (const c of parcoursId) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return `${h.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

/** The parcours id of a session when the caller gives none. */
export const SESSION_PARCOURS_ID = '00000000-0000-4000-8000-00000000cafe';

function contextFor(x: Step, counter: { n: number }, parcoursId: string): DecisionContext {
  return {
    parcoursId,
    today: TODAY,
    parametersOn: () => DEFAULT_PARAMETERS,
    newId: () => sessionUuid(parcoursId, ++counter.n),
    organisation: ORGANISATIONS[(x.kind === 'DecideReorientation' ? x.n : x.pick) % 2],
    referent: REFERENTS[x.pick % 3],
    action: { actionId: 'act-1', dispositifCode: '3.3' },
  };
}

/** Runs a random session of commands; returns the accepted events with the state before each. */
export function play(
  steps: Step[],
  parcoursId = SESSION_PARCOURS_ID,
): { events: ParcoursEvent[]; before: ParcoursState[]; final: ParcoursState } {
  let state = initialParcoursState();
  const events: ParcoursEvent[] = [];
  const before: ParcoursState[] = [];
  const counter = { n: 0 };
  let day = 0;
  for (const x of steps) {
    day = Math.max(0, day + x.day);
    let decided: ParcoursEvent[];
    try {
      decided = decide(
        state,
        commandFor(state, x, addDays('2025-01-01', day)),
        contextFor(x, counter, parcoursId),
      );
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
  { kind: 'Enter', day: 0, pick: 0, n: 0, flag: true, variant: 0 },
  { kind: 'Orient', day: 10, pick: 1, n: 0, flag: true, variant: 0 },
  { kind: 'AssignReferent', day: 2, pick: 1, n: 0, flag: true, variant: 0 },
];
export const arbitrarySession: fc.Arbitrary<Step[]> = fc
  .tuple(fc.boolean(), sessions)
  .map(([start, rest]) => (start ? [...followedStart, ...rest] : rest));
