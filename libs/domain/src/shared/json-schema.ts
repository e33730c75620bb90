import { BUSINESS_DATE_PATTERN } from './dates';
import { IDENTIFIER_PATTERN } from './identifiers';

/**
 * A small builder of JSON Schemas (draft 2020-12) for the stored events. The
 * schemas are plain data: the event store checks every event against them
 * before it is written, and a property test generates events from them.
 *
 * Each schema also carries, for the compiler only, the TypeScript type it
 * describes (`SchemaType`), so that a test at compile time can tell when an
 * event's type and its schema no longer say the same thing.
 *
 * The subset used: type, properties, required, additionalProperties: false,
 * enum, const, pattern, format: date, minLength/maxLength, minimum/maximum,
 * items, maxItems, uniqueItems. Keep to it: the generator of test events
 * (libs/domain/src/testing/schema-arbitrary.ts) knows these keywords only.
 */
export interface JsonSchema<T = unknown> {
  readonly [keyword: string]: unknown;
  /** Never present in the data: the type the schema describes, for compile-time checks. */
  readonly '~type'?: T;
}

/** The TypeScript type a schema describes. */
export type SchemaType<S> = S extends JsonSchema<infer T> ? T : never;

/** Whether two types are the same: same fields, same optionality, same value types. */
export type SameType<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

export const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

/**
 * Free text (names, labels): no control character (NUL included, which
 * PostgreSQL refuses in text and jsonb) and no lone UTF-16 surrogate.
 * Patterns are read with the "u" flag (Ajv's default), as ECMA-262 says.
 */
export const TEXT_PATTERN = '^[^\\u0000-\\u001F\\u007F-\\u009F\\uD800-\\uDFFF]*$';

/** The identifier pattern, reserved names (`constructor`, `__proto__`..., in any case) refused by the pattern itself. */
export const SAFE_IDENTIFIER_PATTERN = IDENTIFIER_PATTERN;

export const dateSchema: JsonSchema<string> = {
  type: 'string',
  format: 'date',
  pattern: BUSINESS_DATE_PATTERN,
};
/** An id the product generates (parcours, appointment, contract...). */
export const uuidSchema: JsonSchema<string> = { type: 'string', pattern: UUID_PATTERN };
/** An id chosen outside the product (territoire, organisme, référent, action, codes). */
export const identifierSchema = (maxLength = 100): JsonSchema<string> => ({
  type: 'string',
  minLength: 1,
  maxLength,
  pattern: SAFE_IDENTIFIER_PATTERN,
});
export const textSchema = (maxLength: number): JsonSchema<string> => ({
  type: 'string',
  minLength: 1,
  maxLength,
  pattern: TEXT_PATTERN,
});
export const patternSchema = (pattern: string): JsonSchema<string> => ({ type: 'string', pattern });
export const codeSchema = <V extends string>(values: readonly V[]): JsonSchema<V> => ({
  type: 'string',
  enum: [...values],
});
export const integerSchema = (minimum: number, maximum: number): JsonSchema<number> => ({
  type: 'integer',
  minimum,
  maximum,
});
export const numberSchema = (minimum: number, maximum: number): JsonSchema<number> => ({
  type: 'number',
  minimum,
  maximum,
});
export const booleanSchema: JsonSchema<boolean> = { type: 'boolean' };

export function arraySchema<T>(
  items: JsonSchema<T>,
  maxItems: number,
  options: { uniqueItems?: boolean } = {},
): JsonSchema<T[]> {
  return { type: 'array', items, maxItems, ...(options.uniqueItems ? { uniqueItems: true } : {}) };
}

type Fields = Record<string, JsonSchema>;
type OptionalName<K> = K extends `${infer N}?` ? N : never;
type RequiredName<K> = K extends `${string}?` ? never : K;
/** An intersection of object types written as one object type (what SameType compares). */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};
export type ObjectOf<F extends Fields> = Simplify<
  { [K in keyof F as RequiredName<K & string>]: SchemaType<F[K]> } & {
    [K in keyof F as OptionalName<K & string>]?: SchemaType<F[K]>;
  }
>;

/** An object with exactly these fields; a name ending in "?" is optional. */
export function objectSchema<F extends Fields>(fields: F): JsonSchema<ObjectOf<F>> {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [name, schema] of Object.entries(fields)) {
    const optional = name.endsWith('?');
    const key = optional ? name.slice(0, -1) : name;
    properties[key] = schema;
    if (!optional) required.push(key);
  }
  return { type: 'object', additionalProperties: false, required, properties };
}
