import {
  arraySchema,
  booleanSchema,
  codeSchema,
  dateSchema,
  identifierSchema,
  integerSchema,
  JsonSchema,
  numberSchema,
  objectSchema,
  patternSchema,
  SameType,
  SchemaType,
  Simplify,
  textSchema,
} from '../shared/json-schema';
import {
  DEFAULT_PARAMETERS,
  FRACTIONAL_PARAMETERS,
  PARAMETER_MAX,
  PARAMETER_NAMES,
  Parameters,
} from '../shared/parameters';
import { ORGANISATION_KINDS } from '../parcours/vocabulary';
import { ADDRESS_LINE_PATTERN, PHONE_PATTERN } from '../parcours/event-schemas';
import { ReferenceEvent } from './reference';

/**
 * Whole numbers among the parameters: counts of days, weeks, months, %,
 * persons. The read side adds them to dates (addMonths of 1.5 is no date), so
 * a version with a fraction there is never stored. Derived from parameters.ts
 * (FRACTIONAL_PARAMETERS), the one place that says which may take a fraction.
 */
export const INTEGER_PARAMETERS: readonly (keyof Parameters)[] = PARAMETER_NAMES.filter(
  (name) => typeof DEFAULT_PARAMETERS[name] === 'number' && !FRACTIONAL_PARAMETERS.has(name),
);

/** Every parameter, each of its type: a stored version is always complete (unchanged values carried over). */
const parameterValues: JsonSchema<Parameters> = {
  type: 'object',
  additionalProperties: false,
  required: [...PARAMETER_NAMES],
  properties: Object.fromEntries(
    PARAMETER_NAMES.map((name) => [
      name,
      typeof DEFAULT_PARAMETERS[name] === 'boolean'
        ? booleanSchema
        : INTEGER_PARAMETERS.includes(name)
          ? integerSchema(0, PARAMETER_MAX)
          : numberSchema(0, PARAMETER_MAX),
    ]),
  ),
};

const id = identifierSchema();
const territories = arraySchema(id, 100);
const name = textSchema(200);

type ReferenceEventType = ReferenceEvent['type'];
type ReferenceData<T extends ReferenceEventType> = Extract<ReferenceEvent, { type: T }>['data'];

/** An https address of at most 200 characters, without space, quote or angle bracket. */
export const HTTPS_URL_PATTERN = '^https://[^\\s<>"\\u0000-\\u001F\\u007F-\\u009F]{3,192}$';

/** How the person reaches an organisme: what its messages give (all optional, the organisme is registered without). */
const ORGANISATION_CONTACT = {
  'phone?': patternSchema(PHONE_PATTERN),
  'bookingUrl?': patternSchema(HTTPS_URL_PATTERN),
  'addressLines?': arraySchema(patternSchema(ADDRESS_LINE_PATTERN), 4),
};

/** The stored shape of the events of the reference stream (territoires, organismes, référents, actions, parameters). */
export const REFERENCE_EVENT_SCHEMAS = {
  TerritoryDefined: objectSchema({ territoryId: id, name }),
  OrganisationRegistered: objectSchema({
    organisationId: id,
    name,
    kind: codeSchema(ORGANISATION_KINDS),
    territories,
    active: booleanSchema,
    ...ORGANISATION_CONTACT,
  }),
  OrganisationUpdated: objectSchema({
    organisationId: id,
    'name?': name,
    'kind?': codeSchema(ORGANISATION_KINDS),
    'territories?': territories,
    'active?': booleanSchema,
    ...ORGANISATION_CONTACT,
  }),
  ReferentRegistered: objectSchema({
    referentId: id,
    organisationId: id,
    territory: id,
    displayName: name,
    active: booleanSchema,
  }),
  ReferentUpdated: objectSchema({
    referentId: id,
    'organisationId?': id,
    'territory?': id,
    'displayName?': name,
    'active?': booleanSchema,
  }),
  InsertionActionRegistered: objectSchema({
    actionId: id,
    dispositifCode: identifierSchema(20),
    theme: name,
    provider: name,
    places: integerSchema(0, 100_000),
    startsOn: dateSchema,
    endsOn: dateSchema,
  }),
  ParametersVersionSet: objectSchema({
    version: integerSchema(1, 1_000_000),
    effectiveFrom: dateSchema,
    values: parameterValues,
  }),
} satisfies Record<ReferenceEventType, JsonSchema>;

/** Compile-time check that each schema describes exactly its event's type (reference.ts). */
type Drift = {
  [T in ReferenceEventType]: SameType<
    SchemaType<(typeof REFERENCE_EVENT_SCHEMAS)[T]>,
    Simplify<ReferenceData<T>>
  >;
};
const schemasMatchTypes: { [T in ReferenceEventType]: true } = null as unknown as Drift;
void schemasMatchTypes;
