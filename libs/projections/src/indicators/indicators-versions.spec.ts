import { DEFAULT_PARAMETERS, ParcoursEvent } from '@parcours/domain';
import { MemoryEventStore } from '@parcours/event-store';
import { createHash, randomUUID } from 'node:crypto';
import { evolveView, ParcoursView } from '../parcours-view/view';
import { computeIndicators, definitionsVersionOf, FactsSnapshot } from './compute';
import { replayFactsAsOf } from '../testing/replay-facts';
import {
  checkCatalogue,
  FIRST_DEFINITIONS_FROM,
  IndicatorDefinition,
  INDICATORS,
  publishedDefinitions,
  versionsForPeriod,
} from './definitions';
import { exportIndicators } from './export';

/**
 * Versioned definitions: a definition's version has an effective date, old versions stay,
 * a period spanning a change gives both side by side, and "as known at" a date
 * uses the definitions then in force. The case the versioning exists for
 * (DOMAIN.md §5.1 "Persons in accompaniment"): from 2026 a person
 * is counted once (a person = a parcours) although an exit and a re-entry
 * fall in the period; 2025 figures already sent stay those of version 1.
 * Every expected figure is counted by hand from the histories below.
 */
const PERSONS = 'calpae.persons_in_accompaniment';
const YEAR_2025 = { from: '2025-01-01', to: '2025-12-31' };
const Q1_2026 = { from: '2026-01-01', to: '2026-03-31' };
const SPANNING = { from: '2025-10-01', to: '2026-03-31' };

const entered = (id: string, enteredOn: string, cycle = 1): ParcoursEvent => ({
  type: 'ParcoursEntered',
  data: {
    parcoursId: id,
    cycle,
    person: { lastName: 'N', firstName: 'P', birthDate: '1985-06-15', sex: 'female' },
    household: { type: 'single', size: 1 },
    territory: 'ARRAGEOIS',
    demandOn: enteredOn,
    rightOpenedOn: enteredOn,
    enteredOn,
  } as never,
});
const oriented = (notifiedOn: string, kind: string, track: string): ParcoursEvent => ({
  type: 'Oriented',
  data: {
    orientationId: randomUUID(),
    track: track as never,
    organisationId: `org-${kind}`,
    organisationKind: kind as never,
    decidedOn: notifiedOn,
    notifiedOn,
  },
});
const exited = (exitedOn: string): ParcoursEvent => ({
  type: 'RsaExited',
  data: { exitedOn, reason: 'income' } as never,
});

/** Each event with the business date it is recorded on (for "as known at"). */
const histories: Record<string, [ParcoursEvent, string][]> = {
  // A: exit on 31 Oct 2025 and re-entry on 20 Nov 2025. The exited cycle is still followed until 30 Apr 2026 (6 months).
  A: [
    [entered('A', '2025-01-06'), '2025-01-06'],
    [oriented('2025-01-20', 'ccas_cias', 'social'), '2025-01-20'],
    [exited('2025-10-31'), '2025-10-31'],
    [entered('A', '2025-11-20', 2), '2025-11-20'],
    [oriented('2025-11-25', 'france_travail', 'employment'), '2025-11-25'],
  ],
  // B: followed throughout, never exits.
  B: [
    [entered('B', '2025-02-01'), '2025-02-01'],
    [oriented('2025-02-10', 'departement', 'socio_professional'), '2025-02-10'],
  ],
  // C: exit on 31 May 2025; followed until 30 Nov 2025, so no longer at the end of any period below.
  C: [
    [entered('C', '2025-03-01'), '2025-03-01'],
    [oriented('2025-03-05', 'ccas_cias', 'social'), '2025-03-05'],
    [exited('2025-05-31'), '2025-05-31'],
  ],
  // D: exit on 28 Feb 2026 and re-entry on 16 Mar 2026 (the exited cycle is followed until 28 Aug 2026).
  D: [
    [entered('D', '2025-04-01'), '2025-04-01'],
    [oriented('2025-04-10', 'ccas_cias', 'social'), '2025-04-10'],
    [exited('2026-02-28'), '2026-02-28'],
    [entered('D', '2026-03-16', 2), '2026-03-16'],
    [oriented('2026-03-20', 'france_travail', 'employment'), '2026-03-20'],
  ],
};

