import Ajv2020, { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import {
  AppendResult,
  EventStore,
  EventStoreError,
  EventToAppend,
  ExpectedRevision,
  GlobalPosition,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
  RecordedEvent,
} from './event-store.port';

/** A place in an event that breaks a rule: a JSON pointer into its data and the rule's keyword; never the value. */
export interface EventSchemaFault {
  path: string;
  rule: string;
}

/**
 * What may be written in which stream. The store knows no domain: the domain
 * gives these rules (STORED_EVENT_RULES in libs/domain) and the runtime wires them.
 */
export interface StoredEventRules {
  /** The JSON Schemas (draft 2020-12) of the event types of a stream, any other type being refused; undefined: not checked. */
  schemasFor(streamId: string): Readonly<Record<string, object>> | undefined;
  /** What a schema cannot say (e.g. the stream an entry belongs to), checked once the schema matched. */
  check?(streamId: string, type: string, data: Record<string, unknown>): EventSchemaFault[];
}

/** An event that does not have the stored shape of its type: refused, nothing of the append is written. */
export class EventSchemaViolation extends EventStoreError {
  constructor(
    readonly streamId: string,
    readonly eventType: string,
    readonly faults: EventSchemaFault[],
  ) {
    super(
      'EVENT_SCHEMA_VIOLATION',
      `event ${eventType} does not match its schema: ${faults.map((f) => `${f.path || '/'} (${f.rule})`).join('; ')}`,
    );
  }
}

/** At most this many faults are reported: enough to fix a command, never a wall of text. */
const MAX_FAULTS = 20;

function faultOf(e: ErrorObject): EventSchemaFault {
  const property =
    e.keyword === 'required'
      ? e.params.missingProperty
      : e.keyword === 'additionalProperties'
        ? e.params.additionalProperty
        : undefined;
  const path =
    property === undefined
      ? e.instancePath
      : `${e.instancePath}/${String(property).replace(/~/g, '~0').replace(/\//g, '~1')}`;
  return { path, rule: e.keyword };
}

/**
 * Validates events against the schemas of their stream. The data checked is
 * the data as stored (through JSON: undefined fields disappear), and that is
 * also what is passed on, so what is written is exactly what was checked.
 */
export class StoredEventChecker {
  private readonly ajv = addFormats(new Ajv2020({ allErrors: true, strict: true }));
  private readonly validators = new WeakMap<object, ValidateFunction>();

  constructor(private readonly rules: StoredEventRules) {}

  /** The events as they will be stored; throws EventSchemaViolation for the first one that does not match. */
  check(streamId: string, events: EventToAppend[]): EventToAppend[] {
    const schemas = typeof streamId === 'string' ? this.rules.schemasFor(streamId) : undefined;
    if (!schemas || !Array.isArray(events)) return events;
    return events.map((event) => {
      // Malformed calls (no type, data not an object) are the adapters' INVALID_ARGUMENT.
      if (!event || typeof event.type !== 'string' || event.data === null || typeof event.data !== 'object')
        return event;
      const type = event.type;
      if (!Object.hasOwn(schemas, type))
        throw new EventSchemaViolation(streamId, type, [{ path: '', rule: 'unknownEventType' }]);
      let data: Record<string, unknown>;
      try {
        data = JSON.parse(JSON.stringify(event.data)) as Record<string, unknown>;
      } catch {
        throw new EventSchemaViolation(streamId, type, [{ path: '', rule: 'json' }]);
      }
      const validate = this.validatorOf(schemas[type]);
      if (!validate(data)) {
        const faults = (validate.errors ?? []).map(faultOf);
        const unique = [...new Map(faults.map((f) => [`${f.path} ${f.rule}`, f])).values()].slice(
          0,
          MAX_FAULTS,
        );
        throw new EventSchemaViolation(streamId, type, unique);
      }
      const more = this.rules.check?.(streamId, type, data) ?? [];
      if (more.length) throw new EventSchemaViolation(streamId, type, more.slice(0, MAX_FAULTS));
      return { ...event, data };
    });
  }

  private validatorOf(schema: object): ValidateFunction {
    let validate = this.validators.get(schema);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.validators.set(schema, validate);
    }
    return validate;
  }
}

/**
 * An event store that writes only events of a known type and of the stored
 * shape of that type, in the streams the rules check: the read side, the
 * indicators and the integration events can then fold everything in the log.
 * Cheap (compiled schemas), so it runs in production too.
 */
export class SchemaCheckedEventStore implements EventStore {
  private readonly checker: StoredEventChecker;

  constructor(
    readonly inner: EventStore,
    rules: StoredEventRules,
  ) {
    this.checker = new StoredEventChecker(rules);
  }

  appendToStream(
    streamId: string,
    events: EventToAppend[],
    options?: { expectedRevision?: ExpectedRevision },
  ): Promise<AppendResult> {
    let checked: EventToAppend[];
    try {
      checked = this.checker.check(streamId, events);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.inner.appendToStream(streamId, checked, options);
  }

  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.inner.readStream(streamId, options);
  }

  readAll(options?: ReadAllOptions): Promise<ReadAllResult> {
    return this.inner.readAll(options);
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
}
