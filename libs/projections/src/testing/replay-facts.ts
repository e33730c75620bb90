import { BusinessDate, parisDate } from '@parcours/domain';
import type { EventStore } from '@parcours/event-store';
import type { FactsSnapshot } from '../indicators/compute';
import { foldRecorded } from '../parcours-view/fold';
import { EcheanceRow, echeanceRowsOf } from '../parcours-view/portfolio';
import { ParameterBook, ParcoursView } from '../parcours-view/view';

/**
 * The facts as known at the end of a date, by replaying the whole log and
 * folding only the events recorded by then: the oracle the bitemporal read
 * model (loadFacts with asOf) is checked against. Tests only: it holds every
 * view in memory and reads the whole log.
 */
export async function replayFactsAsOf(
  store: EventStore,
  asOf: BusinessDate,
  territory?: string,
): Promise<FactsSnapshot> {
  const book: ParameterBook = { versions: [] };
  const views = await replayViews(store, asOf, book);
  const facts = [...views.values()]
    .flatMap((v) => v?.cycles ?? [])
    .filter((c) => !territory || c.territory === territory);
  return { facts, book: { versions: book.versions } };
}

/** The échéances as rows, as the replay of the events recorded by the end of `asOf` gives them. */
export async function replayEcheancesAsOf(store: EventStore, asOf: BusinessDate): Promise<EcheanceRow[]> {
  const views = await replayViews(store, asOf);
  return [...views.values()].flatMap((v) => (v ? echeanceRowsOf(v) : []));
}

async function replayViews(store: EventStore, asOf: BusinessDate, book: ParameterBook = { versions: [] }) {
  const views = new Map<string, ParcoursView | undefined>();
  let after: string | undefined;
  for (;;) {
    const page = await store.readAll({ after, maxCount: 2000 });
    if (page.events.length === 0) break;
    after = page.position;
    for (const e of page.events) {
      if (parisDate(new Date(e.metadata.recordedAt)) > asOf) continue;
      foldRecorded(views, book, e);
    }
  }
  return views;
}
