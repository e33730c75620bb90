import { ParcoursEvent } from '@parcours/domain';
import { evolveView, ParcoursView } from '../parcours-view/view';
import { computeIndicators } from './compute';

/**
 * Ruptures (DOMAIN.md §5.2, version 2 from 2027) and the accompagnement
 * global rows of the CALPAE matrix (DOMAIN.md §5.1, S002) over the first half
 * of 2027. Every expected figure is counted by hand from the histories below.
 */
const H1_2027 = { from: '2027-01-01', to: '2027-06-30' };

let n = 0;
const id = () => `id-${++n}`;
const entered = (parcoursId: string): ParcoursEvent => ({
  type: 'ParcoursEntered',
  data: {
    parcoursId,
    cycle: 1,
    person: { lastName: 'N', firstName: 'P', birthDate: '1980-01-01', sex: 'female' },
    household: { type: 'single', size: 1 },
    territory: 'T',
    demandOn: '2026-10-01',
    rightOpenedOn: '2026-10-01',
    enteredOn: '2026-10-01',
  },
});
const oriented = (on: string, kind = 'ccas_cias'): ParcoursEvent => ({
  type: 'Oriented',
  data: {
    orientationId: id(),
    track: 'social',
    organisationId: `org-${kind}`,
    organisationKind: kind as never,
    decidedOn: on,
    notifiedOn: on,
  },
});
function held(on: string): ParcoursEvent[] {
  const appointmentId = id();
  return [
    {
      type: 'AppointmentScheduled',
      data: {
        appointmentId,
        scheduledFor: on,
        scheduledOn: on,
        kind: 'individual',
        channel: 'in_person',
        referentId: 'r',
      },
    },
    { type: 'AppointmentHeld', data: { appointmentId, heldOn: on } },
  ];
}
const interrupted = (on: string): ParcoursEvent => ({
  type: 'AccompanimentInterrupted',
  data: { interruptedOn: on, reason: 'person_unreachable' },
});

function report(histories: ParcoursEvent[][], codes: string[]) {
  const book = { versions: [] };
  const views = histories.map((events) =>
    events.reduce<ParcoursView | undefined>((v, e) => evolveView(v, e, book), undefined)!,
  );
  return computeIndicators({ facts: views.flatMap((v) => v.cycles), book }, H1_2027, 'departement', codes)
    .groups[0].indicators;
}

describe('ruptures d’accompagnement, version 2 (DOMAIN.md §5.2)', () => {
  const histories = [
    // P: interrupted 1 Feb, never oriented again: a rupture (interrupted without follow-up).
    [entered('P'), oriented('2026-10-10'), ...held('2027-01-15'), interrupted('2027-02-01')],
    // Q: interrupted 1 Mar, oriented again 20 Mar (within the month), held 10 May: no rupture.
    [
      entered('Q'),
      oriented('2026-10-10'),
      ...held('2027-01-15'),
      interrupted('2027-03-01'),
      oriented('2027-03-20'),
      ...held('2027-05-10'),
    ],
    // R: interrupted 1 Dec 2026, before the period, and not oriented since: not accompanied in the period at all.
    [entered('R'), oriented('2026-10-10'), interrupted('2026-12-01')],
    // S: oriented since October, no appointment ever held: a rupture (no appointment in the last 3 months).
    [entered('S'), oriented('2026-10-10')],
    // T: interrupted 20 June, oriented again 25 July, after the month (20 July): a rupture, known once the month is over.
    [
      entered('T'),
      oriented('2026-10-10'),
      ...held('2027-06-01'),
      interrupted('2027-06-20'),
      oriented('2027-07-25'),
    ],
  ];

  it(
    'counts persons with an interruption not followed by an orientation within a ' +
      'month, or without an appointment for 3 months: 3 of the 4 accompanied (P, S, T ' +
      'of P, Q, S, T)',
    () => {
      const [figure] = report(histories, ['reseau_emploi.ruptures']);
      expect(figure).toMatchObject({
        version: 2,
        numerator: 3,
        denominator: 4,
        value: 0.75,
        breakdown: { interrupted_without_follow_up: 2, no_appointment: 1 },
      });
    },
  );

  it('leaves a person interrupted and oriented again within the month out of the ruptures (Q alone: 0 of 1)', () => {
    const [figure] = report([histories[1]], ['reseau_emploi.ruptures']);
    expect(figure).toMatchObject({ numerator: 0, denominator: 1 });
  });

  it('takes an interrupted person out of the stock until a new orientation (P, T on 30 June: only Q and S remain)', () => {
    const [figure] = report(histories, ['calpae.persons_in_accompaniment']);
    expect(figure.value).toBe(2);
  });
});

