import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import {
  BUSINESS_DATE_PATTERN,
  EMPLOYMENT_KINDS,
  EXIT_REASONS,
  HOUSEHOLD_TYPES,
  IDENTIFIER_PATTERN,
  isIdentifier,
  NIR_PATTERN,
  PERSON_NAME_PATTERN,
  SEXES,
} from '@parcours/domain';

/**
 * What the partners send (JSON, one message per fact), and their schemas.
 * - topic caf.rights.v1 (CAF/MSA daily flow): entry, exit, household_change;
 *   a person is known by numéro allocataire + rank in the foyer (1 demandeur, 2 conjoint);
 * - topic francetravail.flows.v1: registration, employment_start, employment_end, by parcours id
 *   (France Travail learns it from the parcours.entered integration event).
 */
export const CAF_TOPIC = 'caf.rights.v1';
export const FRANCE_TRAVAIL_TOPIC = 'francetravail.flows.v1';
export const DEAD_LETTER_TOPIC = 'parcours.dead-letters.v1';

type Schema = Record<string, unknown>;
/** The same bounds as the API and the stored events: a calendar date between 1900 and 2100. */
const date: Schema = { type: 'string', format: 'date', pattern: BUSINESS_DATE_PATTERN };
/** A person's name as the API takes it (letters, spaces, apostrophes, dots, hyphens). */
const name: Schema = { type: 'string', minLength: 1, maxLength: 100, pattern: PERSON_NAME_PATTERN };
const object = (required: string[], properties: Record<string, Schema>): Schema => ({
  type: 'object',
  additionalProperties: false,
  required,
  properties,
});
/** The one identifier pattern of the product; names such as `constructor` or `__proto__` are refused too (decodeInbound). */
const identifier: Schema = {
  type: 'string',
  pattern: IDENTIFIER_PATTERN,
  description:
    'an identifier: letters, digits and _ . : -; names such as constructor or __proto__ are refused',
};
const messageId = identifier;
const personKey = {
  cafNumber: { type: 'string', pattern: '^[0-9A-Z]{1,20}$' },
  rank: { type: 'integer', minimum: 1, maximum: 9 },
};
const household = object(['type', 'size'], {
  type: { enum: [...HOUSEHOLD_TYPES] },
  size: { type: 'integer', minimum: 1, maximum: 20 },
  singleParentIncrease: { type: 'boolean' },
});

export const INBOUND_SCHEMAS: Record<string, Schema> = {
  'caf.entry.v1.json': object(
    ['messageId', 'type', 'person', 'household', 'territory', 'demandOn', 'rightOpenedOn', 'enteredOn'],
    {
      messageId,
      type: { const: 'entry' },
      person: object(['cafNumber', 'rank', 'lastName', 'firstName', 'birthDate', 'sex'], {
        ...personKey,
        lastName: name,
        firstName: name,
        birthDate: date,
        sex: { enum: [...SEXES] },
        nir: { type: 'string', pattern: NIR_PATTERN },
      }),
      household,
      territory: identifier,
      demandOn: date,
      rightOpenedOn: date,
      enteredOn: date,
    },
  ),
  'caf.exit.v1.json': object(['messageId', 'type', 'person', 'exitedOn', 'reason'], {
    messageId,
    type: { const: 'exit' },
    person: object(['cafNumber', 'rank'], personKey),
    exitedOn: date,
    reason: { enum: [...EXIT_REASONS] },
  }),
  'caf.household_change.v1.json': object(['messageId', 'type', 'person', 'household', 'changedOn'], {
    messageId,
    type: { const: 'household_change' },
    person: object(['cafNumber', 'rank'], personKey),
    household,
    changedOn: date,
  }),
  'francetravail.registration.v1.json': object(['messageId', 'type', 'parcoursId', 'registeredOn'], {
    messageId,
    type: { const: 'registration' },
    parcoursId: { type: 'string', format: 'uuid' },
    registeredOn: date,
    franceTravailId: { type: 'string', pattern: '^[0-9A-Z]{1,20}$' },
  }),
  'francetravail.employment_start.v1.json': object(['messageId', 'type', 'parcoursId', 'startedOn', 'kind'], {
    messageId,
    type: { const: 'employment_start' },
    parcoursId: { type: 'string', format: 'uuid' },
    startedOn: date,
    kind: { enum: [...EMPLOYMENT_KINDS] },
  }),
  // The employment id is the one of the parcours.employment_started integration event.
  'francetravail.employment_end.v1.json': object(
    ['messageId', 'type', 'parcoursId', 'employmentId', 'endedOn'],
    {
      messageId,
      type: { const: 'employment_end' },
      parcoursId: { type: 'string', format: 'uuid' },
      employmentId: { type: 'string', format: 'uuid' },
      endedOn: date,
    },
  ),
  // Hours of activity done in a week, reported by the partner running it; the contract id is the one of
  // the parcours.contract_signed integration event; a later report of the same week replaces it.
  'francetravail.activity_hours.v1.json': object(
    ['messageId', 'type', 'parcoursId', 'contractId', 'weekOf', 'hours'],
    {
      messageId,
      type: { const: 'activity_hours' },
      parcoursId: { type: 'string', format: 'uuid' },
      contractId: { type: 'string', format: 'uuid' },
      weekOf: date,
      hours: { type: 'number', minimum: 0, maximum: 100 },
    },
  ),
};

