import type { BusinessDate } from '@parcours/domain';
import { actionPositive, contractEnd } from '../indicators/facts';
import type { CycleFacts } from './cycle-facts';

/**
 * The dated facts of a cycle, a row each, as the columns of
 * rm_cycle_dated_facts: what the indicators counted in SQL read of a cycle
 * over a period (orientations, interruptions, appointments, contracts, weeks
 * of activity, invitations, prescriptions, employment, barriers, suspensions,
 * accompagnements globaux). Computed from the facts by the very functions
 * the Node definitions use; `on_date` is each kind's main date, the other
 * columns are set only for the kinds they belong to.
 */
export interface DatedFact {
  kind: DatedFactKind;
  /** The fact within its cycle and kind (its position: the facts' lists only grow). */
  fact_key: string;
  on_date: BusinessDate;
  /** Orientation, contract: the 1-based position in the cycle's list. */
  ordinal?: number;
  /** Orientation: its track and organisme's kind, and the previous orientation's track. */
  track?: string;
  organisation_kind?: string;
  previous_track?: string;
  reorientation?: boolean;
  /** Interruption: after how many orientations of the cycle. */
  after_orientations?: number;
  /** Appointment, convocation (of its appointment). */
  held_on?: BusinessDate;
  missed_on?: BusinessDate;
  /** Contract: the day it stops being in force (review or end); suspension: its end. */
  ends_on?: BusinessDate;
  /** Contract, week of activity (the contract's: planned). */
  weekly_hours?: number;
  plan_set_on?: BusinessDate;
  /** Week of activity: the hours done. */
  hours?: number;
  answered_on?: BusinessDate;
  /** Prescription. */
  entered_on?: BusinessDate;
  dispositif?: string;
  positive?: boolean;
  /** Employment (ended_on), suspension (started_on), accompagnement global (both). */
  started_on?: BusinessDate;
  ended_on?: BusinessDate;
  /** Barrier, suspension. */
  lifted_on?: BusinessDate;
  definitive_on?: BusinessDate;
  withdrawn_on?: BusinessDate;
  binome_id?: string;
}

export type DatedFactKind =
  | 'orientation'
  | 'interruption'
  | 'appointment'
  | 'convocation'
  | 'contract'
  | 'week'
  | 'invitation'
  | 'prescription'
  | 'employment_start'
  | 'employment'
  | 'barrier'
  | 'suspension'
  | 'global';

/** Drops the absent attributes: the row is stored from JSON, a missing column is null. */
const fact = (f: DatedFact): DatedFact =>
  Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as unknown as DatedFact;

export function datedFacts(c: CycleFacts): DatedFact[] {
  return [
    ...c.orientations.map((o, i) =>
      fact({
        kind: 'orientation',
        fact_key: `${i}`,
        on_date: o.notifiedOn,
        ordinal: i + 1,
        track: o.track,
        organisation_kind: o.organisationKind,
        previous_track: c.orientations[i - 1]?.track,
        reorientation: o.reorientation,
      }),
    ),
    ...(c.interruptions ?? []).map((x, i) =>
      fact({
        kind: 'interruption',
        fact_key: `${i}`,
        on_date: x.on,
        after_orientations: x.afterOrientations,
      }),
    ),
    ...c.appointments.map((a, i) =>
      fact({
        kind: 'appointment',
        fact_key: `${i}`,
        on_date: a.scheduledFor,
        held_on: a.heldOn,
        missed_on: a.missedOn,
      }),
    ),
    // A convocation counts by its appointment (the first of that id, as the Node definition finds it).
    ...(c.convocations ?? []).flatMap((k, i) => {
      const a = c.appointments.find((x) => x.id === k.appointmentId);
      return a
        ? [
            fact({
              kind: 'convocation',
              fact_key: `${i}`,
              on_date: a.scheduledFor,
              held_on: a.heldOn,
              missed_on: a.missedOn,
            }),
          ]
        : [];
    }),
    ...c.contracts.map((k, i) =>
      fact({
        kind: 'contract',
        fact_key: `${i}`,
        on_date: k.startsOn,
        ordinal: i + 1,
        ends_on: contractEnd(k),
        weekly_hours: k.weeklyHours,
        plan_set_on: k.planSetOn,
      }),
    ),
    ...c.contracts.flatMap((k, i) =>
      (k.weeks ?? []).map((w, j) =>
        fact({
          kind: 'week',
          fact_key: `${i}:${j}`,
          on_date: w.weekOf,
          weekly_hours: k.weeklyHours,
          hours: w.hours,
        }),
      ),
    ),
    ...(c.invitations ?? []).map((x, i) =>
      fact({ kind: 'invitation', fact_key: `${i}`, on_date: x.sentOn, answered_on: x.answeredOn }),
    ),
    ...c.prescriptions.map((x, i) =>
      fact({
        kind: 'prescription',
        fact_key: `${i}`,
        on_date: x.prescribedOn,
        entered_on: x.enteredOn,
        dispositif: x.dispositifCode,
        positive: x.enteredOn ? actionPositive(c, x) : undefined,
      }),
    ),
    ...c.employmentStarts.map((d, i) => fact({ kind: 'employment_start', fact_key: `${i}`, on_date: d })),
    ...(c.employments ?? []).map((x, i) =>
      fact({ kind: 'employment', fact_key: `${i}`, on_date: x.startedOn, ended_on: x.endedOn }),
    ),
    ...c.barriers.map((b, i) =>
      fact({ kind: 'barrier', fact_key: `${i}`, on_date: b.recordedOn, lifted_on: b.liftedOn }),
    ),
    ...c.suspensions.map((s, i) =>
      fact({
        kind: 'suspension',
        fact_key: `${i}`,
        on_date: s.decidedOn,
        started_on: s.startsOn,
        ends_on: s.endsOn,
        lifted_on: s.liftedOn,
        definitive_on: s.definitiveOn,
        withdrawn_on: s.withdrawnOn,
      }),
    ),
    ...(c.globalAccompaniments ?? []).map((g, i) =>
      fact({
        kind: 'global',
        fact_key: `${i}`,
        on_date: g.orientedOn,
        started_on: g.startedOn,
        ended_on: g.endedOn,
        binome_id: g.binomeId,
      }),
    ),
  ];
}
