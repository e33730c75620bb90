import {
  ACTION_OUTCOMES,
  ACTIVITY_HOURS_SOURCES,
  BALANCED_REVIEW_OUTCOMES,
  APPOINTMENT_CHANNELS,
  APPOINTMENT_KINDS,
  BARRIERS,
  BREACH_KINDS,
  CONTRACT_KINDS,
  DEFINITIVE_KINDS,
  EMPLOYMENT_KINDS,
  ERASURE_REASONS,
  EXIT_REASONS,
  HOUSEHOLD_TYPES,
  INTERRUPTION_REASONS,
  JOINT_REVIEW_OUTCOMES,
  ORGANISATION_KINDS,
  REORIENTATION_MOTIVES,
  REVIEW_OUTCOMES,
  SANCTION_WITHDRAWAL_KINDS,
  TRACKS,
} from '@parcours/domain';
import { INBOUND_SCHEMAS } from '../inbound/inbound-messages';

/**
 * JSON Schemas (draft 2020-12) of the integration events, version 1. The files
 * in libs/messaging/schemas/ are written from these (npm run messaging:schemas)
 * and a test keeps them identical: the files are what partners read.
 */
type Schema = Record<string, unknown>;

const date: Schema = { type: 'string', format: 'date' };
const id: Schema = { type: 'string', minLength: 1, maxLength: 100 };
const codes = (values: readonly string[]): Schema => ({ type: 'string', enum: [...values] });
const int = (minimum: number, maximum: number): Schema => ({ type: 'integer', minimum, maximum });

/** Each type's data: field → schema; a field ending in "?" is optional. */
const DATA: Record<string, Record<string, Schema>> = {
  'parcours.entered': {
    cycle: int(1, 1000),
    territory: id,
    demandOn: date,
    rightOpenedOn: date,
    enteredOn: date,
    householdType: codes(HOUSEHOLD_TYPES),
    householdSize: int(1, 20),
    'transferredFromDepartement?': id,
  },
  'parcours.household_changed': {
    householdType: codes(HOUSEHOLD_TYPES),
    householdSize: int(1, 20),
    changedOn: date,
  },
  'parcours.france_travail_registered': { registeredOn: date, 'franceTravailId?': id },
  'parcours.oriented': {
    orientationId: id,
    track: codes(TRACKS),
    organisationId: id,
    organisationKind: codes(ORGANISATION_KINDS),
    decidedOn: date,
    notifiedOn: date,
    reorientation: { type: 'boolean' },
  },
  'parcours.referent_assigned': { referentId: id, organisationId: id, assignedOn: date },
  'parcours.appointment_scheduled': {
    appointmentId: id,
    scheduledFor: date,
    scheduledOn: date,
    kind: codes(APPOINTMENT_KINDS),
    channel: codes(APPOINTMENT_CHANNELS),
  },
  'parcours.appointment_held': { appointmentId: id, heldOn: date },
  'parcours.appointment_missed': { appointmentId: id, missedOn: date, legitimateReason: { type: 'boolean' } },
  'parcours.appointment_cancelled': { appointmentId: id, cancelledOn: date },
  'parcours.diagnostic_recorded': {
    diagnosticId: id,
    diagnosedOn: date,
    barriers: { type: 'array', items: codes(BARRIERS), uniqueItems: true },
  },
  'parcours.barrier_lifted': { barrier: codes(BARRIERS), liftedOn: date },
  'parcours.contract_signed': {
    contractId: id,
    kind: codes(CONTRACT_KINDS),
    signedOn: date,
    startsOn: date,
    endsOn: date,
    weeklyHours: { type: 'number', minimum: 0, maximum: 60 },
    renewal: { type: 'boolean' },
  },
  // The total of the activities: each at most 60 hours as the stored event admits (decide keeps it to the contract's).
  'parcours.activity_plan_set': {
    contractId: id,
    setOn: date,
    weeklyHours: { type: 'number', minimum: 0, maximum: 360 },
  },
  // Whether a shortfall was justified, not why: the reason may be the person's health.
  'parcours.activity_hours_recorded': {
    contractId: id,
    weekOf: date,
    hours: { type: 'number', minimum: 0, maximum: 100 },
    source: codes(ACTIVITY_HOURS_SOURCES),
    justified: { type: 'boolean' },
  },
  'parcours.balanced_review_held': { reviewedOn: date, outcome: codes(BALANCED_REVIEW_OUTCOMES) },
  'parcours.joint_review_held': { reviewedOn: date, outcome: codes(JOINT_REVIEW_OUTCOMES) },
  'parcours.global_accompaniment_started': { startedOn: date, binomeId: id },
  'parcours.global_accompaniment_ended': { endedOn: date },
  'parcours.accompaniment_interrupted': { interruptedOn: date, reason: codes(INTERRUPTION_REASONS) },
  'parcours.contract_reviewed': { contractId: id, reviewedOn: date, outcome: codes(REVIEW_OUTCOMES) },
  'parcours.action_prescribed': { prescriptionId: id, actionId: id, dispositifCode: id, prescribedOn: date },
  'parcours.action_entered': { prescriptionId: id, enteredOn: date },
  'parcours.action_exited': { prescriptionId: id, exitedOn: date, outcome: codes(ACTION_OUTCOMES) },
  'parcours.employment_started': { employmentId: id, startedOn: date, kind: codes(EMPLOYMENT_KINDS) },
  'parcours.employment_ended': { employmentId: id, endedOn: date },
  'parcours.reorientation_requested': {
    requestId: id,
    requestedOn: date,
    motive: codes(REORIENTATION_MOTIVES),
    'requestedTrack?': codes(TRACKS),
  },
  'parcours.reorientation_refused': { requestId: id, decidedOn: date },
  'parcours.exemption_granted': { exemptionId: id, from: date, 'to?': date },
  'parcours.breach_reported': { breachId: id, kind: codes(BREACH_KINDS), occurredOn: date, reportedOn: date },
  'parcours.breach_dismissed': { breachId: id, decidedOn: date },
  'parcours.suspension_decided': {
    breachId: id,
    sanctionId: id,
    decidedOn: date,
    startsOn: date,
    endsOn: date,
    sharePercent: int(0, 100),
    months: int(1, 12),
    repeated: { type: 'boolean' },
  },
  'parcours.suspension_lifted': { sanctionId: id, remobilisedOn: date, 'monthsToRepay?': int(0, 12) },
  'parcours.sanction_appealed': { sanctionId: id, appealedOn: date },
  'parcours.sanction_withdrawn': { sanctionId: id, decidedOn: date, kind: codes(SANCTION_WITHDRAWAL_KINDS) },
  'parcours.suspension_made_definitive': { sanctionId: id, decidedOn: date, kind: codes(DEFINITIVE_KINDS) },
  'parcours.rsa_exited': { exitedOn: date, reason: codes(EXIT_REASONS) },
  'parcours.accompaniment_ended': { endedOn: date },
  'parcours.transferred': { transferredOn: date, departementCode: id },
  'parcours.person_erased': { erasedOn: date, reason: codes(ERASURE_REASONS) },
};

