import { DEFAULT_PARAMETERS, ParcoursEvent } from '@parcours/domain';
import { MemoryEventStore } from '@parcours/event-store';
import { randomUUID } from 'node:crypto';
import { evolveView, ParcoursView } from '../parcours-view/view';
import { computeIndicators, FactsSnapshot } from './compute';
import { replayFactsAsOf } from '../testing/replay-facts';

/** Hand-built histories; every expected figure below is counted by hand from them. */
const Q1 = { from: '2025-01-01', to: '2025-03-31' };

function entered(id: string, enteredOn: string, extra: Record<string, unknown> = {}): ParcoursEvent {
  return {
    type: 'ParcoursEntered',
    data: {
      parcoursId: id,
      cycle: 1,
      person: { lastName: 'N', firstName: 'P', birthDate: '1985-06-15', sex: 'female' },
      household: { type: 'single', size: 1 },
      territory: 'ARRAGEOIS',
      demandOn: enteredOn,
      rightOpenedOn: enteredOn,
      enteredOn,
      ...extra,
    } as never,
  };
}
const oriented = (
  notifiedOn: string,
  kind = 'ccas_cias',
  track = 'social',
  reorientationRequestId?: string,
): ParcoursEvent => ({
  type: 'Oriented',
  data: {
    orientationId: randomUUID(),
    track: track as never,
    organisationId: `org-${kind}`,
    organisationKind: kind as never,
    decidedOn: notifiedOn,
    notifiedOn,
    reorientationRequestId,
  },
});
const scheduled = (id: string, scheduledFor: string, scheduledOn = scheduledFor): ParcoursEvent => ({
  type: 'AppointmentScheduled',
  data: {
    appointmentId: id,
    scheduledFor,
    scheduledOn,
    kind: 'individual',
    channel: 'in_person',
    referentId: 'r',
  },
});
const contract = (signedOn: string, renewal = false, weeklyHours = 15): ParcoursEvent => ({
  type: 'ContractSigned',
  data: {
    contractId: randomUUID(),
    kind: 'contrat_engagement',
    signedOn,
    startsOn: signedOn,
    endsOn: '2025-12-31',
    weeklyHours,
    objectives: [],
    renewal,
  },
});

function snapshot(histories: ParcoursEvent[][]): FactsSnapshot {
  const book = { versions: [] };
  const views = histories.map((events) =>
    events.reduce<ParcoursView | undefined>((v, e) => evolveView(v, e, book), undefined)!,
  );
  return { facts: views.flatMap((v) => v.cycles), book };
}

function figure(s: FactsSnapshot, code: string, period = Q1) {
  const report = computeIndicators(s, period, 'departement', [code]);
  return report.groups[0].indicators[0];
}

describe('CALPAE: orientation within 1 month', () => {
  // 31 Jan + 1 month = 28 Feb (end of month); 15 Mar + 1 month = 15 Apr.
  const s = snapshot([
    [entered('a', '2025-01-31'), oriented('2025-02-28')], // within
    [entered('b', '2025-01-31'), oriented('2025-03-01')], // one day late
    [entered('c', '2025-03-15'), oriented('2025-04-15')], // within, oriented after the period
    [entered('d', '2025-03-15'), oriented('2025-04-16')], // late
    [entered('e', '2025-03-20')], // not oriented
    [entered('f', '2025-04-01'), oriented('2025-04-02')], // enters after the period
  ]);

  it('counts the new entrants of the period', () => {
    expect(figure(s, 'calpae.new_entrants')).toMatchObject({ numerator: 5, value: 5 });
  });

  it('counts exactly one month as within, the day after as not', () => {
    expect(figure(s, 'calpae.oriented_within_1_month')).toMatchObject({
      numerator: 2,
      denominator: 5,
      value: 0.4,
    });
  });

  it('measures the délai over the entrants already oriented', () => {
    // a: 28 days, b: 29 days, c: 31 days, d: 32 days → mean 30, median 30.
    expect(figure(s, 'calpae.entry_to_orientation_days_mean')).toMatchObject({
      numerator: 120,
      denominator: 4,
      value: 30,
    });
    expect(figure(s, 'calpae.entry_to_orientation_days_median')).toMatchObject({ denominator: 4, value: 30 });
  });

  it('follows a département that moves the delay (a new parameter version)', () => {
    // The département moves the delay to 2 months from 1 March.
    const book = {
      versions: [
        {
          version: 1,
          effectiveFrom: '2025-03-01',
          values: { ...DEFAULT_PARAMETERS, orientationCalpaeMonths: 2 },
        },
      ],
    };
    const report = computeIndicators({ ...s, book }, Q1, 'departement', ['calpae.oriented_within_1_month']);
    // With 2 months, all four oriented entrants are within.
    expect(report.groups[0].indicators[0]).toMatchObject({
      numerator: 4,
      denominator: 5,
      parameters: { orientationCalpaeMonths: 2 },
    });
    expect(report.parametersVersion).toBe(1);
    // The figure under the former parameters stays beside it (same definition, version 1).
    expect(report.groups[0].indicators[0].otherVersions).toEqual([
      {
        definitionVersion: 1,
        parametersVersion: 0,
        parameters: { orientationCalpaeMonths: 1 },
        numerator: 2,
        denominator: 5,
        value: 0.4,
      },
    ]);
    expect(figure(s, 'calpae.oriented_within_1_month').otherVersions).toBeUndefined();
  });
});

