import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  BUSINESS_DATE_PATTERN,
  DEFAULT_PARAMETERS,
  FRACTIONAL_PARAMETERS,
  IDENTIFIER_PATTERN,
  IDENTIFIER_RULE,
  isBusinessDate,
  isIdentifier,
  PARAMETER_MAX,
  PARAMETER_NAMES,
  PERSON_NAME_PATTERN,
  parameterTypeProblem,
} from '@parcours/domain';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  registerDecorator,
  ValidateNested,
} from 'class-validator';

/**
 * One decorator per kind of field: validation and OpenAPI documentation come
 * from the same line, so the published contract is exactly as strict as the
 * server (a pattern checked here is a pattern published there).
 */
/** French messages for the class-validator checks (their defaults are English). */
export const TEXT = '$property doit être une chaîne de caractères';
export const LENGTH = '$property doit compter de $constraint1 à $constraint2 caractères';
export const INTEGER = '$property doit être un nombre entier';
export const MIN = '$property doit être supérieur ou égal à $constraint1';
export const MAX = '$property doit être inférieur ou égal à $constraint1';
export const BOOLEAN = '$property doit valoir true ou false';

function optional(required: boolean) {
  return required ? [] : [IsOptional()];
}

function doc(required: boolean, options: Record<string, unknown>) {
  return required ? ApiProperty(options) : ApiPropertyOptional(options);
}

function check(
  name: string,
  test: (value: unknown) => boolean,
  message: (property: string) => string,
  each = false,
): PropertyDecorator {
  return (object: object, propertyName: string | symbol) =>
    registerDecorator({
      name,
      target: object.constructor,
      propertyName: String(propertyName),
      options: { each },
      validator: { validate: test, defaultMessage: () => message(String(propertyName)) },
    });
}

/** `example`: the dates of one body must make sense together (a contract ending after it starts), so each field may give its own. */
export const DateField = (required = true, description?: string, example = '2025-03-14') =>
  applyDecorators(
    ...optional(required),
    check(
      'isBusinessDate',
      isBusinessDate,
      (p) => `${p} doit être une date AAAA-MM-JJ valide, entre 1900 et 2100`,
    ),
    doc(required, { type: String, format: 'date', pattern: BUSINESS_DATE_PATTERN, example, description }),
  );

export const CodeField = (
  values: readonly string[],
  required = true,
  description?: string,
  example?: string,
) =>
  applyDecorators(
    ...optional(required),
    IsIn(values as string[], { message: `$property doit valoir l'un de : ${values.join(', ')}` }),
    doc(required, { enum: values, description, ...(example ? { example } : {}) }),
  );

export const CodeListField = (values: readonly string[], description?: string, required = true) =>
  applyDecorators(
    ...optional(required),
    IsArray({ message: '$property doit être une liste' }),
    ArrayMaxSize(values.length, { message: '$property compte au plus $constraint1 éléments' }),
    IsIn(values as string[], {
      each: true,
      message: `chaque élément de $property doit valoir l'un de : ${values.join(', ')}`,
    }),
    doc(required, { enum: values, isArray: true, maxItems: values.length, description }),
  );

/** An identifier (territoire, organisme, référent, action...): the one pattern of libs/domain, reserved names refused. */
export const IdField = (required = true, description?: string, max = 100, example?: string) =>
  applyDecorators(
    ...optional(required),
    IsString({ message: TEXT }),
    Length(1, max, { message: LENGTH }),
    check('isIdentifier', isIdentifier, (p) => `${p} doit être ${IDENTIFIER_RULE}`),
    doc(required, {
      type: String,
      pattern: IDENTIFIER_PATTERN,
      minLength: 1,
      maxLength: max,
      description,
      ...(example ? { example } : {}),
    }),
  );

/** The shape of a label, shared with the published pattern: letters, digits, spaces and common punctuation. */
const LABEL_PATTERN = "^[\\p{L}\\p{N}][\\p{L}\\p{N} '’.,:()/&_-]*$";

/** A label of the Département's reference data (a territoire's or an organisme's name, a theme): digits allowed ("MDS 62"). */
export const LabelField = (required = true, description?: string, max = 200) =>
  applyDecorators(
    ...optional(required),
    IsString({ message: TEXT }),
    Length(1, max, { message: LENGTH }),
    Matches(new RegExp(LABEL_PATTERN, 'u'), {
      message: '$property ne peut contenir que lettres, chiffres, espaces et ponctuation courante',
    }),
    doc(required, { type: String, pattern: LABEL_PATTERN, minLength: 1, maxLength: max, description }),
  );