function snapshot(): FactsSnapshot {
  const book = { versions: [] };
  const views = Object.values(histories).map((h) =>
    h.reduce<ParcoursView | undefined>((v, [e]) => evolveView(v, e, book), undefined)!,
  );
  return { facts: views.flatMap((v) => v.cycles), book };
}

function persons(s: FactsSnapshot, period: { from: string; to: string }, asOf?: string) {
  return computeIndicators(s, period, 'departement', [PERSONS], asOf).groups[0].indicators[0];
}

describe('persons in accompaniment: a person counted once from 2026 (version 2), cycles before (version 1)', () => {
  const s = snapshot();

  it('gives a 2025 report the figure of version 1, as it was sent: A counts twice', () => {
    // On 31 Dec 2025: A's exited cycle (followed until 30 Apr 2026) and A's new cycle, B, D → 4 cycles; C left on 30 Nov.
    expect(persons(s, YEAR_2025)).toMatchObject({
      version: 1,
      effectiveFrom: FIRST_DEFINITIONS_FROM,
      value: 4,
      breakdown: {
        'social/ccas_cias': 2,
        'employment/france_travail': 1,
        'socio_professional/departement': 1,
      },
    });
    expect(persons(s, YEAR_2025).otherVersions).toBeUndefined();
  });

  it('gives a 2026 report the figure of version 2: each person once, under the most recent cycle', () => {
    // On 31 Mar 2026: A (exited cycle still followed, and the new one) → once, under France Travail; D likewise; B → 3.
    expect(persons(s, Q1_2026)).toMatchObject({
      version: 2,
      effectiveFrom: '2026-01-01',
      value: 3,
      breakdown: { 'employment/france_travail': 2, 'socio_professional/departement': 1 },
    });
    expect(persons(s, Q1_2026).otherVersions).toBeUndefined();
  });

  it('gives a period spanning the change both figures side by side, version 2 (in force on its last day) first', () => {
    // Under version 1 on 31 Mar 2026: A twice, D twice, B → 5.
    const f = persons(s, SPANNING);
    expect(f).toMatchObject({ version: 2, value: 3 });
    expect(f.otherVersions).toEqual([
      {
        definitionVersion: 1,
        parametersVersion: 0,
        parameters: { accompanimentAfterExitMonths: 6 },
        numerator: 5,
        denominator: null,
        value: 5,
        breakdown: {
          'social/ccas_cias': 2,
          'employment/france_travail': 2,
          'socio_professional/departement': 1,
        },
      },
    ]);
  });

  it('counts a person once across groups too, so that the groups add up to the département', () => {
    // By organisation (of each cycle's last orientation): A's and D's exited cycles fall under org-ccas_cias, their new cycles
    // under org-france_travail. Version 2 counts them under France Travail only; C is in org-ccas_cias but no longer followed.
    const report = computeIndicators(s, Q1_2026, 'organisation', [PERSONS]);
    expect(report.groups.map((g) => [g.group, g.indicators[0].version, g.indicators[0].value])).toEqual([
      ['org-ccas_cias', 2, 0],
      ['org-departement', 2, 1],
      ['org-france_travail', 2, 2],
    ]);
  });

  it('shows every (definition, parameters) pair of the period once when the parameters change too', () => {
    // The département shortens the follow-up after exit to 1 month from 1 Feb 2026. On 31 Mar 2026 with 1 month: A's exited
    // cycle (until 30 Nov 2025) and D's (until 28 Mar 2026) are no longer followed: A, B, D once each under both versions → 3.
    // With the 6 months in force on 1 Oct 2025: 3 under version 2, 5 under version 1 (above).
    const book = {
      versions: [
        {
          version: 1,
          effectiveFrom: '2026-02-01',
          values: { ...DEFAULT_PARAMETERS, accompanimentAfterExitMonths: 1 },
        },
      ],
    };
    const f = computeIndicators({ ...s, book }, SPANNING, 'departement', [PERSONS]).groups[0].indicators[0];
    expect(f).toMatchObject({ version: 2, parameters: { accompanimentAfterExitMonths: 1 }, value: 3 });
    expect(f.otherVersions!.map((o) => [o.definitionVersion, o.parametersVersion, o.value])).toEqual([
      [2, 0, 3],
      [1, 1, 3],
      [1, 0, 5],
    ]);
  });

  it('as known at a date before the change, uses version 1 only: version 2 did not exist then', async () => {
    const store = new MemoryEventStore();
    for (const [id, h] of Object.entries(histories)) {
      for (const [i, [e, on]] of h.entries()) {
        await store.appendToStream(
          `parcours-${id}`,
          [
            {
              id: randomUUID(),
              type: e.type,
              data: e.data as never,
              metadata: { recordedAt: `${on}T09:00:00Z` },
            },
          ],
          {
            expectedRevision: i === 0 ? 'no_stream' : i - 1,
          },
        );
      }
    }
    // Known on 31 Dec 2025: D has not left yet. Under version 1 on 31 Mar 2026: A twice, B, D → 4.
    const before = computeIndicators(
      await replayFactsAsOf(store, '2025-12-31'),
      SPANNING,
      'departement',
      [PERSONS],
      '2025-12-31',
    );
    expect(before.groups[0].indicators[0]).toMatchObject({ version: 1, value: 4 });
    expect(before.groups[0].indicators[0].otherVersions).toBeUndefined();
    // Known on 1 Apr 2026: everything; version 2 first, version 1 beside it (3 and 5, as above).
    const after = computeIndicators(
      await replayFactsAsOf(store, '2026-04-01'),
      SPANNING,
      'departement',
      [PERSONS],
      '2026-04-01',
    );
    expect([after.groups[0].indicators[0].version, after.groups[0].indicators[0].value]).toEqual([2, 3]);
    expect(after.groups[0].indicators[0].otherVersions!.map((o) => [o.definitionVersion, o.value])).toEqual([
      [1, 5],
    ]);
    // The reports name different sets of definitions; the one before the change names version 1 of every indicator.
    expect(before.definitionsVersion).toBe(
      definitionsVersionOf(INDICATORS.map((d) => ({ code: d.code, version: 1 }))),
    );
    expect(after.definitionsVersion).not.toBe(before.definitionsVersion);
  });
});

