import { ParcoursEvent } from '@parcours/domain';
import { CycleFacts, evolveFacts, newCycle } from './cycle-facts';
import { Echeance, ParameterBook } from './echeance-book';
import { evolveEcheances } from './echeance-rules';
import { evolvePortfolio } from './portfolio';

export * from './cycle-facts';
export * from './echeance-book';

/**
 * The read side's picture of one parcours, folded from its events: what a
 * portfolio line, the échéances and the indicators need. Pure and JSON-only,
 * so that the projection stores it as a document and "as known at a date"
 * recomputes it from the log with the same code.
 *
 * One fold with three concerns, each in its own module, applied in this
 * order to every event: the cycles' facts (cycle-facts.ts), the portfolio's
 * status and names (portfolio.ts), then the échéances (echeance-rules.ts),
 * whose rules read the facts as they stand with the event.
 */
export interface ParcoursView {
  parcoursId: string;
  lastName: string;
  firstName: string;
  /** The person's data were erased (DOMAIN.md §7): names are placeholders. */
  erased?: boolean;
  territory: string;
  status: 'in_rsa' | 'exited' | 'closed' | 'transferred';
  cycles: CycleFacts[];
  echeances: Echeance[];
  openBreaches: string[];
}

export const currentCycle = (v: ParcoursView): CycleFacts => v.cycles[v.cycles.length - 1];

/**
 * Folds one event of a parcours into its view, in place (no copy per event:
 * the caller owns the view), and returns it; the échéances use the parameters
 * in force on the date that opens them.
 *
 * Total over what the schemas admit (libs/domain/src/parcours/event-schemas.ts),
 * not only over what `decide` produces: events before any entry, repeated
 * entries, steps that name an appointment, contract or sanction the view does
 * not know. A property test folds generated logs (parcours-fold.property.spec.ts).
 */
export function evolveView(
  previous: ParcoursView | undefined,
  event: ParcoursEvent,
  book: ParameterBook,
): ParcoursView | undefined {
  let v = previous;
  if (event.type === 'ParcoursEntered') {
    const d = event.data;
    v ??= {
      parcoursId: d.parcoursId,
      lastName: d.person.lastName,
      firstName: d.person.firstName,
      territory: d.territory,
      status: 'in_rsa',
      cycles: [],
      echeances: [],
      openBreaches: [],
    };
    v.cycles.push(newCycle(d, v.cycles.at(-1)?.cycle ?? 0));
  }
  // Nothing to attach a step to before the entry: the stream's first events are skipped until one comes.
  if (!v) return undefined;
  evolveFacts(v.cycles, event);
  evolvePortfolio(v, event);
  evolveEcheances(v, event, book);
  return v;
}
