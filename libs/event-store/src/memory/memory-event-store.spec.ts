import { describeEventStoreConformance } from '../testing/conformance';
import { MemoryEventStore } from './memory-event-store';

describeEventStoreConformance('memory', { open: async () => new MemoryEventStore() });
