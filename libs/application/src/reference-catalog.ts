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
  upcastReferenceEvent,
} from '@parcours/domain';
import { ConcurrencyError, EventStore, StreamNotFoundError } from '@parcours/event-store';
import { randomUUID } from 'node:crypto';
import { EVENT_STORE } from '@parcours/runtime';

/**
 * Writers in other processes may still race on the one reference stream: a
 * lost race is decided again on the fresh state after a growing random pause.
 */
const MAX_ATTEMPTS = 30;
const pause = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(200, 5 * 2 ** attempt)));

/**
 * The Département's reference data and parameters, folded from their stream.
 * Kept in memory and caught up from the store on each use, so several
 * processes stay consistent without a cache to invalidate.
 */
@Injectable()
export class ReferenceCatalog {
  private state: ReferenceState = initialReferenceState();
  /** Reference writes of this process, one after the other: they all go to one stream. */
  private writes: Promise<unknown> = Promise.resolve();

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
      if (e.revision === this.state.revision + 1)
        this.state = evolveReference(this.state, upcastReferenceEvent(e));
    }
    return this.state;
  }

  async parametersOn(date: BusinessDate): Promise<Parameters> {
    return parametersAt((await this.current()).parameterVersions, date);
  }

  /** Decides and appends a reference command, retrying on a concurrent write. */
  execute(
    command: ReferenceCommand,
    metadata: Record<string, unknown>,
  ): Promise<{ revision: number; events: ReferenceEvent[] }> {
    const result = this.writes.then(() => this.decideAndAppend(command, metadata));
    this.writes = result.catch(() => undefined);
    return result;
  }

  private async decideAndAppend(
    command: ReferenceCommand,
    metadata: Record<string, unknown>,
  ): Promise<{ revision: number; events: ReferenceEvent[] }> {
    for (let attempt = 1; ; attempt++) {
      const state = await this.current();
      const events = decideReference(state, command);
      try {
        const result = await this.store.appendToStream(
          REFERENCE_STREAM,
          events.map((e) => ({
            id: randomUUID(),
            type: e.type,
            data: e.data as unknown as Record<string, unknown>,
            metadata,
          })),
          { expectedRevision: state.revision < 0 ? 'no_stream' : state.revision },
        );
        return { revision: result.nextExpectedRevision, events };
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt >= MAX_ATTEMPTS) throw error;
        await pause(attempt);
      }
    }
  }
}