describe('exports name the definition version of every figure', () => {
  const report = computeIndicators(snapshot(), SPANNING, 'departement');
  const [calpae] = exportIndicators(report, 'csv');
  const [calpaeJson] = exportIndicators(report, 'json');

  it('in CSV: the main row under version 2, the row under version 1 beside it, and both texts in the header', () => {
    const rows = calpae.content.split('\n').filter((l) => l.startsWith(`calpae,${PERSONS},`));
    // family,code,definition_version,label,unit,group_by,group,breakdown,numerator,denominator,value,…
    expect(rows.map((r) => r.split(',').slice(2, 3).concat(r.split(',').slice(7, 11)))).toEqual([
      ['2', '', '3', '', '3'],
      ['2', 'employment/france_travail', '2', '', '2'],
      ['2', 'socio_professional/departement', '1', '', '1'],
      ['1', 'definition_version:1', '5', '', '5'],
    ]);
    expect(calpae.content).toContain(
      `# définition ${PERSONS} version 1 (périodes finissant à partir du 2009-06-01) : À la fin de la période : cycles orientés`,
    );
    expect(calpae.content).toContain(
      `# définition ${PERSONS} version 2 (périodes finissant à partir du 2026-01-01) : À la fin de la période : personnes`,
    );
    // Every other indicator of the family is under version 1 only.
    expect(
      calpae.content
        .split('\n')
        .filter((l) => l.startsWith('calpae,') && !l.startsWith(`calpae,${PERSONS},`))
        .every((l) => l.split(',')[2] === '1'),
    ).toBe(true);
  });

  it('in JSON: every row names its version, and the definitions used are listed with their effective dates', () => {
    const body = JSON.parse(calpaeJson.content);
    const rows = body.rows.filter((r: { code: string }) => r.code === PERSONS);
    expect(
      rows.map((r: { definition_version: number; breakdown: string; value: number }) => [
        r.definition_version,
        r.breakdown,
        r.value,
      ]),
    ).toEqual([
      [2, '', 3],
      [2, 'employment/france_travail', 2],
      [2, 'socio_professional/departement', 1],
      [1, 'definition_version:1', 5],
    ]);
    expect(
      body.definitions
        .filter((d: { code: string }) => d.code === PERSONS)
        .map((d: { version: number; effectiveFrom: string }) => [d.version, d.effectiveFrom]),
    ).toEqual([
      [1, '2009-06-01'],
      [2, '2026-01-01'],
    ]);
  });

  it('names a 2025 export under version 1 only', () => {
    const [file] = exportIndicators(computeIndicators(snapshot(), YEAR_2025, 'departement'), 'csv');
    expect(file.content).not.toContain('version 2');
    expect(
      file.content
        .split('\n')
        .filter((l) => l.startsWith(`calpae,${PERSONS},`))
        .map((l) => l.split(',')[2]),
    ).toEqual(['1', '1', '1', '1']);
  });
});

