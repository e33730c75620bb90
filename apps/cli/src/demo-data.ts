/**
 * Demo data: parcours made by the product's own random sessions (the
 * generator of the property-based tests), appended as the API appends them,
 * one stream per parcours. Loaded lazily by demo-data.commands.ts: it needs
 * fast-check, a development dependency, which the other commands do without.
 */
import { createHash } from 'node:crypto';
import type { AppConfig } from '@parcours/config';
import { ParcoursEvent, parcoursStreamId } from '@parcours/domain';
import { ConcurrencyError, EventStore, EventToAppend, openStores } from '@parcours/event-store';
import { schemaCheckedStores } from '@parcours/runtime';
import fc from 'fast-check';
import { arbitrarySession, play } from '../../../libs/domain/src/testing/random-sessions';
import { Progress, silentProgress } from './progress';
import { UsageError } from './usage-error';

export interface DemoDataOptions {
  parcours: number;
  seed: number;
  territories: number;
  append: boolean;
}

/** Parcours generated and appended at a time: memory stays bounded whatever `--parcours`. */
const BATCH = 64;
/** Appends in flight at once (a PostgreSQL pool holds 10 connections; PGlite serialises them). */
const CONCURRENT_APPENDS = 8;

/** Territory codes of the demo: T1 … Tk. */
export const demoTerritory = (index: number): string => `T${index + 1}`;

function digest(...parts: (string | number)[]): Buffer {
  return createHash('sha256').update(parts.join(':')).digest();
}

/** A version 4 shaped UUID drawn from the seed, so that a seed always gives the same parcours ids. */
function uuidFrom(bytes: Buffer): string {
  const b = Buffer.from(bytes.subarray(0, 16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The i-th demo parcours of a seed: the same whatever the batch it falls in. */
export function demoParcours(
  seed: number,
  index: number,
  territories: number,
): { parcoursId: string; events: ParcoursEvent[] } {
  const parcoursId = uuidFrom(digest('parcours-demo', seed, index));
  const territory = demoTerritory(
    digest('parcours-demo-territory', seed, index).readUInt32BE(0) % territories,
  );
  // A session whose every command is refused gives no parcours: draw again, so that n asked are n written.
  for (let attempt = 0; ; attempt++) {
    const sampleSeed = digest('parcours-demo-session', seed, index, attempt).readInt32BE(0);
    const [steps] = fc.sample(arbitrarySession, { numRuns: 1, seed: sampleSeed });
    const events = play(steps, parcoursId).events;
    if (events.length === 0 && attempt < 100) continue;
    // The generator knows two territories; a demo spreads its parcours over --territories of them.
    return {
      parcoursId,
      events: events.map((e) =>
        e.type === 'ParcoursEntered' ? { ...e, data: { ...e.data, territory } } : e,
      ),
    };
  }
}

/**
 * Its stream written in one append, expected not to exist yet, as the API writes a parcours. The event ids come
 * from the seed too: appending a parcours already written is a no-op (the store's idempotence), so that
 * `--append` with the same seed completes an interrupted run.
 */
async function appendParcours(
  store: EventStore,
  seed: number,
  parcoursId: string,
  events: ParcoursEvent[],
): Promise<void> {
  const toAppend: EventToAppend[] = events.map((e, i) => ({
    id: uuidFrom(digest('parcours-demo-event', parcoursId, i)),
    type: e.type,
    data: e.data as unknown as Record<string, unknown>,
    metadata: { actor: 'demo-data', role: 'system', command: 'DemoData', demoSeed: seed },
  }));
  try {
    await store.appendToStream(parcoursStreamId(parcoursId), toAppend, { expectedRevision: 'no_stream' });
  } catch (error) {
    if (error instanceof ConcurrencyError)
      throw new UsageError(
        `parcours ${parcoursId} of seed ${seed} is in the store with other events: add demo data with another --seed`,
      );
    throw error;
  }
}

export async function demoData(
  options: DemoDataOptions,
  config: AppConfig,
  progress: Progress = silentProgress,
): Promise<string> {
  const { parcours, seed, territories, append } = options;
  // Sealed personal data, schema-checked events: the same store the API writes to.
  const stores = schemaCheckedStores(await openStores(config));
  try {
    const already = await stores.eventStore.countAfter(undefined);
    if (already > 0 && !append)
      throw new UsageError(
        `the store already holds ${already} events: add --append to write demo data beside them`,
      );
    const { written, events } = await progress.run(
      { label: `demo-data ${parcours} parcours, seed ${seed}`, unit: 'parcours' },
      async (task) => {
        let written = 0;
        let events = 0;
        for (let start = 0; start < parcours; start += BATCH) {
          const batch: { parcoursId: string; events: ParcoursEvent[] }[] = [];
          for (let i = start; i < Math.min(start + BATCH, parcours); i++)
            batch.push(demoParcours(seed, i, territories));
          for (let j = 0; j < batch.length; j += CONCURRENT_APPENDS) {
            const slice = batch.slice(j, j + CONCURRENT_APPENDS).filter((p) => p.events.length > 0);
            // Settled, all of them, before a failure is thrown: none is left writing into a closed store.
            const settled = await Promise.allSettled(
              slice.map((p) => appendParcours(stores.eventStore, seed, p.parcoursId, p.events)),
            );
            const failed = settled.find((r) => r.status === 'rejected');
            if (failed) throw failed.reason;
            for (const p of slice) events += p.events.length;
            written += slice.length;
          }
          task.tick(Math.min(start + BATCH, parcours), parcours);
        }
        return { written, events };
      },
      (r) => ({ text: `${r.written} parcours, ${r.events} events`, count: r.written }),
    );
    return (
      `${written} parcours of seed ${seed} in the store (${events} events, territories ` +
      `${demoTerritory(0)}..${demoTerritory(territories - 1)})`
    );
  } finally {
    await stores.close();
  }
}
