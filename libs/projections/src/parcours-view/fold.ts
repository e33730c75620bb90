import {
  DEFAULT_PARAMETERS,
  PARCOURS_STREAM_PREFIX,
  ParcoursEvent,
  REFERENCE_STREAM,
  upcastParcoursEvent,
  upcastReferenceEvent,
} from '@parcours/domain';
import type { RecordedEvent } from '@parcours/event-store';
import { recordedDay } from './known-facts';
import { evolveView, ParameterBook, ParcoursView } from './view';

export type RecordedForFold = Pick<RecordedEvent, 'streamId' | 'type' | 'data'> & {
  metadata?: RecordedEvent['metadata'];
};

/** The parcours id of a parcours stream, or undefined for any other stream. */
export function parcoursIdOf(streamId: string): string | undefined {
  return streamId.startsWith(PARCOURS_STREAM_PREFIX)
    ? streamId.slice(PARCOURS_STREAM_PREFIX.length)
    : undefined;
}

/**
 * A recorded event of a parcours stream as the read side folds it: in today's
 * shape (upcast), and for an entry, with the parcours id of its stream, so
 * that a view can never be filed under another parcours's id.
 */
export function parcoursEventOf(e: RecordedForFold, parcoursId: string): ParcoursEvent {
  // Personal fields sealed and not opened: the store was read without the personal-data layer (a wiring mistake, said plainly).
  if (typeof e.data?.sealed === 'string')
    throw new Error(
      'a sealed event reached the read side unopened: read the store through PersonalDataEventStore',
    );
  const event = upcastParcoursEvent(e);
  return event.type === 'ParcoursEntered' ? { type: event.type, data: { ...event.data, parcoursId } } : event;
}

/**
 * Folds one event of the global log into the views of the parcours and the
 * parameter book: the one fold of the parcours projection and of the facts
 * "as of" a date, so that both read the log the same way. Returns what changed.
 */
export function foldRecorded(
  views: Map<string, ParcoursView | undefined>,
  book: ParameterBook,
  e: RecordedForFold,
): 'parameters' | 'parcours' | undefined {
  if (e.streamId === REFERENCE_STREAM) {
    const event = upcastReferenceEvent(e);
    if (event.type !== 'ParametersVersionSet') return undefined;
    // Known from its recording day, or the previous version's if later (records are known in order).
    const last = book.recordedOn?.at(-1);
    if (e.metadata?.recordedAt && (book.recordedOn?.length ?? 0) === book.versions.length) {
      const day = recordedDay(e.metadata.recordedAt);
      (book.recordedOn ??= []).push(last && last > day ? last : day);
    }
    // A version saved before a parameter existed takes that parameter's default, as decide does.
    book.versions.push({ ...event.data, values: { ...DEFAULT_PARAMETERS, ...event.data.values } });
    return 'parameters';
  }
  const parcoursId = parcoursIdOf(e.streamId);
  if (parcoursId === undefined) return undefined;
  views.set(parcoursId, evolveView(views.get(parcoursId), parcoursEventOf(e, parcoursId), book));
  return 'parcours';
}