describe('the catalogue of definitions', () => {
  it('lists every version with its dates, old ones included (GET /api/indicators/definitions)', () => {
    const listed = publishedDefinitions().filter((d) => d.code === PERSONS);
    expect(listed.map((d) => [d.version, d.effectiveFrom, d.effectiveTo, d.change === null])).toEqual([
      [1, '2009-06-01', '2025-12-31', true],
      [2, '2026-01-01', null, false],
    ]);
    expect(listed[1].definition).toMatch(/compte une fois/);
    expect(publishedDefinitions()).toHaveLength(INDICATORS.reduce((n, d) => n + d.versions.length, 0));
  });

  it.each([
    {
      name: 'a period of version 1',
      from: '2025-12-31',
      to: '2025-12-31',
      asOf: undefined,
      expected: [1, []],
    },
    {
      name: 'a period of version 2',
      from: '2026-01-01',
      to: '2026-01-01',
      asOf: undefined,
      expected: [2, []],
    },
    {
      name: 'a period spanning the change (2, with 1 beside it)',
      from: '2025-12-31',
      to: '2026-01-01',
      asOf: undefined,
      expected: [2, [1]],
    },
    {
      name: 'a period spanning the change, as known before it',
      from: '2025-12-31',
      to: '2026-01-01',
      asOf: '2025-12-31',
      expected: [1, []],
    },
    {
      name: 'a period of version 2, as known before version 2 existed',
      from: '2026-01-01',
      to: '2026-12-31',
      asOf: '2025-06-30',
      expected: [1, []],
    },
    // A period older than the RSA has only the first version to apply.
    {
      name: 'a period older than the RSA',
      from: '2000-01-01',
      to: '2000-12-31',
      asOf: undefined,
      expected: [1, []],
    },
  ])(
    'chooses the version in force on the last day of the period, among those known at asOf: $name',
    ({ from, to, asOf, expected }) => {
      const d = INDICATORS.find((x) => x.code === PERSONS)!;
      const { main, others } = versionsForPeriod(d, { from, to }, asOf);
      expect([main.version, others.map((v) => v.version)]).toEqual(expected);
    },
  );

  describe('refuses a catalogue whose versions could change a figure silently', () => {
    const v1 = INDICATORS[0].versions[0];
    const withVersions = (...versions: Partial<typeof v1>[]): IndicatorDefinition[] => [
      { code: 'x', family: 'calpae', versions: versions.map((v) => ({ ...v1, ...v })) },
    ];

    it('accepts a second version that follows the first and says what changed', () => {
      expect(() =>
        checkCatalogue(withVersions({}, { version: 2, effectiveFrom: '2026-01-01', change: 'why' })),
      ).not.toThrow();
    });

    it.each([
      {
        name: 'an indicator defined twice',
        catalogue: () => [...withVersions({}), ...withVersions({})],
        error: /defined twice/,
      },
      {
        name: 'a gap in the version numbers',
        catalogue: () => withVersions({}, { version: 3, effectiveFrom: '2026-01-01', change: 'why' }),
        error: /expected/,
      },
      {
        name: 'a version 2 in force from the same day as version 1',
        catalogue: () =>
          withVersions({}, { version: 2, effectiveFrom: FIRST_DEFINITIONS_FROM, change: 'why' }),
        error: /after version 1/,
      },
      {
        name: 'a version 2 that does not say what changed',
        catalogue: () => withVersions({}, { version: 2, effectiveFrom: '2026-01-01' }),
        error: /what changed/,
      },
      {
        name: 'a version 1 that does not apply from the first definitions',
        catalogue: () => withVersions({ effectiveFrom: '2026-01-01' }),
        error: /version 1 must apply/,
      },
    ])('refuses $name', ({ catalogue, error }) => {
      expect(() => checkCatalogue(catalogue())).toThrow(error);
    });
  });

  it('never edits a published version in place: a change of text is a new version (this list only grows)', () => {
    const fingerprint = (v: IndicatorDefinition['versions'][number]) =>
      createHash('sha256')
        .update([v.label, v.unit, v.definition, v.parameters.join(',')].join('|'))
        .digest('hex')
        .slice(0, 12);
    const actual = Object.fromEntries(
      INDICATORS.flatMap((d) => d.versions.map((v) => [`${d.code}@${v.version}`, fingerprint(v)])),
    );
    expect(actual).toEqual(PUBLISHED);
  });
});

