import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import { loadConfig } from '@parcours/config';
import { DEFAULT_PARAMETERS, REFERENCE_STREAM } from '@parcours/domain';
import {
  EventSchemaViolation,
  EventStore,
  MemoryEventStore,
  SchemaCheckedEventStore,
  Stores,
} from '@parcours/event-store';
import { randomUUID } from 'node:crypto';
import { CoreModule } from './core.module';
import { EVENT_STORE, STORES } from './tokens';

describe('the core module', () => {
  it("checks every append of the stores a test passes in: the issue's examples are refused and nothing is written", async () => {
    const inner = new MemoryEventStore();
    const stores: Stores = { eventStore: inner, sql: {} as never, close: async () => undefined };
    const module = await Test.createTestingModule({
      imports: [CoreModule.forRoot(loadConfig({ PARCOURS_STORE: 'memory' }), { stores })],
    }).compile();
    const store = module.get<EventStore>(EVENT_STORE);
    expect(store).toBeInstanceOf(SchemaCheckedEventStore);
    expect(module.get<Stores>(STORES).eventStore).toBe(store);

    const parcours = `parcours-${randomUUID()}`;
    await expect(
      store.appendToStream(parcours, [
        { id: randomUUID(), type: 'HouseholdChanged', data: { changedOn: '2026-02-10' } },
      ]),
    ).rejects.toBeInstanceOf(EventSchemaViolation);
    const values = { ...DEFAULT_PARAMETERS, orientationCalpaeMonths: 1.5 };
    await expect(
      store.appendToStream(REFERENCE_STREAM, [
        {
          id: randomUUID(),
          type: 'ParametersVersionSet',
          data: { version: 1, effectiveFrom: '2026-01-01', values },
        },
      ]),
    ).rejects.toMatchObject({
      code: 'EVENT_SCHEMA_VIOLATION',
      eventType: 'ParametersVersionSet',
      faults: [{ path: '/values/orientationCalpaeMonths', rule: 'type' }],
    });
    expect(await inner.countAfter(undefined)).toBe(0);
    await module.close();
  });
});
