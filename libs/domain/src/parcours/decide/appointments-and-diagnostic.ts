import { BusinessDate } from '../../shared/dates';
import { rule } from '../../shared/rule-violation';
import { lookup } from '../../shared/identifiers';
import { ParcoursEvent } from '../events';
import { ParcoursState } from '../state';
import { CommandOf, DecisionContext } from './context';
import {
  found,
  notBefore,
  notBeforeEntry,
  notTooFarAhead,
  one,
  pastDateInCycle,
  requireOpen,
  requireReferent,
} from './rules';

/** The référent's appointments with the person, and the diagnostic of the barriers (freins) to lift. */

export function scheduleAppointment(
  s: ParcoursState,
  c: CommandOf<'ScheduleAppointment'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireOpen(s, ctx, c.scheduledOn);
  requireReferent(s);
  pastDateInCycle(s, ctx, c.scheduledOn, 'scheduledOn');
  // The appointment itself is usually in the future.
  notBeforeEntry(s, c.scheduledFor, 'scheduledFor');
  notTooFarAhead(ctx, c.scheduledFor, 'scheduledFor');
  return one({
    type: 'AppointmentScheduled',
    data: {
      appointmentId: ctx.newId(),
      scheduledFor: c.scheduledFor,
      scheduledOn: c.scheduledOn,
      kind: c.kind,
      channel: c.channel,
      referentId: s.referentId!,
    },
  });
}

export function recordAppointmentHeld(
  s: ParcoursState,
  c: CommandOf<'RecordAppointmentHeld'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  closeScheduledAppointment(s, ctx, c.appointmentId, c.heldOn, 'heldOn');
  return one({ type: 'AppointmentHeld', data: { appointmentId: c.appointmentId, heldOn: c.heldOn } });
}

export function recordAppointmentMissed(
  s: ParcoursState,
  c: CommandOf<'RecordAppointmentMissed'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  closeScheduledAppointment(s, ctx, c.appointmentId, c.missedOn, 'missedOn');
  return one({
    type: 'AppointmentMissed',
    data: { appointmentId: c.appointmentId, missedOn: c.missedOn, legitimateReason: c.legitimateReason },
  });
}

export function cancelAppointment(
  s: ParcoursState,
  c: CommandOf<'CancelAppointment'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  closeScheduledAppointment(s, ctx, c.appointmentId, c.cancelledOn, 'cancelledOn');
  return one({
    type: 'AppointmentCancelled',
    data: { appointmentId: c.appointmentId, cancelledOn: c.cancelledOn },
  });
}

/** Held, missed or cancelled: an appointment is closed once, on a past date of the cycle. */
function closeScheduledAppointment(
  s: ParcoursState,
  ctx: DecisionContext,
  appointmentId: string,
  on: BusinessDate,
  field: string,
): void {
  requireOpen(s, ctx, on);
  const appointment = found(
    lookup(s.appointments, appointmentId),
    'APPOINTMENT_NOT_FOUND',
    "Ce rendez-vous n'existe pas.",
  );
  rule(
    appointment.status === 'scheduled',
    'APPOINTMENT_ALREADY_CLOSED',
    `Ce rendez-vous est déjà clos (${appointment.status}).`,
  );
  pastDateInCycle(s, ctx, on, field);
}

export function recordDiagnostic(
  s: ParcoursState,
  c: CommandOf<'RecordDiagnostic'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireOpen(s, ctx, c.diagnosedOn);
  requireReferent(s);
  pastDateInCycle(s, ctx, c.diagnosedOn, 'diagnosedOn');
  rule(
    new Set(c.barriers).size === c.barriers.length,
    'BARRIER_LISTED_TWICE',
    'Un frein est cité deux fois.',
    'barriers',
  );
  return one({
    type: 'DiagnosticRecorded',
    data: { diagnosticId: ctx.newId(), diagnosedOn: c.diagnosedOn, barriers: c.barriers },
  });
}

export function liftBarrier(
  s: ParcoursState,
  c: CommandOf<'LiftBarrier'>,
  ctx: DecisionContext,
): ParcoursEvent[] {
  requireOpen(s, ctx, c.liftedOn);
  const barrier = lookup(s.barriers, c.barrier);
  rule(
    barrier && !barrier.liftedOn,
    'BARRIER_NOT_OPEN',
    "Ce frein n'est pas ouvert dans le diagnostic.",
    'barrier',
  );
  pastDateInCycle(s, ctx, c.liftedOn, 'liftedOn');
  notBefore(
    c.liftedOn,
    barrier.recordedOn,
    'LIFTED_BEFORE_RECORDED',
    'Un frein ne peut être levé avant son constat.',
    'liftedOn',
  );
  return one({ type: 'BarrierLifted', data: { barrier: c.barrier, liftedOn: c.liftedOn } });
}
