import fc from 'fast-check';
import { isReservedIdentifier } from '../shared/identifiers';
import { JsonSchema, SAFE_IDENTIFIER_PATTERN, TEXT_PATTERN, UUID_PATTERN } from '../shared/json-schema';

/**
 * Values generated from a JSON Schema of the subset json-schema.ts builds, for
 * property tests: "every event the schema admits" is what these generate.
 * An unknown keyword fails loudly, so a schema cannot grow beyond what is tested.
 *
 * Ids come from a small pool most of the time, so that generated events refer
 * to each other (the appointment held is often the one scheduled, an id is
 * often reused where it should not be), and sometimes fresh.
 */

const KEYWORDS = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'enum',
  'const',
  'pattern',
  'format',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'items',
  'maxItems',
  'minItems',
  'uniqueItems',
]);

export const UUID_POOL = [
  '00000000-0000-4000-8000-000000000001',
  '00000000-0000-4000-8000-000000000002',
  '00000000-0000-4000-8000-000000000003',
  'ffffffff-ffff-4fff-bfff-ffffffffffff',
];

const IDENTIFIER_POOL = [
  'T1',
  'ARRAGEOIS',
  'org-ccas',
  'ref-1',
  'act-1',
  '3.3',
  '62',
  '2A',
  'a',
  'Constructor1',
  'x:y.z_w-1',
];
const TEXT_POOL = [
  'Martin',
  'Léa',
  "O'Neil-Dupont",
  'Nguyễn Thị',
  'MDS 62',
  'Ñ 😀',
  '\u00a0',
  'a'.repeat(100),
];
const ALNUM = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'];

type SchemaNode = Record<string, unknown>;
const codePoints = (s: string): number => [...s].length;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Valid calendar dates, mostly in a few recent years (so that dates interact), sometimes anywhere in 1900–2100. */
export const arbitraryBusinessDate: fc.Arbitrary<string> = fc
  .oneof(
    {
      weight: 6,
      arbitrary: fc.date({
        min: new Date(Date.UTC(2024, 0, 1)),
        max: new Date(Date.UTC(2026, 11, 31)),
        noInvalidDate: true,
      }),
    },
    {
      weight: 2,
      arbitrary: fc.date({
        min: new Date(Date.UTC(1900, 0, 1)),
        max: new Date(Date.UTC(2100, 11, 31)),
        noInvalidDate: true,
      }),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        new Date(Date.UTC(1900, 0, 1)),
        new Date(Date.UTC(2100, 11, 31)),
        new Date(Date.UTC(2024, 1, 29)),
        new Date(Date.UTC(2025, 0, 31)),
      ),
    },
  )
  .map((d) => `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`);

const arbitraryIdentifier = (maxLength: number): fc.Arbitrary<string> =>
  fc
    .oneof(
      { weight: 3, arbitrary: fc.constantFrom(...IDENTIFIER_POOL) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(
            fc.constantFrom(...ALNUM),
            fc.array(fc.constantFrom(...ALNUM, '_', '.', ':', '-'), {
              maxLength: Math.max(0, maxLength - 1),
            }),
          )
          .map(([first, rest]) => first + rest.join('')),
      },
    )
    .filter((s) => !isReservedIdentifier(s));

/** Generators of the strings of a pattern, given the string's schema (for its lengths). */
const PATTERNS: Record<string, (s: SchemaNode) => fc.Arbitrary<string>> = {
  [UUID_PATTERN]: () =>
    fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...UUID_POOL) }, { weight: 1, arbitrary: fc.uuid() }),
  [SAFE_IDENTIFIER_PATTERN]: (s) => arbitraryIdentifier(Number(s.maxLength ?? 100)),
  [TEXT_PATTERN]: (s) =>
    fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom(...TEXT_POOL) },
      {
        weight: 1,
        arbitrary: fc.string({
          unit: 'binary',
          minLength: Number(s.minLength ?? 0),
          maxLength: Number(s.maxLength ?? 100),
        }),
      },
    ),
};

function stringArbitrary(s: SchemaNode): fc.Arbitrary<string> {
  const pattern = s.pattern as string | undefined;
  const base =
    s.format === 'date'
      ? arbitraryBusinessDate
      : pattern !== undefined && PATTERNS[pattern]
        ? PATTERNS[pattern](s)
        : pattern !== undefined
          ? fc.stringMatching(new RegExp(pattern, 'u'))
          : fc.string({ minLength: Number(s.minLength ?? 0), maxLength: Number(s.maxLength ?? 100) });
  if (s.format !== undefined && s.format !== 'date')
    throw new Error(`no generator for format ${String(s.format)}`);
  // The generators aim at the schema; the filter makes sure (lengths in code points, as JSON Schema counts them).
  const re = pattern === undefined ? undefined : new RegExp(pattern, 'u');
  return base.filter(
    (v) =>
      (!re || re.test(v)) &&
      codePoints(v) >= Number(s.minLength ?? 0) &&
      (s.maxLength === undefined || codePoints(v) <= Number(s.maxLength)),
  );
}

/** A generator of the values a schema admits. */
export function arbitraryOf<T>(schema: JsonSchema<T>): fc.Arbitrary<T> {
  return node(schema as SchemaNode) as fc.Arbitrary<T>;
}

function node(s: SchemaNode): fc.Arbitrary<unknown> {
  for (const keyword of Object.keys(s))
    if (!KEYWORDS.has(keyword)) throw new Error(`no generator for keyword ${keyword}`);
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  switch (s.type) {
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({ min: Number(s.minimum ?? -1e9), max: Number(s.maximum ?? 1e9) });
    case 'number': {
      const min = Number(s.minimum ?? -1e9);
      const max = Number(s.maximum ?? 1e9);
      return fc.oneof(
        fc.integer({ min: Math.ceil(min), max: Math.floor(max) }),
        fc.double({ min, max, noNaN: true, noDefaultInfinity: true }),
      );
    }
    case 'string':
      return stringArbitrary(s);
    case 'array': {
      const items = node(s.items as SchemaNode);
      const size = { minLength: Number(s.minItems ?? 0), maxLength: Number(s.maxItems ?? 5) };
      return s.uniqueItems
        ? fc.uniqueArray(items, { ...size, selector: (v) => JSON.stringify(v) })
        : fc.array(items, size);
    }
    case 'object': {
      if (s.additionalProperties !== false) throw new Error('objects must say additionalProperties: false');
      const properties = (s.properties ?? {}) as Record<string, SchemaNode>;
      const model = Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, node(v)]));
      return fc.record(model, { requiredKeys: (s.required ?? []) as string[] });
    }
    default:
      throw new Error(`no generator for type ${String(s.type)}`);
  }
}

export interface GeneratedEvent {
  type: string;
  data: Record<string, unknown>;
}

/** An event of any of these types, its data generated from its schema. */
export function arbitraryEventOf(
  schemas: Readonly<Record<string, JsonSchema>>,
  types: string[] = Object.keys(schemas),
): fc.Arbitrary<GeneratedEvent> {
  return fc.oneof(
    ...types.map((type) =>
      arbitraryOf(schemas[type]).map((data) => ({ type, data: data as Record<string, unknown> })),
    ),
  );
}
