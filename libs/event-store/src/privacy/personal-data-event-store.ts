import {
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  GlobalPosition,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
  RecordedEvent,
} from '../event-store.port';
import { open, seal } from './master-key';
import { PersonKeys } from './person-keys';

/**
 * What the store needs to know of personal data, given by the domain
 * (libs/domain: personal-data.ts): whose stream it is, what to seal, and how
 * to put an event back together with or without its sealed part.
 */
export interface PersonalDataRules {
  subjectOf(streamId: string): string | undefined;
  split(
    type: string,
    data: Record<string, unknown>,
  ): { kept: Record<string, unknown>; secret: Record<string, unknown> } | undefined;
  join(
    type: string,
    kept: Record<string, unknown>,
    secret: Record<string, unknown> | null,
  ): Record<string, unknown>;
}

/** The field of a stored event holding its sealed personal fields. */
export const SEALED_FIELD = 'sealed';

/** The sealed part is bound to its event: copied into another event, it does not open. */
const associatedData = (streamId: string, eventId: string) => `${streamId}/${eventId}`;

/**
 * Seals the personal fields of every event on its way in, with the key of
 * its person (AES-256-GCM), and opens them on the way out; once the key is
 * destroyed (erasure), reads get the event with its personal fields marked
 * erased. Events written before sealing existed are read as they are.
 */
export class PersonalDataEventStore implements EventStore {
  constructor(
    private readonly inner: EventStore,
    private readonly rules: PersonalDataRules,
    readonly keys: PersonKeys,
  ) {}

  async appendToStream(
    streamId: string,
    events: EventToAppend[],
    options?: { expectedRevision?: ExpectedRevision },
  ): Promise<AppendResult> {
    return this.inner.appendToStream(streamId, await this.sealAll(streamId, events), options);
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.openAll(await this.inner.readStream(streamId, options));
  }

  async readAll(options?: ReadAllOptions): Promise<ReadAllResult> {
    const result = await this.inner.readAll(options);
    return { ...result, events: await this.openAll(result.events) };
  }

  countAfter(position: GlobalPosition | undefined): Promise<number> {
    return this.inner.countAfter(position);
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** The events as stored: personal fields sealed. Malformed calls pass on untouched, for the adapter to refuse. */
  async sealAll(streamId: string, events: EventToAppend[]): Promise<EventToAppend[]> {
    const subject = typeof streamId === 'string' ? this.rules.subjectOf(streamId) : undefined;
    if (!subject || !Array.isArray(events)) return events;
    let key: Buffer | undefined;
    const sealed: EventToAppend[] = [];
    for (const event of events) {
      const parts =
        event && typeof event.type === 'string' && event.data && typeof event.data === 'object'
          ? this.rules.split(event.type, event.data)
          : undefined;
      if (!parts || Object.keys(parts.secret).length === 0) {
        sealed.push(event);
        continue;
      }
      key ??= await this.keys.keyFor(subject);
      const secret = seal(
        key,
        Buffer.from(JSON.stringify(parts.secret), 'utf8'),
        associatedData(streamId, event.id),
      );
      sealed.push({ ...event, data: { ...parts.kept, [SEALED_FIELD]: secret } });
    }
    return sealed;
  }

  /** The events with their personal fields opened, or marked erased where the key is gone. */
  async openAll(events: RecordedEvent[]): Promise<RecordedEvent[]> {
    const subjects = new Set<string>();
    for (const e of events) {
      const subject =
        typeof e.data?.[SEALED_FIELD] === 'string' ? this.rules.subjectOf(e.streamId) : undefined;
      if (subject) subjects.add(subject);
    }
    if (!subjects.size) return events;
    const keys = await this.keys.keysOf([...subjects]);
    return events.map((e) => {
      const sealed = e.data?.[SEALED_FIELD];
      if (typeof sealed !== 'string') return e;
      const { [SEALED_FIELD]: _, ...kept } = e.data;
      const key = keys.get(this.rules.subjectOf(e.streamId)!);
      const secret = key
        ? (JSON.parse(open(key, sealed, associatedData(e.streamId, e.id)).toString('utf8')) as Record<
            string,
            unknown
          >)
        : null;
      return { ...e, data: this.rules.join(e.type, kept, secret) };
    });
  }
}
