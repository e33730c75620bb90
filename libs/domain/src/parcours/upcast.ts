import type { ReferenceEvent } from '../reference/reference';
import type { ParcoursEvent } from './events';

/**
 * Older shapes of stored events, brought to today's shape in one place.
 *
 * Events are stored forever and their schema only says what may be written
 * now. When a stored shape changes (a field added as required, a code
 * renamed), add a step here for that event type instead of teaching every
 * fold the old shape. Every reader of stored events goes through these
 * functions: the parcours repository (decide), the parcours projection and
 * the facts "as of" a date (read side, indicators), the Kafka relay
 * (integration events).
 *
 * A step receives the stored data (never mutate it) and the event's metadata,
 * recognises the old shape from the data itself (or from a version recorded
 * in the metadata, if one day there is one), and returns today's shape; it
 * leaves today's shape untouched, so steps can be chained and re-applied.
 * Example, if `BalancedReviewHeld` had been stored without `outcome` at first:
 *
 *   BalancedReviewHeld: [(data) => ('outcome' in data ? data : { ...data, outcome: 'continue' })],
 */
export type UpcastStep = (
  data: Readonly<Record<string, unknown>>,
  metadata: Readonly<Record<string, unknown>>,
) => Record<string, unknown>;
export type UpcastTable = Readonly<Record<string, readonly UpcastStep[]>>;

/**
 * A manquement recorded before it had to name its obligation: the one its
 * kind implies (a missed appointment or an unreachable person breaches the
 * appointments, a refused contract its signature, the rest the activity hours).
 */
const OBLIGATION_OF_KIND: Record<string, string> = {
  unexcused_missed_appointment: 'appointments',
  unreachable: 'appointments',
  contract_refused: 'contract_signature',
  contract_not_honoured: 'activity_hours',
  activity_hours_not_done: 'activity_hours',
};

export const PARCOURS_UPCASTS: UpcastTable = {
  BreachReported: [
    (data) =>
      'obligation' in data
        ? data
        : { ...data, obligation: OBLIGATION_OF_KIND[String(data.kind)] ?? 'appointments' },
  ],
};
/** No reference event has an older shape yet. */
export const REFERENCE_UPCASTS: UpcastTable = {};

export interface StoredEventLike {
  type: string;
  data: Record<string, unknown>;
  metadata?: Readonly<Record<string, unknown>>;
}

/** The upcaster of a table: applies the steps of the event's type in order. */
export function upcasterOf<E extends { type: string }>(table: UpcastTable): (event: StoredEventLike) => E {
  return ({ type, data, metadata = {} }) => {
    const steps = Object.hasOwn(table, type) ? table[type] : [];
    return {
      type,
      data: steps.reduce<Record<string, unknown>>((d, step) => step(d, metadata), data),
    } as unknown as E;
  };
}

/** A stored parcours event in today's shape. */
export const upcastParcoursEvent: (event: StoredEventLike) => ParcoursEvent =
  upcasterOf<ParcoursEvent>(PARCOURS_UPCASTS);
/** A stored reference event in today's shape. */
export const upcastReferenceEvent: (event: StoredEventLike) => ReferenceEvent =
  upcasterOf<ReferenceEvent>(REFERENCE_UPCASTS);