/** Fingerprint of the label, unit, text and parameters of every version published. Add a line for a new version; never change one. */
describe('suspensions, version 2 from 2027: a withdrawn or annulled sanction no longer counts (L262-47)', () => {
  // One parcours, two suspensions: s-1 decided 10 Dec 2026 and annulled 5 Jan 2027; s-2 decided 15 Jan 2027, still running on 31 Jan 2027.
  const events: ParcoursEvent[] = [
    entered('S', '2026-09-01'),
    oriented('2026-09-10', 'ccas_cias', 'social'),
    {
      type: 'BreachReported',
      data: {
        breachId: 'b-1',
        kind: 'unreachable',
        obligation: 'appointments',
        occurredOn: '2026-11-02',
        reportedOn: '2026-11-02',
      },
    },
    {
      type: 'SuspensionDecided',
      data: {
        breachId: 'b-1',
        sanctionId: 's-1',
        decidedOn: '2026-12-10',
        startsOn: '2026-12-10',
        endsOn: '2027-02-09',
        sharePercent: 50,
        months: 2,
        repeated: false,
      },
    },
    { type: 'SanctionWithdrawn', data: { sanctionId: 's-1', decidedOn: '2027-01-05', kind: 'annulment' } },
    {
      type: 'BreachReported',
      data: {
        breachId: 'b-2',
        kind: 'unreachable',
        obligation: 'contract_signature',
        occurredOn: '2026-12-20',
        reportedOn: '2026-12-20',
      },
    },
    {
      type: 'SuspensionDecided',
      data: {
        breachId: 'b-2',
        sanctionId: 's-2',
        decidedOn: '2027-01-15',
        startsOn: '2027-01-15',
        endsOn: '2027-02-14',
        sharePercent: 30,
        months: 1,
        repeated: false,
      },
    },
  ];
  const facts = (): FactsSnapshot => {
    const book = { versions: [] };
    return {
      facts: events.reduce<ParcoursView | undefined>((v, e) => evolveView(v, e, book), undefined)!.cycles,
      book,
    };
  };
  const suspensions = (period: { from: string; to: string }) =>
    computeIndicators(facts(), period, 'departement', ['reseau_emploi.suspensions']).groups[0].indicators[0];

  it('December 2026 under version 1: s-1 counts as decided (figures already sent stay as they were)', () => {
    expect(suspensions({ from: '2026-12-01', to: '2026-12-31' })).toMatchObject({ version: 1, value: 1 });
  });

  it('January 2027 under version 2: s-2 only; in progress at the end: s-2 (s-1 annulled); one withdrawn in the period', () => {
    expect(suspensions({ from: '2027-01-01', to: '2027-01-31' })).toMatchObject({
      version: 2,
      value: 1,
      breakdown: {
        decided: 1,
        in_progress: 1,
        lifted_by_remobilisation: 0,
        made_definitive: 0,
        withdrawn: 1,
      },
    });
  });

  it('December 2026 to January 2027 under version 2 (in force at the end): s-1 no longer counts; version 1 beside it counts both', () => {
    const f = suspensions({ from: '2026-12-01', to: '2027-01-31' });
    expect(f).toMatchObject({ version: 2, value: 1 });
    expect(f.otherVersions).toEqual([expect.objectContaining({ definitionVersion: 1, value: 2 })]);
  });
});

