import { JsonSchema, UUID_PATTERN } from '../shared/json-schema';
import { REFERENCE_EVENT_SCHEMAS } from '../reference/reference-event-schemas';
import { REFERENCE_STREAM } from '../reference/reference';
import { PARCOURS_EVENT_SCHEMAS } from './event-schemas';

/** One stream per parcours: `parcours-{uuid}`. */
export const PARCOURS_STREAM_PREFIX = 'parcours-';
export const parcoursStreamId = (parcoursId: string): string => `${PARCOURS_STREAM_PREFIX}${parcoursId}`;

const UUID = new RegExp(UUID_PATTERN);

/** A place in an event that breaks a rule: a JSON pointer and the rule's keyword, never the value. */
export interface StoredEventFault {
  path: string;
  rule: string;
}

/**
 * What may be written where: the schemas of the parcours streams and of the
 * reference stream (any other type there is refused), plus what a schema
 * cannot say. Other streams are not the domain's and are not checked. The
 * event store applies it before every append (SchemaCheckedEventStore).
 */
export const STORED_EVENT_RULES = {
  schemasFor(streamId: string): Readonly<Record<string, JsonSchema>> | undefined {
    if (streamId.startsWith(PARCOURS_STREAM_PREFIX)) return PARCOURS_EVENT_SCHEMAS;
    if (streamId === REFERENCE_STREAM) return REFERENCE_EVENT_SCHEMAS;
    return undefined;
  },

  /** Called after the schema matched. */
  check(streamId: string, type: string, data: Record<string, unknown>): StoredEventFault[] {
    if (!streamId.startsWith(PARCOURS_STREAM_PREFIX)) return [];
    const parcoursId = streamId.slice(PARCOURS_STREAM_PREFIX.length);
    // The read side and the integration events take the parcours id from the stream: it must be one.
    if (!UUID.test(parcoursId)) return [{ path: '', rule: 'streamId' }];
    if (type === 'ParcoursEntered' && data.parcoursId !== parcoursId)
      return [{ path: '/parcoursId', rule: 'streamId' }];
    return [];
  },
};
