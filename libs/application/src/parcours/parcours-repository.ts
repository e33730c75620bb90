import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  evolve,
  initialParcoursState,
  ParcoursState,
  parcoursStreamId,
  upcastParcoursEvent,
} from '@parcours/domain';
import { EventStore, EventToAppend, RecordedEvent, StreamNotFoundError } from '@parcours/event-store';
import { EVENT_STORE, inSpan } from '@parcours/runtime';
import { WriteMetrics } from '../write-metrics';

export const parcoursStream = parcoursStreamId;

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface LoadedParcours {
  state: ParcoursState;
  events: RecordedEvent[];
}

/** Reads a parcours stream and folds it; appends with the revision it was read at. */
@Injectable()
export class ParcoursRepository {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() private readonly metrics?: WriteMetrics,
  ) {}

  async load(parcoursId: string): Promise<LoadedParcours> {
    if (!UUID.test(parcoursId)) return { state: initialParcoursState(), events: [] };
    let events: RecordedEvent[];
    try {
      events = await this.store.readStream(parcoursStream(parcoursId));
    } catch (error) {
      if (error instanceof StreamNotFoundError) return { state: initialParcoursState(), events: [] };
      throw error;
    }
    // Stored events in today's shape: the one place older shapes are read (libs/domain/src/parcours/upcast.ts).
    const state = events.reduce((s, e) => evolve(s, upcastParcoursEvent(e)), initialParcoursState());
    return { state, events };
  }

  async append(parcoursId: string, expectedRevision: number, events: EventToAppend[]): Promise<number> {
    const write = () =>
      this.store.appendToStream(parcoursStream(parcoursId), events, {
        expectedRevision: expectedRevision < 0 ? 'no_stream' : expectedRevision,
      });
    // Timed when the metrics run in this process.
    const result = await inSpan('event-store append', { 'parcours.events': events.length }, () =>
      this.metrics ? this.metrics.append(write) : write(),
    );
    return result.nextExpectedRevision;
  }
}
