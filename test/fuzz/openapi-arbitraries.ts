import fc from 'fast-check';
import { entryBody } from '../support/api';
import { DocumentValidator, flatten, Operation, Parameter, parameterType, Schema } from './openapi-document';

/**
 * fast-check arbitraries of requests, generated from the OpenAPI document:
 * valid ones (every value drawn from the operation's schemas) and malformed
 * ones (a valid request with one defect of a known class).
 */

/** A fragment of JSON text written as is into a body (deep nesting, NaN, duplicate keys). */
export class RawJson {
  constructor(readonly text: string) {}
}

/** JSON text of a value that may hold RawJson fragments and own `__proto__` keys. */
export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .map((k) => `${JSON.stringify(k)}:${toJsonText((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Sets an own enumerable property, even `__proto__`. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
}

function clone(value: unknown): unknown {
  if (value instanceof RawJson || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(clone);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) setOwn(out, k, clone((value as Record<string, unknown>)[k]));
  return out;
}

type Path = (string | number)[];

/** Every node of a JSON value with its path (the root is []). */
function nodes(value: unknown, path: Path = []): { path: Path; value: unknown }[] {
  const out = [{ path, value }];
  if (value instanceof RawJson || value === null || typeof value !== 'object') return out;
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...nodes(v, [...path, i])));
  else
    for (const k of Object.keys(value))
      out.push(...nodes((value as Record<string, unknown>)[k], [...path, k]));
  return out;
}

function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = clone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (Array.isArray(node)) node[last as number] = value;
  else setOwn(node as Record<string, unknown>, String(last), value);
  return copy;
}

function removeAt(root: unknown, path: Path): unknown {
  if (path.length === 0) return undefined;
  const copy = clone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (Array.isArray(node)) node.splice(last as number, 1);
  else delete node[last];
  return copy;
}

const pick = <T>(items: readonly T[], i: number): T => items[i % items.length];

// ---------------------------------------------------------------- valid values

const DATE_EDGES = ['2024-02-29', '2000-02-29', '2025-01-31', '2025-12-31', '1970-01-01', '2030-06-15'];

const isoDate = (min: string, max: string) =>
  fc
    .date({ min: new Date(`${min}T00:00:00Z`), max: new Date(`${max}T00:00:00Z`), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));

/** Mostly the months of the seeded parcours (so that commands get past the rules and feed the projections), some anywhere. */
const dateArb = fc.oneof(
  { arbitrary: isoDate('2025-01-06', '2025-06-30'), weight: 5 },
  { arbitrary: isoDate('1950-01-01', '2030-12-31'), weight: 4 },
  { arbitrary: fc.constantFrom(...DATE_EDGES), weight: 1 },
);

function regex(pattern: string): RegExp {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return new RegExp(pattern);
  }
}

/**
 * Strings a pattern admits. fast-check cannot generate from a lookahead, so a
 * leading `^(?!…)` (the identifier pattern's reserved names) is left out of the
 * generation and checked by a filter on the whole pattern.
 */
function matching(pattern: string): fc.Arbitrary<string> {
  const lookahead = /^\^\(\?!(?:[^()]|\((?:[^()])*\))*\)/.exec(pattern);
  if (!lookahead) return fc.stringMatching(regex(pattern), { size: 'small' });
  const whole = regex(pattern);
  return fc
    .stringMatching(regex(`^${pattern.slice(lookahead[0].length)}`), { size: 'small' })
    .filter((v) => whole.test(v));
}

function stringArb(s: Schema): fc.Arbitrary<string> {
  const min: number = s.minLength ?? 0;
  const max: number = s.maxLength ?? Math.max(min, 60);
  let arb: fc.Arbitrary<string>;
  if (s.format === 'date') arb = dateArb;
  else if (s.format === 'date-time')
    arb = fc
      .date({
        min: new Date('1950-01-01T00:00:00Z'),
        max: new Date('2030-12-31T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString());
  else if (s.format === 'uuid') arb = fc.uuid();
  else if (s.format === 'email') arb = fc.emailAddress();
  else if (typeof s.pattern === 'string') arb = matching(s.pattern);
  else {
    arb = fc.oneof(
      {
        arbitrary: fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.min(max, min + 20) }),
        weight: 8,
      },
      // at the bounds: exactly the longest string the document admits
      { arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: max, maxLength: max }), weight: 1 },
    );
  }
  if (typeof s.pattern === 'string' && s.format) arb = arb.filter((x) => regex(s.pattern).test(x));
  return arb;
}

function numberArb(s: Schema, integer: boolean): fc.Arbitrary<number> {
  const lowInclusive = typeof s.minimum === 'number' ? s.minimum : undefined;
  const highInclusive = typeof s.maximum === 'number' ? s.maximum : undefined;
  // OpenAPI 3.0 (boolean) and 3.1 (number) exclusive bounds
  const lowEx =
    typeof s.exclusiveMinimum === 'number'
      ? s.exclusiveMinimum
      : s.exclusiveMinimum === true
        ? lowInclusive
        : undefined;
  const highEx =
    typeof s.exclusiveMaximum === 'number'
      ? s.exclusiveMaximum
      : s.exclusiveMaximum === true
        ? highInclusive
        : undefined;
  if (integer) {
    const lo =
      lowEx !== undefined
        ? Math.floor(lowEx) + 1
        : lowInclusive !== undefined
          ? Math.ceil(lowInclusive)
          : undefined;
    const hi =
      highEx !== undefined
        ? Math.ceil(highEx) - 1
        : highInclusive !== undefined
          ? Math.floor(highInclusive)
          : undefined;
    const from = lo ?? (hi !== undefined ? hi - 1000 : -1000);
    const to = hi ?? from + 1000;
    // the document admits any integer up to its bound: its extremes too
    const edges = [
      from,
      to,
      ...(hi === undefined ? [2 ** 31, Number.MAX_SAFE_INTEGER, 1e300] : []),
      ...(lo === undefined ? [-(2 ** 31), -1e300] : []),
    ];
    return fc.oneof(
      { arbitrary: fc.integer({ min: Math.max(from, -(2 ** 31)), max: Math.min(to, 2 ** 31) }), weight: 8 },
      { arbitrary: fc.constantFrom(...edges), weight: 2 },
    );
  }
  const min = lowEx ?? lowInclusive ?? -1e6;
  const max = highEx ?? highInclusive ?? 1e6;
  return fc
    .oneof(
      fc.double({
        min,
        max,
        noNaN: true,
        noDefaultInfinity: true,
        minExcluded: lowEx !== undefined,
        maxExcluded: highEx !== undefined,
      }),
      fc.integer({ min: Math.ceil(min), max: Math.floor(max) }),
    )
    .filter((n) => Number.isFinite(n));
}

const anyJson = fc.jsonValue({ maxDepth: 2 });

/** Ids that exist, by property name (organisationId, territory…): commands that name them get past the rules. */
export type Hints = Record<string, string[]>;

function hinted(arb: fc.Arbitrary<unknown>, s: Schema, ids: string[] | undefined): fc.Arbitrary<unknown> {
  if (!ids?.length) return arb;
  if (s.type === 'string')
    return fc.oneof({ arbitrary: fc.constantFrom(...ids), weight: 3 }, { arbitrary: arb, weight: 1 });
  if (s.type === 'array')
    return fc.oneof(
      { arbitrary: fc.subarray(ids, { minLength: Math.min(1, s.minItems ?? 0) }), weight: 3 },
      { arbitrary: arb, weight: 1 },
    );
  return arb;
}

export const hintsOf = (known: KnownIds): Hints => ({
  organisationId: known.organisations ?? [],
  referentId: known.referents ?? [],
  actionId: known.actions ?? [],
  territory: known.territories ?? [],
  territories: known.territories ?? [],
});

/** An arbitrary of values admitted by a schema of the document (checked by ajv where it matters). */
export function valueArb(
  doc: DocumentValidator['doc'],
  schema: Schema | undefined,
  depth = 0,
  hints: Hints = {},
): fc.Arbitrary<unknown> {
  const s = flatten(doc, schema);
  let arb: fc.Arbitrary<unknown>;
  const alternatives = (s.oneOf ?? s.anyOf) as Schema[] | undefined;
  if (alternatives?.length) {
    const { oneOf: _o, anyOf: _a, ...rest } = s;
    arb = fc.oneof(...alternatives.map((x) => valueArb(doc, { allOf: [rest, x] }, depth + 1, hints)));
  } else if ('const' in s) arb = fc.constant(s.const);
  else if (Array.isArray(s.enum) && s.enum.length) arb = fc.constantFrom(...s.enum);
  else {
    const type = Array.isArray(s.type)
      ? s.type[0]
      : (s.type ?? (s.properties ? 'object' : s.items ? 'array' : undefined));
    switch (type) {
      case 'string':
        arb = stringArb(s);
        break;
      case 'integer':
      case 'number':
        arb = numberArb(s, type === 'integer');
        break;
      case 'boolean':
        arb = fc.boolean();
        break;
      case 'null':
        arb = fc.constant(null);
        break;
      case 'array': {
        const minLength: number = s.minItems ?? 0;
        const maxLength = Math.min(s.maxItems ?? minLength + 4, minLength + 4);
        const items = valueArb(doc, s.items, depth + 1, hints);
        arb = s.uniqueItems
          ? fc.uniqueArray(items, { minLength, maxLength, selector: (x) => JSON.stringify(x) })
          : fc.array(items, { minLength, maxLength });
        break;
      }
      case 'object': {
        const properties = (s.properties ?? {}) as Record<string, Schema>;
        const required = ((s.required ?? []) as string[]).filter((k) => typeof k === 'string');
        const keys = [...new Set([...Object.keys(properties), ...required])].filter(
          (k) => depth < 8 || required.includes(k),
        );
        const model = Object.fromEntries(
          keys.map((k) => [
            k,
            properties[k]
              ? hinted(valueArb(doc, properties[k], depth + 1, hints), flatten(doc, properties[k]), hints[k])
              : anyJson,
          ]),
        );
        const record = fc.record(model, { requiredKeys: required.filter((k) => keys.includes(k)) });
        if (keys.length || s.additionalProperties === false) arb = record;
        else {
          const values =
            typeof s.additionalProperties === 'object'
              ? valueArb(doc, s.additionalProperties, depth + 1, hints)
              : anyJson;
          arb = fc.dictionary(fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_]{0,20}$/), values, { maxKeys: 3 });
        }
        break;
      }
      default:
        arb = anyJson;
    }
  }
  if (s.nullable === true) arb = fc.option(arb, { nil: null, freq: 8 });
  return arb;
}

// ---------------------------------------------------------------- requests

/** Who calls: a label resolved to an Authorization header by the harness. */
export const GOOD_AUTH = [
  'departement',
  'slai',
  'slai-other',
  'referent',
  'referent-other',
  'system',
  'etat',
] as const;
export const BAD_AUTH = [
  'none',
  'empty-bearer',
  'basic',
  'garbage',
  'lowercase-scheme',
  'two-tokens',
  'expired',
  'wrong-secret',
  'alg-none',
  'exp-as-string',
  'no-exp',
  'very-long-lived',
  'unknown-role',
  'role-proto',
  'slai-territory-constructor',
  'referent-proto',
  'huge-token',
] as const;
export type AuthLabel = (typeof GOOD_AUTH)[number] | (typeof BAD_AUTH)[number];

export interface FuzzRequest {
  op: Operation;
  method: string;
  /** Path parameter values, percent-encoded as sent. */
  pathParams: Record<string, string>;
  /** Query string as sent, without "?". */
  query: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  auth: AuthLabel;
  /** The defect class injected ("valid" when none). */
  defect: string;
}

/** Ids that exist in the seeded store, by collection (the path segment before a parameter). */
export type KnownIds = Record<string, string[]>;

interface Base {
  op: Operation;
  pathParams: Record<string, string>;
  query: [string, string][];
  headers: Record<string, string>;
  bodyValue?: unknown;
  auth: AuthLabel;
}

export const buildPath = (op: Operation, pathParams: Record<string, string>) =>
  op.path.replace(/\{([^}]+)\}/g, (_, name: string) => pathParams[name] ?? '');
export const queryString = (pairs: [string, string][]) =>
  pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');

/** The collection a path parameter names: the segment before it ("/api/parcours/{id}" → "parcours"). */
export function collectionOf(op: Operation, param: string): string {
  const segments = op.path.split('/');
  const i = segments.indexOf(`{${param}}`);
  return i > 0 ? segments[i - 1] : param;
}

const serialiseParam = (v: unknown) =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
const PRINTABLE = /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/;

function paramValueArb(validator: DocumentValidator, p: Parameter): fc.Arbitrary<string> {
  return valueArb(validator.doc, p.schema).map(serialiseParam);
}

/** A request to `op` that the document admits (as far as the generators reach: the harness checks with ajv). */
export function validBaseArb(
  validator: DocumentValidator,
  op: Operation,
  known: KnownIds,
  auth: fc.Arbitrary<AuthLabel>,
): fc.Arbitrary<Base> {
  const pathParams = fc.record(
    Object.fromEntries(
      op.pathParams.map((p) => {
        const ids = (known[collectionOf(op, p.name)] ?? []).filter((id) => validator.valid(p.schema, id));
        const generated = paramValueArb(validator, p).filter((v) => v !== '' && v !== '.' && v !== '..');
        const arb = ids.length
          ? fc.oneof({ arbitrary: fc.constantFrom(...ids), weight: 4 }, { arbitrary: generated, weight: 1 })
          : generated;
        return [p.name, arb.map(encodeURIComponent)];
      }),
    ),
  ) as fc.Arbitrary<Record<string, string>>;
  const query = fc
    .tuple(
      ...op.queryParams.map((p) =>
        p.required
          ? paramValueArb(validator, p).map((v) => [[p.name, v]])
          : fc.option(
              paramValueArb(validator, p).map((v) => [[p.name, v]]),
              { nil: [] },
            ),
      ),
    )
    .map((parts) => parts.flat() as [string, string][]);
  // Optional headers now and then (most clients send none).
  const headers = fc
    .tuple(
      ...op.headerParams.map((p) =>
        fc
          .oneof(
            { arbitrary: fc.constant(undefined), weight: p.required ? 0 : 4 },
            { arbitrary: paramValueArb(validator, p), weight: 1 },
          )
          .map((v) =>
            v !== undefined && PRINTABLE.test(v) && validator.valid(p.schema, coerce(validator, p, v))
              ? { [p.name]: v }
              : {},
          ),
      ),
    )
    .map((parts) => Object.assign({}, ...parts) as Record<string, string>);
  const body = op.body ? valueArb(validator.doc, op.body.schema, 0, hintsOf(known)) : fc.constant(undefined);
  return fc.record({ pathParams, query, headers, bodyValue: body, auth }).map((b) => ({ op, ...b }));
}

function coerce(validator: DocumentValidator, p: Parameter, v: string): unknown {
  const type = parameterType(validator.doc, p);
  if ((type === 'integer' || type === 'number') && /^-?\d/.test(v)) return Number(v);
  if (type === 'boolean') return v === 'true' ? true : v === 'false' ? false : v;
  return v;
}

export function serialise(base: Base, defect: string, overrides: Partial<FuzzRequest> = {}): FuzzRequest {
  const headers: Record<string, string> = { ...base.headers };
  let body: string | undefined;
  if (base.bodyValue !== undefined) {
    body = toJsonText(base.bodyValue);
    headers['Content-Type'] = 'application/json';
  }
  return {
    op: base.op,
    method: base.op.method,
    pathParams: base.pathParams,
    query: queryString(base.query),
    headers,
    body,
    auth: base.auth,
    defect,
    ...overrides,
  };
}

// ---------------------------------------------------------------- defects

const RESERVED = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  '__defineGetter__',
];
const BAD_NUMBERS: unknown[] = [
  1e300,
  -1e300,
  -1,
  0,
  1.5,
  -0.0001,
  2 ** 53 + 2,
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '0x10',
  '1_000',
  ' 1',
  '1',
  new RawJson('NaN'),
  new RawJson('Infinity'),
  new RawJson('-0'),
  new RawJson('1e400'),
  new RawJson('00012'),
];
const BAD_STRINGS: unknown[] = [
  '',
  ' ',
  '   padded   ',
  'a'.repeat(300),
  'é'.repeat(5000),
  'x'.repeat(60_000),
  '\u0000',
  'a\u0000b',
  '\u0007\u001b[31mred',
  'line\r\nbreak',
  '\ud800',
  '\udfff\ud800',
  '\u202eevil',
  '\ufeff',
  '💥🏳️‍🌈',
  "'; drop table events; --",
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '%00',
  '${jndi:ldap://x/a}',
  '{{7*7}}',
  'null',
  'undefined',
  'true',
  '[object Object]',
];
const BAD_DATES = [
  '2999-12-31',
  '0000-00-00',
  '2025-02-30',
  '2025-02-29',
  '2025-13-01',
  '2025-00-10',
  '2025-1-1',
  '2025-01-01T00:00:00Z',
  '20250101',
  '9999-99-99',
  '-2025-01-01',
  '+002025-01-01',
  '1899-12-31',
  '0001-01-01',
  '2025-01-32',
  '2025-06-31',
  '2025/01/01',
  '01/02/2025',
  'yesterday',
  '',
];
const WRONG_TYPES: unknown[] = [
  0,
  -1,
  1.5,
  'text',
  '',
  true,
  false,
  null,
  [],
  {},
  ['a'],
  { a: 1 },
  [[]],
  new RawJson('[{}]'),
];
const EXTRA_KEYS = [
  'extra',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'a'.repeat(200),
  '',
  '$where',
  '0',
  'x\u0000y',
];
const EXTRA_VALUES: unknown[] = [1, 'x', null, true, { polluted: true }, [1], { isAdmin: true }];

const nestedArrays = (levels: number) => new RawJson(`${'['.repeat(levels)}${']'.repeat(levels)}`);
const nestedObjects = (levels: number) => new RawJson(`${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`);
const DEEP = [
  nestedArrays(5_000),
  nestedObjects(5_000),
  nestedArrays(20_000),
  nestedObjects(15_000),
  nestedArrays(100),
];

const NON_JSON_BODIES: (string | Buffer)[] = [
  '',
  'not json',
  '{',
  '}',
  '[',
  '{"a":1,}',
  "{'a':1}",
  '{"a":1}{"b":2}',
  'null',
  'true',
  '0',
  '"text"',
  '[]',
  '{"x": NaN}',
  '{"x": undefined}',
  '\u0000',
  ' '.repeat(50_000),
  '/* comment */ {}',
  Buffer.from([0xff, 0xfe, 0x7b, 0x7d]),
  Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
];
const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  'application/octet-stream',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'APPLICATION/JSON',
  'application/merge-patch+json',
  'application/vnd.api+json',
  'text/json',
  '*/*',
];
const BAD_IDS = [
  '%00',
  'a%00b',
  '..',
  '.',
  '%2e%2e',
  '%2F',
  'a%2Fb',
  'x'.repeat(300),
  encodeURIComponent('é'.repeat(101)),
  encodeURIComponent('Élodie'),
  encodeURIComponent('💥'),
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  '%20',
  '%',
  '%zz',
  '%E0%A4%A',
  'null',
  'undefined',
  '-1',
  '1e300',
  encodeURIComponent("' or 1=1 --"),
  '%0d%0aSet-Cookie:x',
  encodeURIComponent('<script>'),
  '00000000-0000-0000-0000-000000000000',
];
const BAD_QUERY_VALUES = [
  '1e300',
  '-1',
  '0',
  '1.5',
  'abc',
  '',
  'NaN',
  'Infinity',
  '9'.repeat(400),
  '2025-02-30',
  '2999-12-31',
  '0000-00-00',
  '__proto__',
  'constructor',
  'unknown_value',
  'true',
  '[object Object]',
  '\u0000',
  'é'.repeat(200),
];
const BAD_IF_MATCH = [
  'abc',
  '',
  '*',
  '-1',
  '1.5',
  '99999999999999',
  'W/"1"',
  '"1"',
  '1, 2',
  '0x1',
  ' 1',
  '1e3',
  '__proto__',
];
const BAD_IDEMPOTENCY_KEYS = [
  'with spaces',
  '',
  'x'.repeat(101),
  'x'.repeat(5000),
  'é',
  'key\ttab',
  '__proto__',
  'constructor',
  '../../etc',
  "'; drop table events; --",
];
const OTHER_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];

interface Defect {
  name: string;
  applies(base: Base): boolean;
  arb(base: Base): fc.Arbitrary<FuzzRequest>;
}

const hasBody = (b: Base) => b.bodyValue !== undefined;
const choose = <T>(items: readonly T[]) => fc.constantFrom(...items);

/** Replace one node of the body (picked by index) with a value. */
const replaceNode = (
  name: string,
  values: readonly unknown[],
  where: (n: { path: Path; value: unknown }) => boolean = () => true,
): Defect => ({
  name,
  applies: hasBody,
  arb: (b) =>
    fc.tuple(fc.nat(), choose(values)).map(([i, v]) => {
      const candidates = nodes(b.bodyValue).filter(where);
      const target = candidates.length ? pick(candidates, i) : { path: [] as Path };
      return serialise(
        { ...b, bodyValue: setAt(b.bodyValue, target.path, v) },
        `${name} at /${target.path.join('/')}`,
      );
    }),
});

const isLeaf = (n: { value: unknown }) => n.value === null || typeof n.value !== 'object';
const isDateLike = (n: { value: unknown }) =>
  typeof n.value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(n.value);
const isObjectNode = (n: { value: unknown }) =>
  n.value !== null && typeof n.value === 'object' && !Array.isArray(n.value) && !(n.value instanceof RawJson);

export const DEFECTS: Defect[] = [
  {
    name: 'missing field',
    applies: (b) => hasBody(b) && nodes(b.bodyValue).length > 1,
    arb: (b) =>
      fc.nat().map((i) => {
        const target = pick(nodes(b.bodyValue).slice(1), i);
        return serialise(
          { ...b, bodyValue: removeAt(b.bodyValue, target.path) },
          `missing field /${target.path.join('/')}`,
        );
      }),
  },
  replaceNode('wrong type', WRONG_TYPES),
  replaceNode('bad number', BAD_NUMBERS, (n) => typeof n.value === 'number' || isLeaf(n)),
  replaceNode('bad string', BAD_STRINGS, (n) => typeof n.value === 'string' || isLeaf(n)),
  replaceNode('reserved name', RESERVED, (n) => typeof n.value === 'string'),
  replaceNode('bad date', BAD_DATES, (n) => isDateLike(n) || typeof n.value === 'string'),
  replaceNode('deep nesting', DEEP),
  replaceNode('array for object', [new RawJson('[]'), new RawJson('[{}]'), [1, 2]], (n) => isObjectNode(n)),
  {
    name: 'extra field',
    applies: hasBody,
    arb: (b) =>
      fc.tuple(fc.nat(), choose(EXTRA_KEYS), choose(EXTRA_VALUES)).map(([i, key, value]) => {
        const objects = nodes(b.bodyValue).filter(isObjectNode);
        const target = objects.length ? pick(objects, i) : { path: [] as Path, value: {} };
        const patched = clone(target.value) as Record<string, unknown>;
        setOwn(patched, key, value);
        return serialise(
          { ...b, bodyValue: setAt(b.bodyValue, target.path, patched) },
          `extra field ${JSON.stringify(key.slice(0, 20))} at /${target.path.join('/')}`,
        );
      }),
  },
  {
    name: 'duplicate key',
    applies: (b) => isObjectNode({ value: b.bodyValue }) && Object.keys(b.bodyValue as object).length > 0,
    arb: (b) =>
      fc.tuple(fc.nat(), choose(WRONG_TYPES)).map(([i, v]) => {
        const key = pick(Object.keys(b.bodyValue as object), i);
        const text = toJsonText(b.bodyValue);
        return serialise(b, 'duplicate key', {
          body: `${text.slice(0, -1)},${JSON.stringify(key)}:${toJsonText(v)}}`,
        });
      }),
  },
  {
    name: 'whole body',
    applies: () => true,
    arb: (b) =>
      choose([...NON_JSON_BODIES, ...DEEP.map((d) => d.text)]).map((body) =>
        serialise(b, 'non-JSON or odd body', {
          body,
          headers: { ...b.headers, 'Content-Type': 'application/json' },
        }),
      ),
  },
  {
    name: 'content type',
    applies: () => true,
    arb: (b) =>
      fc.tuple(choose([...CONTENT_TYPES, 'none']), fc.boolean()).map(([type, form]) => {
        const base = serialise(b, `content type ${type}`);
        const headers = { ...base.headers };
        delete headers['Content-Type'];
        if (type !== 'none') headers['Content-Type'] = type;
        const body =
          type.startsWith('application/x-www-form') && form
            ? 'a=1&b=2&__proto__[x]=1'
            : (base.body ?? 'plain text');
        return { ...base, headers, body };
      }),
  },
  {
    name: 'oversized body',
    applies: () => true,
    arb: (b) =>
      choose([101 * 1024, 1024 * 1024 + 7, 3 * 1024 * 1024]).map((size) => {
        const value = isObjectNode({ value: b.bodyValue })
          ? (clone(b.bodyValue) as Record<string, unknown>)
          : {};
        setOwn(value, 'padding', 'x'.repeat(size));
        return serialise({ ...b, bodyValue: value }, `oversized body ${size} bytes`);
      }),
  },
  {
    name: 'bad path id',
    applies: (b) => b.op.pathParams.length > 0,
    arb: (b) =>
      fc.tuple(fc.nat(), choose(BAD_IDS)).map(([i, id]) => {
        const param = pick(b.op.pathParams, i).name;
        return serialise({ ...b, pathParams: { ...b.pathParams, [param]: id } }, `bad path ${param}`);
      }),
  },
  {
    name: 'bad query',
    applies: () => true,
    arb: (b) =>
      fc
        .tuple(
          fc.nat(),
          choose(BAD_QUERY_VALUES),
          fc.constantFrom('set', 'repeat', 'bracket', 'nested', 'unknown', 'drop-required'),
        )
        .map(([i, value, how]) => {
          const params = b.op.queryParams;
          const name = params.length ? pick(params, i).name : 'page';
          let query = b.query.filter(([k]) => k !== name);
          if (how === 'set') query.push([name, value]);
          else if (how === 'repeat') query.push([name, '1'], [name, value]);
          else if (how === 'bracket') query.push([`${name}[]`, value]);
          else if (how === 'nested') query.push([`${name}[a]`, value]);
          else if (how === 'unknown')
            query = [
              ...b.query,
              [
                pick(
                  ['__proto__', 'constructor[prototype][x]', 'toString', 'unknown', '__proto__[polluted]'],
                  i,
                ),
                value,
              ],
            ];
          else query = b.query.filter(([k]) => !params.find((p) => p.name === k && p.required));
          return serialise({ ...b, query }, `bad query ${how} ${name}`);
        }),
  },
  {
    name: 'bad header',
    applies: () => true,
    arb: (b) =>
      fc.tuple(choose(['If-Match', 'Idempotency-Key', 'X-Correlation-Id']), fc.nat()).map(([header, i]) => {
        const value = header === 'If-Match' ? pick(BAD_IF_MATCH, i) : pick(BAD_IDEMPOTENCY_KEYS, i);
        return serialise({ ...b, headers: { ...b.headers, [header]: value } }, `bad header ${header}`);
      }),
  },
  {
    name: 'bad token',
    applies: () => true,
    arb: (b) => choose(BAD_AUTH).map((auth) => serialise({ ...b, auth }, `bad token ${auth}`)),
  },
  {
    name: 'other method',
    applies: () => true,
    arb: (b) =>
      choose(OTHER_METHODS.filter((m) => m !== b.op.method)).map((method) =>
        serialise(b, `method ${method}`, { method }),
      ),
  },
];

/** Roles weighted towards those that reach validation on most routes. */
export const authArb: fc.Arbitrary<AuthLabel> = fc.oneof(
  { arbitrary: fc.constant<AuthLabel>('departement'), weight: 6 },
  { arbitrary: fc.constantFrom<AuthLabel>(...GOOD_AUTH), weight: 6 },
  { arbitrary: fc.constantFrom<AuthLabel>(...BAD_AUTH), weight: 1 },
);

/**
 * One request to `op`: mostly a valid request from the document with one
 * defect, sometimes two, sometimes none (so that accepted commands feed the projections).
 */
export function fuzzRequestArb(
  validator: DocumentValidator,
  op: Operation,
  known: KnownIds,
): fc.Arbitrary<FuzzRequest> {
  const defects = DEFECTS;
  return validBaseArb(validator, op, known, authArb).chain((base) => {
    const applicable = defects.filter((d) => d.applies(base));
    return fc.oneof(
      { arbitrary: fc.constant(serialise(base, 'valid')), weight: 1 },
      { arbitrary: fc.constantFrom(...applicable).chain((d) => d.arb(base)), weight: 8 },
      {
        // two defects: one outside the body (path, query, header, token, method) and any other
        arbitrary: fc
          .tuple(
            fc.constantFrom(...applicable.filter((d) => OUTSIDE_BODY.includes(d.name))),
            fc.constantFrom(...applicable),
          )
          .chain(([d1, d2]) =>
            fc.tuple(d1.arb(base), d2.arb(base)).map(([first, second]) => ({
              ...second,
              ...changedOutsideBody(base, first, second),
              defect: `${first.defect} + ${second.defect}`,
            })),
          ),
        weight: 1,
      },
    );
  });
}

const OUTSIDE_BODY = ['bad path id', 'bad query', 'bad header', 'bad token', 'other method'];

/** What a defect changed outside the body, laid over a second defective request. */
function changedOutsideBody(base: Base, first: FuzzRequest, second: FuzzRequest): Partial<FuzzRequest> {
  const out: Partial<FuzzRequest> = {};
  if (JSON.stringify(first.pathParams) !== JSON.stringify(base.pathParams)) out.pathParams = first.pathParams;
  if (first.auth !== base.auth) out.auth = first.auth;
  if (first.method !== base.op.method) out.method = first.method;
  if (first.query !== queryString(base.query)) out.query = first.query;
  out.headers = {
    ...second.headers,
    ...Object.fromEntries(
      Object.entries(first.headers).filter(([k, v]) => base.headers[k] !== v && k !== 'Content-Type'),
    ),
  };
  return out;
}

/** A request with one defect; the document’s verdict says on which side of the contract it falls. */
export function singleDefectArb(
  validator: DocumentValidator,
  op: Operation,
  known: KnownIds,
  auth: fc.Arbitrary<AuthLabel>,
): fc.Arbitrary<FuzzRequest> {
  const contractDefects = DEFECTS.filter(
    (d) => !['bad token', 'other method', 'oversized body'].includes(d.name),
  );
  return validBaseArb(validator, op, known, auth).chain((base) =>
    fc.constantFrom(...contractDefects.filter((d) => d.applies(base))).chain((d) => d.arb(base)),
  );
}

/**
 * The known bad examples, sent first on every run (a route that no longer
 * exists is skipped): each was a 500, a wrong acceptance or a frozen projection.
 */
export function issueExamples(ops: Operation[], known: KnownIds): FuzzRequest[] {
  const out: FuzzRequest[] = [];
  const parcours = known.parcours?.[2] ?? 'unknown';
  const add = (
    key: string,
    auth: AuthLabel,
    parts: {
      pathParams?: Record<string, string>;
      query?: string;
      body?: unknown;
      raw?: string;
      headers?: Record<string, string>;
    },
  ) => {
    const op = ops.find((o) => o.key === key);
    if (!op) return;
    const body = parts.raw ?? (parts.body === undefined ? undefined : toJsonText(parts.body));
    const headers = {
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...parts.headers,
    };
    const pathParams = Object.fromEntries(
      op.pathParams.map((p) => [
        p.name,
        parts.pathParams?.[p.name] ??
          (p.name === 'id' && op.path.startsWith('/api/parcours') ? parcours : 'unknown'),
      ]),
    );
    out.push({
      op,
      method: op.method,
      pathParams,
      query: parts.query ?? '',
      headers,
      body,
      auth,
      defect: 'known example',
    });
  };
  const { person: _person, ...withoutPerson } = entryBody();
  const { household: _household, ...withoutHousehold } = entryBody();
  const proto: Record<string, unknown> = {};
  setOwn(proto, '__proto__', { polluted: true });
  // §1: only events the whole system can fold are written
  add('POST /api/parcours/{id}/household', 'system', { body: { changedOn: '2025-06-10' } });
  add('POST /api/parcours', 'system', { body: withoutHousehold });
  add('POST /api/parcours', 'system', { body: withoutPerson });
  add('POST /api/parameters', 'departement', {
    body: { effectiveFrom: '2025-07-01', values: { orientationCalpaeMonths: 1.5 } },
  });
  add('POST /api/parcours/{id}/exemptions', 'slai', { body: { reason: 'health', from: '2999-12-31' } });
  // §3: no input gives a 500, none is wrongly accepted
  add('POST /api/parcours/{id}/exit', 'system', {
    raw: `{"exitedOn":${nestedArrays(5000).text},"reason":"income"}`,
  });
  add('POST /api/territories', 'departement', { raw: nestedObjects(5000).text });
  for (const key of ['GET /api/me/portfolio', 'GET /api/referents/{id}/portfolio', 'GET /api/echeances']) {
    add(key, key.includes('/me/') ? 'referent' : 'departement', {
      pathParams: { id: 'ref-ccas-1' },
      query: 'page=1e300',
    });
    add(key, key.includes('/me/') ? 'referent' : 'departement', {
      pathParams: { id: 'ref-ccas-1' },
      query: 'pageSize=-1',
    });
  }
  add('GET /api/parcours/{id}', 'departement', { pathParams: { id: '%00' } });
  add('POST /api/parcours/{id}/exit', 'system', {
    pathParams: { id: 'a%00b' },
    body: { exitedOn: '2025-05-31', reason: 'income' },
  });
  add('PATCH /api/organisations/{id}', 'departement', {
    pathParams: { id: '__proto__' },
    body: { name: 'Fantôme' },
  });
  add('PATCH /api/referents/{id}', 'departement', {
    pathParams: { id: 'constructor' },
    body: { active: false },
  });
  add('POST /api/territories', 'departement', { body: { territoryId: 'constructor', name: 'Constructor' } });
  add('POST /api/actions', 'departement', {
    body: {
      actionId: 'constructor',
      dispositifCode: '3.3',
      theme: 'Mobilité',
      provider: 'Association',
      places: 5,
      startsOn: '2025-01-01',
      endsOn: '2025-12-31',
    },
  });
  add('POST /api/parameters', 'departement', {
    body: { effectiveFrom: '2025-07-01', values: { constructor: 1 } },
  });
  add('POST /api/parameters', 'departement', { body: { effectiveFrom: '2025-07-01', values: proto } });
  add('POST /api/territories', 'departement', { body: { territoryId: 'LENS', name: 'Lens-Hénin 2' } });
  add('POST /api/organisations', 'departement', {
    body: { organisationId: 'mds-62', name: 'MDS 62', kind: 'departement', territories: ['LENS'] },
  });
  add('POST /api/territories', 'departement', { body: { territoryId: 'BIG', name: 'x'.repeat(200 * 1024) } });
  add('POST /api/territories', 'departement', {
    raw: 'territoryId=X&name=Y',
    headers: { 'Content-Type': 'text/plain' },
  });
  for (const auth of ['no-exp', 'exp-as-string', 'very-long-lived'] as const)
    add('GET /api/territories', auth, {});
  return out;
}
