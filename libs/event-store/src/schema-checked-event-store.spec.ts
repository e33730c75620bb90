import { randomUUID } from 'node:crypto';
import { EventStoreError } from './event-store.port';
import { MemoryEventStore } from './memory/memory-event-store';
import {
  EventSchemaViolation,
  SchemaCheckedEventStore,
  StoredEventRules,
} from './schema-checked-event-store';

const note = {
  type: 'object',
  additionalProperties: false,
  required: ['text'],
  properties: { text: { type: 'string', maxLength: 5 } },
};
const rules: StoredEventRules = {
  schemasFor: (streamId) => (streamId.startsWith('checked-') ? { Noted: note } : undefined),
  check: (_streamId, _type, data) => (data.text === 'nope' ? [{ path: '/text', rule: 'custom' }] : []),
};

describe('schema-checked event store', () => {
  let inner: MemoryEventStore;
  let store: SchemaCheckedEventStore;
  beforeEach(() => {
    inner = new MemoryEventStore();
    store = new SchemaCheckedEventStore(inner, rules);
  });

  it('appends events of their schema, as stored through JSON', async () => {
    await store.appendToStream('checked-1', [
      { id: randomUUID(), type: 'Noted', data: { text: 'ok', gone: undefined } },
    ]);
    const [e] = await store.readStream('checked-1');
    expect(e.data).toEqual({ text: 'ok' });
    expect(Object.keys(e.data)).toEqual(['text']);
  });

  it('refuses the whole append when one event does not match, and writes nothing', async () => {
    const error = await store
      .appendToStream('checked-1', [
        { id: randomUUID(), type: 'Noted', data: { text: 'ok' } },
        { id: randomUUID(), type: 'Noted', data: { text: 'too long', extra: 1 } },
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventSchemaViolation);
    expect(error).toBeInstanceOf(EventStoreError);
    expect(error).toMatchObject({
      code: 'EVENT_SCHEMA_VIOLATION',
      eventType: 'Noted',
      faults: [
        { path: '/extra', rule: 'additionalProperties' },
        { path: '/text', rule: 'maxLength' },
      ],
    });
    expect((error as Error).message).not.toContain('too long');
    expect((await store.readAll()).events).toEqual([]);
  });

  it.each([
    {
      name: 'a type the stream does not know',
      type: 'Other',
      data: {},
      fault: { path: '', rule: 'unknownEventType' },
    },
    {
      name: 'a type named after a prototype property',
      type: 'toString',
      data: {},
      fault: { path: '', rule: 'unknownEventType' },
    },
    {
      name: 'a value the rules refuse',
      type: 'Noted',
      data: { text: 'nope' },
      fault: { path: '/text', rule: 'custom' },
    },
    {
      name: 'data that is not JSON',
      type: 'Noted',
      data: { text: 1n } as never,
      fault: { path: '', rule: 'json' },
    },
  ])('refuses $name, and writes nothing', async ({ type, data, fault }) => {
    await expect(store.appendToStream('checked-1', [{ id: randomUUID(), type, data }])).rejects.toMatchObject(
      {
        faults: [fault],
      },
    );
    expect(await store.countAfter(undefined)).toBe(0);
  });

  it('leaves other streams and malformed calls to the store it wraps', async () => {
    await store.appendToStream('free', [{ id: randomUUID(), type: 'Anything', data: { any: ['thing'] } }]);
    expect((await inner.readStream('free'))[0].data).toEqual({ any: ['thing'] });
    await expect(
      store.appendToStream('checked-1', [{ id: 'x', type: 'Noted', data: null as never }]),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