describe('CALPAE: first appointment within 2 weeks (14 days, not 15)', () => {
  const s = snapshot([
    [entered('a', '2025-01-10'), oriented('2025-02-01'), scheduled('a1', '2025-02-15')], // 14 days
    [entered('b', '2025-01-10'), oriented('2025-02-01'), scheduled('b1', '2025-02-16')], // 15 days
    [
      entered('c', '2025-01-10'),
      oriented('2025-02-01', 'france_travail', 'employment'),
      scheduled('c1', '2025-02-03'),
    ], // France Travail: outside the indicator
    [entered('d', '2025-01-10'), oriented('2025-02-01')], // no appointment yet
    [
      entered('e', '2025-01-10'),
      oriented('2025-02-01'),
      scheduled('e2', '2025-02-20'),
      scheduled('e1', '2025-02-10'),
    ], // the earliest counts: 9 days
  ]);

  it('counts the first appointments fixed after orientations outside France Travail', () => {
    expect(figure(s, 'calpae.first_appointments_fixed')).toMatchObject({
      numerator: 3,
      denominator: 4,
      value: 0.75,
    });
  });

  it('counts 14 days as within and 15 as not', () => {
    expect(figure(s, 'calpae.first_appointments_within_2_weeks')).toMatchObject({
      numerator: 2,
      denominator: 3,
    });
  });
});

describe('re-entry, réorientation and contracts', () => {
  const s = snapshot([
    [
      entered('a', '2025-01-06'),
      oriented('2025-01-20'),
      contract('2025-02-10'),
      { type: 'RsaExited', data: { exitedOn: '2025-02-28', reason: 'income' } },
      entered('a', '2025-03-10', { cycle: 2 }),
      oriented('2025-03-12', 'france_travail', 'employment'),
    ],
    [
      entered('b', '2025-01-06'),
      oriented('2025-01-10', 'ccas_cias', 'social'),
      {
        type: 'ReorientationRequested',
        data: { requestId: 'r1', requestedOn: '2025-02-01', motive: 'situation_changed' },
      },
      oriented('2025-02-15', 'france_travail', 'employment', 'r1'),
      contract('2025-03-20'),
    ],
  ]);

  it('counts a re-entry as a new entrant', () => {
    expect(figure(s, 'calpae.new_entrants')).toMatchObject({ value: 3 });
  });

  it('counts orientations and réorientations in the flow, by track and organisme', () => {
    expect(figure(s, 'calpae.orientations_flow')).toMatchObject({
      value: 4,
      breakdown: { 'social/ccas_cias': 2, 'employment/france_travail': 2 },
    });
  });

  it('counts the réorientation from → to, against the persons accompanied', () => {
    // Accompanied in Q1: a's two cycles and b → 3.
    expect(figure(s, 'reseau_emploi.reorientations')).toMatchObject({
      numerator: 1,
      denominator: 3,
      breakdown: { 'social->employment': 1 },
    });
  });

  it('measures the first contract against the first orientation of its cycle', () => {
    // a cycle 1: oriented 20 Jan, contract 10 Feb → within; b: oriented 10 Jan, contract 20 Mar → beyond 10 Mar; a cycle 2: none.
    expect(figure(s, 'calpae.first_contracts_within_2_months')).toMatchObject({
      numerator: 1,
      denominator: 3,
    });
    expect(figure(s, 'calpae.first_contracts')).toMatchObject({ value: 2 });
  });

  it('counts the stock at the end of the period by current orientation', () => {
    // a (cycle 2, oriented FT) and b (réoriented FT); a's first cycle exited on 28 Feb is within 6 months, still followed.
    expect(figure(s, 'calpae.persons_in_accompaniment')).toMatchObject({
      value: 3,
      breakdown: { 'employment/france_travail': 2, 'social/ccas_cias': 1 },
    });
  });
});