export interface CafPersonKey {
  cafNumber: string;
  rank: number;
}

export type InboundMessage =
  | {
      topic: typeof CAF_TOPIC;
      messageId: string;
      type: 'entry';
      person: CafPersonKey & {
        lastName: string;
        firstName: string;
        birthDate: string;
        sex: 'female' | 'male';
        nir?: string;
      };
      household: { type: string; size: number };
      territory: string;
      demandOn: string;
      rightOpenedOn: string;
      enteredOn: string;
    }
  | {
      topic: typeof CAF_TOPIC;
      messageId: string;
      type: 'exit';
      person: CafPersonKey;
      exitedOn: string;
      reason: string;
    }
  | {
      topic: typeof CAF_TOPIC;
      messageId: string;
      type: 'household_change';
      person: CafPersonKey;
      household: { type: string; size: number };
      changedOn: string;
    }
  | {
      topic: typeof FRANCE_TRAVAIL_TOPIC;
      messageId: string;
      type: 'registration';
      parcoursId: string;
      registeredOn: string;
      franceTravailId?: string;
    }
  | {
      topic: typeof FRANCE_TRAVAIL_TOPIC;
      messageId: string;
      type: 'employment_start';
      parcoursId: string;
      startedOn: string;
      kind: string;
    }
  | {
      topic: typeof FRANCE_TRAVAIL_TOPIC;
      messageId: string;
      type: 'employment_end';
      parcoursId: string;
      employmentId: string;
      endedOn: string;
    }
  | {
      topic: typeof FRANCE_TRAVAIL_TOPIC;
      messageId: string;
      type: 'activity_hours';
      parcoursId: string;
      contractId: string;
      weekOf: string;
      hours: number;
    };

/** A message that can never succeed as it is: it goes to the dead-letter topic with this reason. */
export class UnprocessableMessage extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const ajv = addFormats(new Ajv2020({ allErrors: true, strict: false }));
const validators = new Map(
  Object.entries(INBOUND_SCHEMAS).map(([name, schema]) => [
    name.replace(/\.v1\.json$/, ''),
    ajv.compile(schema),
  ]),
);

/** Paths of the values, in `body`, that the schema declares as identifiers. */
function identifierPaths(schema: Schema, value: unknown, path = ''): { path: string; value: unknown }[] {
  if (schema === identifier) return [{ path, value }];
  const properties = schema.properties as Record<string, Schema> | undefined;
  if (!properties || typeof value !== 'object' || value === null) return [];
  return Object.entries(properties).flatMap(([name, s]) =>
    Object.hasOwn(value, name)
      ? identifierPaths(s, (value as Record<string, unknown>)[name], `${path}/${name}`)
      : [],
  );
}

/** Field paths and rule keywords only: the values may be personal data, and end up in dead-letter headers and logs. */
function describeErrors(
  errors: { instancePath: string; keyword: string; params: Record<string, unknown> }[],
): string {
  return errors
    .map((e) => {
      const path =
        e.keyword === 'required'
          ? `${e.instancePath}/${String(e.params.missingProperty)}`
          : e.instancePath || '/';
      return `${path} (${e.keyword})`;
    })
    .join('; ');
}

/** Parses and validates a partner message; throws UnprocessableMessage with the reason. */
export function decodeInbound(topic: string, value: Buffer | null): InboundMessage {
  const prefix = topic === CAF_TOPIC ? 'caf' : topic === FRANCE_TRAVAIL_TOPIC ? 'francetravail' : undefined;
  if (!prefix) throw new UnprocessableMessage('UNKNOWN_TOPIC', `no flow is read from topic ${topic}`);
  let body: unknown;
  try {
    body = JSON.parse((value ?? Buffer.alloc(0)).toString('utf8'));
  } catch {
    throw new UnprocessableMessage('MALFORMED_JSON', 'the message is not valid JSON');
  }
  const type = typeof body === 'object' && body !== null ? (body as { type?: unknown }).type : undefined;
  const schemaName = typeof type === 'string' ? `${prefix}.${type}` : undefined;
  const validate = schemaName ? validators.get(schemaName) : undefined;
  if (!schemaName || !validate)
    throw new UnprocessableMessage('UNKNOWN_MESSAGE_TYPE', `/type (enum): not a message type of ${topic}`);
  if (!validate(body))
    throw new UnprocessableMessage('INVALID_MESSAGE', describeErrors(validate.errors ?? []));
  const reserved = identifierPaths(INBOUND_SCHEMAS[`${schemaName}.v1.json`], body).filter(
    (f) => !isIdentifier(f.value),
  );
  if (reserved.length > 0)
    throw new UnprocessableMessage(
      'INVALID_MESSAGE',
      reserved.map((f) => `${f.path} (identifier)`).join('; '),
    );
  return { topic, ...(body as object) } as InboundMessage;
}

/** The message id of a partner message, when it has a valid one (for dead-letter headers); never another value. */
export function messageIdOf(value: Buffer | null): string | undefined {
  try {
    const id = (JSON.parse((value ?? Buffer.alloc(0)).toString('utf8')) as { messageId?: unknown })
      ?.messageId;
    return isIdentifier(id) ? id : undefined;
  } catch {
    return undefined;
  }
}
