import type { BusinessDate, ParcoursEvent } from '@parcours/domain';
import { computeIndicators, IndicatorFigure } from '../indicators/compute';
import { Period } from '../indicators/facts';
import { evolveView, ParcoursView } from '../parcours-view/view';

/** The entry of a parcours into the RSA, the first event of a hand-written history. */
export const enteredEvent = (parcoursId: string, enteredOn: BusinessDate): ParcoursEvent => ({
  type: 'ParcoursEntered',
  data: {
    parcoursId,
    cycle: 1,
    person: { lastName: 'N', firstName: 'P', birthDate: '1980-01-01', sex: 'female' },
    household: { type: 'single', size: 1 },
    territory: 'T',
    demandOn: enteredOn,
    rightOpenedOn: enteredOn,
    enteredOn,
  },
});

/** The département's indicators of a period, by code, folded from hand-written histories (default parameters). */
export function figuresOf(histories: ParcoursEvent[][], period: Period): Record<string, IndicatorFigure> {
  const book = { versions: [] };
  const views = histories.map((events) =>
    events.reduce<ParcoursView | undefined>((v, e) => evolveView(v, e, book), undefined)!,
  );
  const report = computeIndicators({ facts: views.flatMap((v) => v.cycles), book }, period);
  return Object.fromEntries(report.groups[0].indicators.map((i) => [i.code, i]));
}
