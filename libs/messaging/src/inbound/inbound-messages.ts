import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { EMPLOYMENT_KINDS, EXIT_REASONS, HOUSEHOLD_TYPES, SEXES } from '@parcours/domain';

/**
 * What the partners send (JSON, one message per fact), and their schemas.
 * - topic caf.rights.v1 (CAF/MSA daily flow): entry, exit, household_change;
 *   a person is known by numéro allocataire + rank in the foyer (1 demandeur, 2 conjoint);
 * - topic francetravail.flows.v1: registration, employment_start, by parcours id
 *   (France Travail learns it from the parcours.entered integration event).
 */
export const CAF_TOPIC = 'caf.rights.v1';
export const FRANCE_TRAVAIL_TOPIC = 'francetravail.flows.v1';
export const DEAD_LETTER_TOPIC = 'parcours.dead-letters.v1';

type Schema = Record<string, unknown>;
const date: Schema = { type: 'string', format: 'date' };
const text = (max: number): Schema => ({ type: 'string', minLength: 1, maxLength: max });
const object = (required: string[], properties: Record<string, Schema>): Schema => ({ type: 'object', additionalProperties: false, required, properties });
const messageId: Schema = { type: 'string', pattern: '^[\\w.:-]{1,100}$' };
const personKey = { cafNumber: { type: 'string', pattern: '^[0-9A-Z]{1,20}$' }, rank: { type: 'integer', minimum: 1, maximum: 9 } };
const household = object(['type', 'size'], { type: { enum: [...HOUSEHOLD_TYPES] }, size: { type: 'integer', minimum: 1, maximum: 20 } });

export const INBOUND_SCHEMAS: Record<string, Schema> = {
  'caf.entry.v1.json': object(['messageId', 'type', 'person', 'household', 'territory', 'demandOn', 'rightOpenedOn', 'enteredOn'], {
    messageId, type: { const: 'entry' },
    person: object(['cafNumber', 'rank', 'lastName', 'firstName', 'birthDate', 'sex'], {
      ...personKey, lastName: text(100), firstName: text(100), birthDate: date, sex: { enum: [...SEXES] }, nir: { type: 'string', pattern: '^[12][0-9]{2}[0-9]{2}[0-9AB]{2}[0-9]{6}[0-9]{2}$' },
    }),
    household, territory: text(100), demandOn: date, rightOpenedOn: date, enteredOn: date,
  }),
  'caf.exit.v1.json': object(['messageId', 'type', 'person', 'exitedOn', 'reason'], {
    messageId, type: { const: 'exit' }, person: object(['cafNumber', 'rank'], personKey), exitedOn: date, reason: { enum: [...EXIT_REASONS] },
  }),
  'caf.household_change.v1.json': object(['messageId', 'type', 'person', 'household', 'changedOn'], {
    messageId, type: { const: 'household_change' }, person: object(['cafNumber', 'rank'], personKey), household, changedOn: date,
  }),
  'francetravail.registration.v1.json': object(['messageId', 'type', 'parcoursId', 'registeredOn'], {
    messageId, type: { const: 'registration' }, parcoursId: { type: 'string', format: 'uuid' }, registeredOn: date, franceTravailId: { type: 'string', pattern: '^[0-9A-Z]{1,20}$' },
  }),
  'francetravail.employment_start.v1.json': object(['messageId', 'type', 'parcoursId', 'startedOn', 'kind'], {
    messageId, type: { const: 'employment_start' }, parcoursId: { type: 'string', format: 'uuid' }, startedOn: date, kind: { enum: [...EMPLOYMENT_KINDS] },
  }),
};

export interface CafPersonKey {
  cafNumber: string;
  rank: number;
}

export type InboundMessage =
  | { topic: typeof CAF_TOPIC; messageId: string; type: 'entry'; person: CafPersonKey & { lastName: string; firstName: string; birthDate: string; sex: 'female' | 'male'; nir?: string }; household: { type: string; size: number }; territory: string; demandOn: string; rightOpenedOn: string; enteredOn: string }
  | { topic: typeof CAF_TOPIC; messageId: string; type: 'exit'; person: CafPersonKey; exitedOn: string; reason: string }
  | { topic: typeof CAF_TOPIC; messageId: string; type: 'household_change'; person: CafPersonKey; household: { type: string; size: number }; changedOn: string }
  | { topic: typeof FRANCE_TRAVAIL_TOPIC; messageId: string; type: 'registration'; parcoursId: string; registeredOn: string; franceTravailId?: string }
  | { topic: typeof FRANCE_TRAVAIL_TOPIC; messageId: string; type: 'employment_start'; parcoursId: string; startedOn: string; kind: string };

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
const validators = Object.fromEntries(Object.entries(INBOUND_SCHEMAS).map(([name, schema]) => [name.replace(/\.v1\.json$/, ''), ajv.compile(schema)]));

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
  const validate = typeof type === 'string' ? validators[`${prefix}.${type}`] : undefined;
  if (!validate) throw new UnprocessableMessage('UNKNOWN_MESSAGE_TYPE', `unknown message type ${JSON.stringify(type)} on ${topic}`);
  if (!validate(body)) {
    // Field paths and rules only: the values may be personal data.
    throw new UnprocessableMessage('INVALID_MESSAGE', (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; '));
  }
  return { topic, ...(body as object) } as InboundMessage;
}