/** A person's name: letters, spaces, apostrophes, dots and hyphens. */
export const NameField = (required = true, description?: string, example?: string) =>
  applyDecorators(
    ...optional(required),
    IsString({ message: TEXT }),
    Length(1, 100, { message: LENGTH }),
    Matches(new RegExp(PERSON_NAME_PATTERN, 'u'), { message: '$property doit être un nom' }),
    doc(required, {
      type: String,
      pattern: PERSON_NAME_PATTERN,
      minLength: 1,
      maxLength: 100,
      description,
      ...(example ? { example } : {}),
    }),
  );

/**
 * 1 to `max` characters counted as JSON Schema counts them (code points: an emoji is one), so that the
 * published maxLength and the check agree; class-validator's Length counts UTF-16 units.
 */
const codePointLength = (max: number, each = false) =>
  check(
    'codePointLength',
    (v) => typeof v !== 'string' || ((n) => n >= 1 && n <= max)([...v].length),
    (p) => `${each ? 'chaque élément de ' : ''}${p} doit compter de 1 à ${max} caractères`,
    each,
  );

/**
 * A string of a given shape (an e-mail address, a phone number, a time): the
 * pattern checked is the pattern published, `rule` says it in French.
 */
export const PatternField = (
  pattern: string,
  rule: string,
  options: { required?: boolean; max: number; description?: string; example?: string },
) =>
  applyDecorators(
    ...optional(options.required ?? true),
    IsString({ message: TEXT }),
    codePointLength(options.max),
    Matches(new RegExp(pattern, 'u'), { message: `$property doit être ${rule}` }),
    doc(options.required ?? true, {
      type: String,
      pattern,
      minLength: 1,
      maxLength: options.max,
      description: options.description,
      ...(options.example ? { example: options.example } : {}),
    }),
  );

/** A list of strings of one shape (the lines of an address), 1 to `max` of them. */
export const PatternListField = (
  pattern: string,
  rule: string,
  options: { required?: boolean; max: number; maxLength: number; description?: string; example?: string[] },
) =>
  applyDecorators(
    ...optional(options.required ?? true),
    IsArray({ message: '$property doit être une liste' }),
    ArrayMinSize(1, { message: '$property compte au moins $constraint1 élément' }),
    ArrayMaxSize(options.max, { message: '$property compte au plus $constraint1 éléments' }),
    IsString({ each: true, message: 'chaque élément de $property doit être une chaîne de caractères' }),
    codePointLength(options.maxLength, true),
    Matches(new RegExp(pattern, 'u'), {
      each: true,
      message: `chaque élément de $property doit être ${rule}`,
    }),
    doc(options.required ?? true, {
      type: 'array',
      items: { type: 'string', pattern, minLength: 1, maxLength: options.maxLength },
      minItems: 1,
      maxItems: options.max,
      description: options.description,
      ...(options.example ? { example: options.example } : {}),
    }),
  );

export const IntField = (min: number, max: number, required = true, description?: string, example?: number) =>
  applyDecorators(
    ...optional(required),
    IsInt({ message: INTEGER }),
    Min(min, { message: MIN }),
    Max(max, { message: MAX }),
    doc(required, {
      type: 'integer',
      minimum: min,
      maximum: max,
      description,
      ...(example !== undefined ? { example } : {}),
    }),
  );

export const NumberField = (
  min: number,
  max: number,
  required = true,
  description?: string,
  example?: number,
) =>
  applyDecorators(
    ...optional(required),
    IsNumber({ allowNaN: false, allowInfinity: false }, { message: '$property doit être un nombre' }),
    Min(min, { message: MIN }),
    Max(max, { message: MAX }),
    doc(required, {
      type: Number,
      minimum: min,
      maximum: max,
      description,
      ...(example !== undefined ? { example } : {}),
    }),
  );

export const BoolField = (required = true, description?: string) =>
  applyDecorators(
    ...optional(required),
    IsBoolean({ message: BOOLEAN }),
    doc(required, { type: Boolean, description }),
  );