describe('presence in employment at the end, version 2 from 2027: an employment that ended no longer counts', () => {
  // E: employed 1 Nov 2026, end recorded on 31 Jan 2027. F: employed 15 Jan 2027, still employed. G: never employed.
  const events: Record<string, ParcoursEvent[]> = {
    E: [
      entered('E', '2026-09-01'),
      oriented('2026-09-10', 'ccas_cias', 'social'),
      {
        type: 'EmploymentStarted',
        data: { employmentId: 'e-1', startedOn: '2026-11-01', kind: 'fixed_term_under_6_months' },
      },
      { type: 'EmploymentEnded', data: { employmentId: 'e-1', endedOn: '2027-01-31' } },
    ],
    F: [
      entered('F', '2026-09-01'),
      oriented('2026-09-10', 'ccas_cias', 'social'),
      {
        type: 'EmploymentStarted',
        data: { employmentId: 'f-1', startedOn: '2027-01-15', kind: 'permanent' },
      },
    ],
    G: [entered('G', '2026-09-01'), oriented('2026-09-10', 'ccas_cias', 'social')],
  };
  const facts = (): FactsSnapshot => {
    const book = { versions: [] };
    return {
      facts: Object.values(events).flatMap(
        (h) => h.reduce<ParcoursView | undefined>((v, e) => evolveView(v, e, book), undefined)!.cycles,
      ),
      book,
    };
  };
  const figure = (period: { from: string; to: string }) =>
    computeIndicators(facts(), period, 'departement', ['reseau_emploi.in_employment_at_end']).groups[0]
      .indicators[0];

  it('on 31 Jan 2027 (the last day of E’s employment) E and F are employed: 2 of 3', () => {
    expect(figure({ from: '2027-01-01', to: '2027-01-31' })).toMatchObject({
      version: 2,
      numerator: 2,
      denominator: 3,
    });
  });

  it('on 28 Feb 2027 only F is: 1 of 3 (version 1 would still count E)', () => {
    expect(figure({ from: '2027-02-01', to: '2027-02-28' })).toMatchObject({
      version: 2,
      numerator: 1,
      denominator: 3,
    });
  });

  it('December 2026 under version 1: E counts as employed, ends being unknown to it', () => {
    expect(figure({ from: '2026-12-01', to: '2026-12-31' })).toMatchObject({
      version: 1,
      numerator: 1,
      denominator: 3,
    });
  });
});