describe('accompagnement global (DOMAIN.md §5.1, S002)', () => {
  const globalFlow = (
    orientedOn: string,
    started?: { on: string; binome: string },
    endedOn?: string,
  ): ParcoursEvent[] => [
    { type: 'GlobalAccompanimentOriented', data: { orientedOn } },
    ...(started
      ? [
          {
            type: 'GlobalAccompanimentStarted',
            data: { startedOn: started.on, binomeId: started.binome },
          } as ParcoursEvent,
        ]
      : []),
    ...(endedOn ? [{ type: 'GlobalAccompanimentEnded', data: { endedOn } } as ParcoursEvent] : []),
  ];
  const histories = [
    // G1: oriented 10 Jan, started 24 Jan (14 days) by binôme 1, still running.
    [
      entered('G1'),
      oriented('2026-10-10', 'france_travail'),
      ...globalFlow('2027-01-10', { on: '2027-01-24', binome: 'b1' }),
    ],
    // G2: oriented 1 Feb, started 3 Mar (30 days) by binôme 1, ended 31 May.
    [
      entered('G2'),
      oriented('2026-10-10', 'france_travail'),
      ...globalFlow('2027-02-01', { on: '2027-03-03', binome: 'b1' }, '2027-05-31'),
    ],
    // G3: oriented 1 Mar, started 22 Mar (21 days: within the target) by binôme 2.
    [
      entered('G3'),
      oriented('2026-10-10', 'france_travail'),
      ...globalFlow('2027-03-01', { on: '2027-03-22', binome: 'b2' }),
    ],
    // G4: oriented 15 June, not started by 30 June.
    [entered('G4'), oriented('2026-10-10', 'france_travail'), ...globalFlow('2027-06-15')],
    // G5: oriented and started in 2026 by binôme 2, still running.
    [
      entered('G5'),
      oriented('2026-10-10', 'france_travail'),
      ...globalFlow('2026-11-01', { on: '2026-11-20', binome: 'b2' }),
    ],
  ];
  const figures = report(histories, [
    'calpae.global_accompaniment_orientations',
    'calpae.global_accompaniment_stock',
    'calpae.global_accompaniment_persons_per_binome',
    'calpae.global_accompaniment_days_to_start',
  ]);
  const figure = (code: string) => figures.find((f) => f.code === code)!;

  it('counts the orientations of the period (G1–G4) and the persons in progress on 30 June (G1, G3, G5)', () => {
    expect(figure('calpae.global_accompaniment_orientations').value).toBe(4);
    expect(figure('calpae.global_accompaniment_stock').value).toBe(3);
  });

  it('divides the persons in progress by the binômes following them: 3 / 2', () => {
    expect(figure('calpae.global_accompaniment_persons_per_binome')).toMatchObject({
      numerator: 3,
      denominator: 2,
      value: 1.5,
    });
  });

  it('averages the délai to start over the starts of the period: (14 + 30 + 21) / 3, two within 21 days', () => {
    expect(figure('calpae.global_accompaniment_days_to_start')).toMatchObject({
      numerator: 65,
      denominator: 3,
      breakdown: { within_target: 2, started: 3 },
    });
    expect(figure('calpae.global_accompaniment_days_to_start').value).toBeCloseTo(65 / 3, 10);
  });
});