/** A nested object: required means present and an object (class-validator skips an absent nested object otherwise). */
export const NestedField = (type: () => new () => object, required = true, description?: string) =>
  applyDecorators(
    ...(required ? [IsDefined({ message: '$property est obligatoire' })] : [IsOptional()]),
    check(
      'isPlainObject',
      (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
      (p) => `${p} doit être un objet`,
    ),
    ValidateNested(),
    Type(type),
    // The class itself, not the thunk: the document needs its name for the $ref.
    doc(required, { type: type(), description }),
  );

/** A list of nested objects, each checked as its class (at most `max`). */
export const NestedListField = (type: () => new () => object, max: number, description?: string) =>
  applyDecorators(
    IsArray({ message: '$property doit être une liste' }),
    ArrayMaxSize(max, { message: '$property compte au plus $constraint1 éléments' }),
    check(
      'isPlainObject',
      (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
      (p) => `chaque élément de ${p} doit être un objet`,
      true,
    ),
    ValidateNested({ each: true }),
    Type(type),
    ApiProperty({ type: type(), isArray: true, maxItems: max, description }),
  );

/** Distinct business dates (the Mondays of weeks, say): optional, as the stored event's own list is. */
export const DateListField = (max: number, description?: string, example?: string[]) =>
  applyDecorators(
    IsOptional(),
    IsArray({ message: '$property doit être une liste' }),
    ArrayMaxSize(max, { message: '$property compte au plus $constraint1 éléments' }),
    ArrayUnique(undefined, { message: 'chaque élément de $property ne figure qu’une fois' }),
    check(
      'isBusinessDate',
      isBusinessDate,
      (p) => `chaque élément de ${p} doit être une date AAAA-MM-JJ valide, entre 1900 et 2100`,
      true,
    ),
    ApiPropertyOptional({
      type: 'array',
      items: { type: 'string', format: 'date', pattern: BUSINESS_DATE_PATTERN },
      maxItems: max,
      uniqueItems: true,
      description,
      ...(example ? { example } : {}),
    }),
  );

export const IdListField = (max: number, description?: string, example?: string[]) =>
  applyDecorators(
    IsArray({ message: '$property doit être une liste' }),
    ArrayMaxSize(max, { message: '$property compte au plus $constraint1 éléments' }),
    IsString({ each: true, message: 'chaque élément de $property doit être une chaîne de caractères' }),
    check('isIdentifier', isIdentifier, (p) => `chaque élément de ${p} doit être ${IDENTIFIER_RULE}`, true),
    ApiProperty({
      type: 'array',
      items: { type: 'string', pattern: IDENTIFIER_PATTERN, minLength: 1, maxLength: 100 },
      maxItems: max,
      description,
      ...(example ? { example } : {}),
    }),
  );

/**
 * A set of parameter values: each known name with its type (whole number,
 * hours, or yes/no), as the domain checks them; rules between values stay 422.
 */
export const ParametersField = (description?: string, required = true) =>
  applyDecorators(
    ...optional(required),
    check(
      'isParameterValues',
      (v) =>
        typeof v === 'object' &&
        v !== null &&
        !Array.isArray(v) &&
        Object.entries(v).every(([key, value]) => !parameterTypeProblem(key, value)),
      (p) =>
        `${p} : paramètre inconnu ou valeur hors type (entier, heures ou vrai/faux, de 0 à ${PARAMETER_MAX})`,
    ),
    doc(required, {
      description,
      type: 'object',
      additionalProperties: false,
      example: { orientationTargetDays: 15 },
      properties: Object.fromEntries(
        PARAMETER_NAMES.map((name) => [
          name,
          typeof DEFAULT_PARAMETERS[name] === 'boolean'
            ? { type: 'boolean' }
            : {
                type: FRACTIONAL_PARAMETERS.has(name) ? 'number' : 'integer',
                minimum: 0,
                maximum: PARAMETER_MAX,
              },
        ]),
      ),
    } as never),
  );

/**
 * By code, one of its versions (`{"calpae.ruptures": 1}`): each key a code
 * given, each value one of that code's versions; at least one.
 */
export const VersionChoiceField = (
  versions: Readonly<Record<string, readonly number[]>>,
  description?: string,
) =>
  applyDecorators(
    IsOptional(),
    check(
      'isVersionChoice',
      (v) =>
        typeof v === 'object' &&
        v !== null &&
        !Array.isArray(v) &&
        Object.keys(v).length > 0 &&
        Object.entries(v).every(
          ([code, n]) => Object.hasOwn(versions, code) && versions[code].includes(n as number),
        ),
      (p) => `${p} : chaque clé doit être un code d'indicateur, chaque valeur l'une de ses versions publiées`,
    ),
    ApiPropertyOptional({
      description,
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: Object.fromEntries(
        Object.entries(versions).map(([code, list]) => [code, { type: 'integer', enum: list }]),
      ),
    } as never),
  );