function objectSchema(fields: Record<string, Schema>): Schema {
  const properties: Record<string, Schema> = {};
  const required: string[] = [];
  for (const [name, schema] of Object.entries(fields)) {
    const optional = name.endsWith('?');
    const key = optional ? name.slice(0, -1) : name;
    properties[key] = schema;
    if (!optional) required.push(key);
  }
  return { type: 'object', additionalProperties: false, required, properties };
}

export const PARCOURS_EVENT_TYPES = Object.keys(DATA);

/** The full schema of one integration event type: envelope and data. */
export function integrationSchema(type: string): Schema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://parcours.example/schemas/${type}.v1.json`,
    title: `${type} v1`,
    description: `Topic parcours.events.v1, key = parcoursId, header message-id = messageId. Identifiers, dates and codes only.`,
    ...objectSchema({
      messageId: { type: 'string', format: 'uuid' },
      type: { const: type },
      version: { const: 1 },
      parcoursId: { type: 'string', format: 'uuid' },
      revision: int(0, Number.MAX_SAFE_INTEGER),
      occurredOn: { type: ['string', 'null'], format: 'date' },
      recordedAt: { type: 'string', format: 'date-time' },
      data: objectSchema(DATA[type]),
    }),
  };
}

export const DEADLINE_OVERDUE_SCHEMA: Schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://parcours.example/schemas/deadline.overdue.v1.json',
  title: 'deadline.overdue v1',
  description:
    'Topic parcours.deadlines.v1, key = parcoursId: one message per échéance found overdue (DeadlineOverdue).',
  ...objectSchema({
    messageId: id,
    type: { const: 'deadline.overdue' },
    version: { const: 1 },
    parcoursId: { type: 'string', format: 'uuid' },
    echeanceId: id,
    kind: { type: 'string' },
    dueOn: date,
    territory: id,
    referentId: { type: ['string', 'null'] },
    notifiedOn: date,
  }),
};

/** Every schema file: name → content. */
export function schemaFiles(): Record<string, Schema> {
  const files: Record<string, Schema> = Object.fromEntries(
    PARCOURS_EVENT_TYPES.map((t) => [`${t}.v1.json`, integrationSchema(t)]),
  );
  files['deadline.overdue.v1.json'] = DEADLINE_OVERDUE_SCHEMA;
  for (const [name, schema] of Object.entries(INBOUND_SCHEMAS)) {
    files[name] = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: `https://parcours.example/schemas/${name}`,
      title: name.replace(/\.json$/, ''),
      ...schema,
    };
  }
  return files;
}
