import fc from 'fast-check';
import { EventSchemaViolation, StoredEventChecker } from '@parcours/event-store';
import { DEFAULT_PARAMETERS, FRACTIONAL_PARAMETERS, PARAMETER_NAMES } from '../shared/parameters';
import { INTEGER_PARAMETERS, REFERENCE_EVENT_SCHEMAS } from '../reference/reference-event-schemas';
import { REFERENCE_STREAM } from '../reference/reference';
import { arbitraryEventOf, UUID_POOL } from '../testing/schema-arbitrary';
import { PARCOURS_EVENT_SCHEMAS } from './event-schemas';
import { STORED_EVENT_RULES } from './stored-events';

const checker = new StoredEventChecker(STORED_EVENT_RULES);
const PARCOURS_ID = UUID_POOL[0];
const STREAM = `parcours-${PARCOURS_ID}`;

type Fault = { path: string; rule: string };

/** The faults of one event in a stream, or [] when it would be written. */
function faults(type: string, data: Record<string, unknown>, stream = STREAM): Fault[] {
  try {
    checker.check(stream, [{ id: '00000000-0000-4000-8000-00000000000a', type, data }]);
    return [];
  } catch (error) {
    if (!(error instanceof EventSchemaViolation)) throw error;
    expect([error.code, error.eventType]).toEqual(['EVENT_SCHEMA_VIOLATION', type]);
    return error.faults;
  }
}

const entry = (): Record<string, unknown> => ({
  parcoursId: PARCOURS_ID,
  cycle: 1,
  person: { lastName: 'Martin', firstName: 'Léa', birthDate: '1990-04-12', sex: 'female' },
  household: { type: 'single_parent', size: 2, cafNumber: '1234567' },
  territory: 'ARRAGEOIS',
  demandOn: '2025-01-02',
  rightOpenedOn: '2025-01-03',
  enteredOn: '2025-01-06',
});

