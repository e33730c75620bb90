import { Inject, Injectable } from '@nestjs/common';
import {
  BusinessDate,
  decideReference,
  evolveReference,
  initialReferenceState,
  Parameters,
  parametersAt,
  REFERENCE_STREAM,
  ReferenceCommand,
  ReferenceEvent,
  ReferenceState,
} from '@parcours/domain';
import { ConcurrencyError, EventStore, StreamNotFoundError } from '@parcours/event-store';
import { randomUUID } from 'node:crypto';
import { EVENT_STORE } from '@parcours/runtime';

const MAX_ATTEMPTS = 5;

/**
 * The Département's reference data and parameters, folded from their stream.
 * Kept in memory and caught up from the store on each use, so several
 * processes stay consistent without a cache to invalidate.
 */
@Injectable()
export class ReferenceCatalog {
  private state: ReferenceState = initialReferenceState();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async current(): Promise<ReferenceState> {
    let events;
    try {
      events = await this.store.readStream(REFERENCE_STREAM, { fromRevision: this.state.revision + 1 });
    } catch (error) {
      if (error instanceof StreamNotFoundError) return this.state;
      throw error;
    }
    for (const e of events) {
      // Two concurrent catch-ups may read the same events: fold each once.
      if (e.revision === this.state.revision + 1) this.state = evolveReference(this.state, { type: e.type, data: e.data } as ReferenceEvent);
    }
    return this.state;
  }

  async parametersOn(date: BusinessDate): Promise<Parameters> {
    return parametersAt((await this.current()).parameterVersions, date);
  }

  /** Decides and appends a reference command, retrying on a concurrent write. */
  async execute(command: ReferenceCommand, metadata: Record<string, unknown>): Promise<{ revision: number; events: ReferenceEvent[] }> {
    for (let attempt = 1; ; attempt++) {
      const state = await this.current();
      const events = decideReference(state, command);
      try {
        const result = await this.store.appendToStream(
          REFERENCE_STREAM,
          events.map((e) => ({ id: randomUUID(), type: e.type, data: e.data as unknown as Record<string, unknown>, metadata })),
          { expectedRevision: state.revision < 0 ? 'no_stream' : state.revision },
        );
        return { revision: result.nextExpectedRevision, events };
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }
}