const PUBLISHED: Record<string, string> = {
  'calpae.global_accompaniment_days_to_start@1': '9f3997cec63c',
  'calpae.global_accompaniment_orientations@1': '5ed60aa5940e',
  'calpae.global_accompaniment_persons_per_binome@1': '99d7dc44dad3',
  'calpae.global_accompaniment_stock@1': '9535cf27e16e',
  'reseau_emploi.ruptures@2': '2ded94f76de7',
  'calpae.new_entrants@1': 'b18f5199e2f0',
  'calpae.oriented_within_1_month@1': '9b7d288b085d',
  'calpae.entry_to_orientation_days_mean@1': '348775fcf531',
  'calpae.entry_to_orientation_days_median@1': '6a92db08bd49',
  'calpae.first_appointments_fixed@1': 'e4276785dc17',
  'calpae.first_appointments_within_2_weeks@1': 'bf068180ddc2',
  'calpae.first_contracts@1': '001329afd631',
  'calpae.first_contracts_within_2_months@1': 'e5a1c950a9be',
  'calpae.orientations_flow@1': '40b8d72135d1',
  'calpae.persons_in_accompaniment@1': 'c9f6561426cd',
  'calpae.persons_in_accompaniment@2': '6f81566f9cff',
  'reseau_emploi.public_description@1': 'c7e8660a5df5',
  'reseau_emploi.registration_to_contract_days_mean@1': '1ead39d416e1',
  'reseau_emploi.registration_to_contract_days_median@1': '406c85f2f95f',
  'reseau_emploi.reorientations@1': '5d9457281dc1',
  'reseau_emploi.ruptures@1': '71b68c991aae',
  'reseau_emploi.offer_prescribed@1': 'a717cd4a732c',
  'reseau_emploi.offer_entered@1': '93cebab2e680',
  'reseau_emploi.activity_hours_done_mean@1': '03b3ce8c1071',
  'reseau_emploi.activity_hours_done_median@1': '83289f2691b2',
  'reseau_emploi.activity_hours_planned_mean@1': '46c340a89371',
  'reseau_emploi.activity_hours_planned_median@1': '36d8a3fbd084',
  'reseau_emploi.activity_plan_15h_share@1': '6ce86b46dbc7',
  'reseau_emploi.activity_weeks_fully_done@1': '8939dee00b88',
  'reseau_emploi.invitation_response_days_mean@1': '57a19d6276d7',
  'reseau_emploi.invitation_response_rate@1': '0d9529b3e920',
  'reseau_emploi.no_show_after_convocation@1': '4e67706c6a77',
  'reseau_emploi.barrier_persistence@1': '8ee255425d08',
  'reseau_emploi.employment_access@1': '8cc807210b5d',
  'reseau_emploi.in_employment_at_end@1': '39a287b55c7e',
  'reseau_emploi.in_employment_at_end@2': '5d8a36a680c1',
  'reseau_emploi.weekly_hours_mean@1': '4ffbd3dc81e1',
  'reseau_emploi.weekly_hours_target_share@1': '303c574dd193',
  'reseau_emploi.meetings_per_person_month@1': 'f105b5630c5b',
  'reseau_emploi.suspensions@1': '102e87abfb2e',
  'reseau_emploi.suspensions@2': '63dc531ebadf',
  'cie.action_beneficiaries@1': '75503dfc1fe3',
  'cie.action_positive_outcome@1': 'bc52409746f6',
  'equilibre.first_appointment_within_15_days@1': '0c92613a7b8c',
  'equilibre.contract_rate@1': '3a6327045495',
  'equilibre.weekly_hours_respected@1': '3309917a476b',
  'equilibre.exits_within_12_months@1': '3b0c76aa5067',
  'drees.subject_to_rights_and_duties@1': 'c1672cd7f998',
  'drees.oriented@1': '15f7f20214d6',
  'drees.outside_france_travail_with_contract@1': '1ab42f87e366',
  'drees.orientation_delay_days_mean@1': 'c16d711d8519',
  'drees.orientation_to_contract_days_mean@1': 'cbb79ab705d5',
};