describe('stored event schemas', () => {
  it('compile (strict) and admit every event generated from them, in their stream', () => {
    fc.assert(
      fc.property(arbitraryEventOf(PARCOURS_EVENT_SCHEMAS), (e) => {
        const data = e.type === 'ParcoursEntered' ? { ...e.data, parcoursId: PARCOURS_ID } : e.data;
        expect([e.type, faults(e.type, data)]).toEqual([e.type, []]);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(arbitraryEventOf(REFERENCE_EVENT_SCHEMAS), (e) => {
        expect([e.type, faults(e.type, e.data, REFERENCE_STREAM)]).toEqual([e.type, []]);
      }),
      { numRuns: 200 },
    );
  });

  it("refuse the issue's examples: a household change without household, an entry without household or person", () => {
    expect(faults('HouseholdChanged', { changedOn: '2026-02-10' })).toEqual([
      { path: '/household', rule: 'required' },
    ]);
    const { household: _h, ...withoutHousehold } = entry();
    expect(faults('ParcoursEntered', withoutHousehold)).toEqual([{ path: '/household', rule: 'required' }]);
    const { person: _p, ...withoutPerson } = entry();
    expect(faults('ParcoursEntered', withoutPerson)).toEqual([{ path: '/person', rule: 'required' }]);
    expect(faults('ParcoursEntered', entry())).toEqual([]);
  });

  it('refuse a parameter version with a fraction of months, or missing a parameter', () => {
    const values = { ...DEFAULT_PARAMETERS, orientationCalpaeMonths: 1.5 };
    expect(
      faults('ParametersVersionSet', { version: 2, effectiveFrom: '2026-01-01', values }, REFERENCE_STREAM),
    ).toEqual([{ path: '/values/orientationCalpaeMonths', rule: 'type' }]);
    const { dueSoonDays: _d, ...incomplete } = DEFAULT_PARAMETERS;
    expect(
      faults(
        'ParametersVersionSet',
        { version: 2, effectiveFrom: '2026-01-01', values: incomplete },
        REFERENCE_STREAM,
      ),
    ).toEqual([{ path: '/values/dueSoonDays', rule: 'required' }]);
    // Hours may take a fraction.
    expect(
      faults(
        'ParametersVersionSet',
        {
          version: 2,
          effectiveFrom: '2026-01-01',
          values: { ...DEFAULT_PARAMETERS, weeklyHoursTarget: 17.5 },
        },
        REFERENCE_STREAM,
      ),
    ).toEqual([]);
  });

  it('say which parameters are whole numbers: every number but the hours', () => {
    const numbers = PARAMETER_NAMES.filter((k) => typeof DEFAULT_PARAMETERS[k] === 'number');
    expect([...INTEGER_PARAMETERS, ...FRACTIONAL_PARAMETERS].sort()).toEqual([...numbers].sort());
    expect(INTEGER_PARAMETERS).toContain('orientationCalpaeMonths');
    expect(INTEGER_PARAMETERS).not.toContain('weeklyHoursTarget');
  });

  it.each<{
    name: string;
    type: string;
    data: () => Record<string, unknown>;
    stream?: string;
    expected: Fault[];
  }>([
    {
      name: 'a reserved name as identifier',
      type: 'ParcoursEntered',
      data: () => ({ ...entry(), territory: 'constructor' }),
      expected: [{ path: '/territory', rule: 'pattern' }],
    },
    {
      name: 'a reserved name as identifier, whatever its case',
      type: 'ParcoursEntered',
      data: () => ({ ...entry(), territory: '__PROTO__' }),
      expected: [{ path: '/territory', rule: 'pattern' }],
    },
    {
      name: 'control characters, lone surrogates and impossible dates in the person',
      type: 'ParcoursEntered',
      data: () => ({
        ...entry(),
        person: { lastName: 'Mar\u0000tin', firstName: 'L\ud800', birthDate: '1990-02-30', sex: 'female' },
      }),
      expected: [
        { path: '/person/lastName', rule: 'pattern' },
        { path: '/person/firstName', rule: 'pattern' },
        { path: '/person/birthDate', rule: 'format' },
      ],
    },
    {
      name: 'a date out of range',
      type: 'ExemptionGranted',
      data: () => ({ exemptionId: UUID_POOL[1], reason: 'health', from: '2999-12-31' }),
      expected: [{ path: '/from', rule: 'pattern' }],
    },
    {
      name: 'an unknown field',
      type: 'RsaExited',
      data: () => ({ exitedOn: '2025-03-01', reason: 'income', comment: 'x' }),
      expected: [{ path: '/comment', rule: 'additionalProperties' }],
    },
    {
      name: 'an unknown type in a parcours stream',
      type: 'ParcoursDeleted',
      data: () => ({}),
      expected: [{ path: '', rule: 'unknownEventType' }],
    },
    {
      name: 'a reserved name as type',
      type: 'constructor',
      data: () => ({}),
      expected: [{ path: '', rule: 'unknownEventType' }],
    },
    {
      name: 'an entry filed under another parcours',
      type: 'ParcoursEntered',
      data: () => ({ ...entry(), parcoursId: UUID_POOL[1] }),
      expected: [{ path: '/parcoursId', rule: 'streamId' }],
    },
    {
      name: 'a stream that is not named by a parcours id',
      type: 'RsaExited',
      data: () => ({ exitedOn: '2025-03-01', reason: 'income' }),
      stream: 'parcours-p-1',
      expected: [{ path: '', rule: 'streamId' }],
    },
  ])('refuse $name', ({ type, data, stream, expected }) => {
    expect(faults(type, data(), stream)).toEqual(expected);
  });

  it('accept an identifier that only looks like a reserved name', () => {
    expect(faults('ParcoursEntered', { ...entry(), territory: 'Constructor1' })).toEqual([]);
  });

  it("check what is stored: a field left undefined is no field; other streams are not the domain's", () => {
    const [stored] = checker.check(STREAM, [
      {
        id: '00000000-0000-4000-8000-00000000000b',
        type: 'FranceTravailRegistered',
        data: { registeredOn: '2025-02-01', franceTravailId: undefined },
      },
    ]);
    expect(stored.data).toEqual({ registeredOn: '2025-02-01' });
    expect(Object.keys(stored.data)).toEqual(['registeredOn']);
    expect(
      checker.check('conformance-s', [
        { id: '00000000-0000-4000-8000-00000000000c', type: 'Anything', data: { x: 1 } },
      ])[0].data,
    ).toEqual({ x: 1 });
  });

  it('name the paths at fault, never the values', () => {
    const error = (() => {
      try {
        checker.check(STREAM, [
          {
            id: '00000000-0000-4000-8000-00000000000d',
            type: 'ParcoursEntered',
            data: {
              ...entry(),
              person: { lastName: 'Secret\u0001Name', firstName: 'F', birthDate: '1990-01-01', sex: 'x' },
            },
          },
        ]);
      } catch (e) {
        return e as EventSchemaViolation;
      }
    })()!;
    expect(error.message).toContain('/person/lastName (pattern)');
    expect(error.message).toContain('/person/sex (enum)');
    expect(error.message).not.toContain('Secret');
  });
});