describe('as known at a date', () => {
  it(
    'reproduces a figure before late records, and counts a contract signed before a ' +
      'late-recorded orientation once they arrive',
    async () => {
      const store = new MemoryEventStore();
      const append = async (revision: number | 'no_stream', e: ParcoursEvent, recordedAt: string) =>
        store.appendToStream(
          'parcours-x',
          [{ id: randomUUID(), type: e.type, data: e.data as never, metadata: { recordedAt } }],
          { expectedRevision: revision },
        );
      await append('no_stream', entered('x', '2025-01-06'), '2025-01-06T09:00:00Z');
      // The orientation notified on 20 January is recorded only on 3 March, the contract of 10 February on 4 March.
      await append(0, oriented('2025-01-20'), '2025-03-03T09:00:00Z');
      await append(1, contract('2025-02-10'), '2025-03-04T09:00:00Z');

      const asOfFebruary = computeIndicators(
        await replayFactsAsOf(store, '2025-02-28'),
        Q1,
        'departement',
        ['calpae.oriented_within_1_month', 'calpae.first_contracts'],
        '2025-02-28',
      );
      expect(asOfFebruary.asOf).toBe('2025-02-28');
      expect(asOfFebruary.groups[0].indicators.map((i) => [i.code, i.numerator, i.denominator])).toEqual([
        ['calpae.oriented_within_1_month', 0, 1],
        ['calpae.first_contracts', 0, null],
      ]);

      const asOfMarch = computeIndicators(await replayFactsAsOf(store, '2025-03-05'), Q1, 'departement', [
        'calpae.oriented_within_1_month',
        'calpae.first_contracts_within_2_months',
      ]);
      expect(asOfMarch.groups[0].indicators.map((i) => [i.code, i.numerator, i.denominator])).toEqual([
        ['calpae.oriented_within_1_month', 1, 1],
        ['calpae.first_contracts_within_2_months', 1, 1],
      ]);
    },
  );
});

describe('DREES OARSA at the end of the period', () => {
  const s = snapshot([
    [
      entered('a', '2024-01-10', { demandOn: '2024-01-01' }),
      oriented('2024-03-01', 'france_travail', 'employment'),
    ],
    [entered('b', '2025-02-01', { demandOn: '2025-01-20' }), oriented('2025-03-01'), contract('2025-03-10')],
    [entered('c', '2025-03-01', { demandOn: '2025-02-25' })],
    [
      entered('d', '2024-06-01'),
      oriented('2024-06-20'),
      { type: 'RsaExited', data: { exitedOn: '2025-01-31', reason: 'employment' } },
    ],
  ]);

  it('counts persons subject to rights and duties, the oriented, and those outside France Travail with a contract', () => {
    expect(figure(s, 'drees.subject_to_rights_and_duties')).toMatchObject({ value: 3 });
    expect(figure(s, 'drees.oriented')).toMatchObject({ numerator: 2, denominator: 3 });
    expect(figure(s, 'drees.oriented').breakdown).toMatchObject({
      'organisation:france_travail': 1,
      'organisation:other': 1,
      'seniority:1-2y': 1,
      'seniority:<6m': 1,
    });
    expect(figure(s, 'drees.outside_france_travail_with_contract')).toMatchObject({
      numerator: 1,
      denominator: 1,
    });
  });

  it('measures the délai from the demand, for the entrants of the period', () => {
    // b: 20 Jan → 1 Mar = 40 days; c is not oriented.
    expect(figure(s, 'drees.orientation_delay_days_mean')).toMatchObject({
      numerator: 40,
      denominator: 1,
      value: 40,
    });
    // b: 1 Mar → 10 Mar = 9 days.
    expect(figure(s, 'drees.orientation_to_contract_days_mean')).toMatchObject({ value: 9 });
  });
});

describe('grouping', () => {
  it('computes each group on its own facts', () => {
    const s = snapshot([
      [entered('a', '2025-01-06'), oriented('2025-01-10')],
      [entered('b', '2025-01-06', { territory: 'CALAISIS' })],
      [entered('c', '2025-01-07', { territory: 'CALAISIS' }), oriented('2025-01-09')],
    ]);
    const report = computeIndicators(s, Q1, 'territory', ['calpae.oriented_within_1_month']);
    expect(
      report.groups.map((g) => [g.group, g.indicators[0].numerator, g.indicators[0].denominator]),
    ).toEqual([
      ['ARRAGEOIS', 1, 1],
      ['CALAISIS', 1, 2],
    ]);
  });
});
