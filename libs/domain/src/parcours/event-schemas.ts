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
  textSchema,
  uuidSchema,
} from '../shared/json-schema';
import { EventData, ParcoursEventType } from './events';
import {
  ACTION_OUTCOMES,
  APPOINTMENT_CHANNELS,
  APPOINTMENT_KINDS,
  BALANCED_REVIEW_OUTCOMES,
  BARRIERS,
  BREACH_KINDS,
  CONTRACT_KINDS,
  DEFINITIVE_KINDS,
  EMPLOYMENT_KINDS,
  EP_OPINIONS,
  ERASURE_REASONS,
  EXEMPTION_REASONS,
  EXIT_REASONS,
  HOUSEHOLD_TYPES,
  HOURS_REDUCTION_REASONS,
  MESSAGE_CHANNELS,
  CIVILITIES,
  DELIVERY_OUTCOMES,
  REMINDED_KINDS,
  ACTIVITY_KINDS,
  ACTIVITY_HOURS_SOURCES,
  HOURS_SHORTFALL_REASONS,
  INTERRUPTION_REASONS,
  JOINT_REVIEW_OUTCOMES,
  TRANSFER_HISTORY_STEPS,
  SANCTION_WITHDRAWAL_KINDS,
  ORGANISATION_KINDS,
  REORIENTATION_MOTIVES,
  REVIEW_OUTCOMES,
  SEXES,
  TRACKS,
} from './vocabulary';

/**
 * The stored shape of every parcours event: what the event store accepts in a
 * `parcours-{id}` stream (SchemaCheckedEventStore), and what the read side,
 * the indicators and the integration mapping must fold without error.
 * Changing a schema changes what may be written, never what was: an older
 * shape is upcast (upcast.ts), not refused.
 */
const date = dateSchema;
const uuid = uuidSchema;
const id = identifierSchema();

/** NIR: what the API (13 characters and the key, Corsica 2A/2B) and the CAF flow accept. */
const nir = patternSchema('^[12][0-9]{4}[0-9AB]{2}[0-9]{8}$');

const household = objectSchema({
  'cafNumber?': identifierSchema(20),
  type: codeSchema(HOUSEHOLD_TYPES),
  size: integerSchema(1, 20),
  'singleParentIncrease?': booleanSchema,
});

/** HH:MM, 00:00 to 23:59. */
export const APPOINTMENT_TIME_PATTERN = '^([01][0-9]|2[0-3]):[0-5][0-9]$';
/**
 * An e-mail address: one @, a dot in the domain, none of the characters that would make it a list, a
 * display name or a comment in a mail header (space , ; : < > ( ) " [ ] and backslash) — at most 254
 * characters, below.
 */
export const EMAIL_PATTERN =
  '^[^\\s@<>,;:()"\\[\\]\\\\]+@[^\\s@<>,;:()"\\[\\]\\\\]+\\.[^\\s@<>,;:()"\\[\\]\\\\]+$';
/** A French phone number: 0 and nine digits, or +33 / +262 … and the nine digits, spaces and dots allowed between pairs. */
export const PHONE_PATTERN =
  '^(0|\\+33 ?|\\+262 ?|\\+590 ?|\\+594 ?|\\+596 ?|\\+269 ?)[1-9]([ .]?[0-9]{2}){4}$';
/** What a line printed or shown to the person never holds: control characters and the marks that reorder text. */
const UNPRINTABLE =
  '\\u0000-\\u001F\\u007F-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\uD800-\\uDFFF';
/** A line of an address (AFNOR NF Z10-011): 1 to 38 printable characters. */
export const ADDRESS_LINE_PATTERN = `^[^${UNPRINTABLE}]{1,38}$`;
/** A short text on one line (a place): no control character. */
export const ONE_LINE_TEXT_PATTERN = `^[^${UNPRINTABLE}]+$`;
/** A French postcode: five digits. */
export const POSTCODE_PATTERN = '^[0-9]{5}$';

export const PARCOURS_EVENT_SCHEMAS = {
  ParcoursEntered: objectSchema({
    parcoursId: uuid,
    cycle: integerSchema(1, 1000),
    person: objectSchema({
      lastName: textSchema(100),
      firstName: textSchema(100),
      birthDate: date,
      sex: codeSchema(SEXES),
      'nir?': nir,
      'erased?': booleanSchema,
    }),
    household,
    territory: id,
    demandOn: date,
    rightOpenedOn: date,
    enteredOn: date,
    'transferredFrom?': objectSchema({
      departementCode: identifierSchema(3),
      history: arraySchema(
        objectSchema({ step: codeSchema(TRANSFER_HISTORY_STEPS), on: date, 'track?': codeSchema(TRACKS) }),
        100,
      ),
    }),
  }),
  HouseholdChanged: objectSchema({ household, changedOn: date }),
  FranceTravailRegistered: objectSchema({ registeredOn: date, 'franceTravailId?': identifierSchema(20) }),
  Oriented: objectSchema({
    orientationId: uuid,
    track: codeSchema(TRACKS),
    organisationId: id,
    organisationKind: codeSchema(ORGANISATION_KINDS),
    decidedOn: date,
    notifiedOn: date,
    'reorientationRequestId?': uuid,
  }),
  ReferentAssigned: objectSchema({
    referentId: id,
    organisationId: id,
    assignedOn: date,
    'previousReferentId?': id,
  }),
  AppointmentScheduled: objectSchema({
    appointmentId: uuid,
    scheduledFor: date,
    scheduledOn: date,
    kind: codeSchema(APPOINTMENT_KINDS),
    channel: codeSchema(APPOINTMENT_CHANNELS),
    referentId: id,
  }),
  AppointmentHeld: objectSchema({ appointmentId: uuid, heldOn: date }),
  AppointmentMissed: objectSchema({ appointmentId: uuid, missedOn: date, legitimateReason: booleanSchema }),
  AppointmentCancelled: objectSchema({ appointmentId: uuid, cancelledOn: date }),
  DiagnosticRecorded: objectSchema({
    diagnosticId: uuid,
    diagnosedOn: date,
    barriers: arraySchema(codeSchema(BARRIERS), BARRIERS.length, { uniqueItems: true }),
  }),
  BarrierLifted: objectSchema({ barrier: codeSchema(BARRIERS), liftedOn: date }),
  ContractSigned: objectSchema({
    contractId: uuid,
    kind: codeSchema(CONTRACT_KINDS),
    signedOn: date,
    startsOn: date,
    endsOn: date,
    weeklyHours: numberSchema(0, 60),
    objectives: arraySchema(id, 20),
    renewal: booleanSchema,
    'hoursReductionReason?': codeSchema(HOURS_REDUCTION_REASONS),
  }),
  IntensiveAccompanimentStarted: objectSchema({ startedOn: date, plannedEndOn: date }),
  IntensiveAccompanimentEnded: objectSchema({ endedOn: date }),
  JointReviewHeld: objectSchema({ reviewedOn: date, outcome: codeSchema(JOINT_REVIEW_OUTCOMES) }),
  JointReviewExtended: objectSchema({ decidedOn: date }),
  GlobalAccompanimentOriented: objectSchema({ orientedOn: date }),
  GlobalAccompanimentStarted: objectSchema({ startedOn: date, binomeId: id }),
  GlobalAccompanimentEnded: objectSchema({ endedOn: date }),
  AccompanimentInterrupted: objectSchema({ interruptedOn: date, reason: codeSchema(INTERRUPTION_REASONS) }),
  BalancedReviewHeld: objectSchema({ reviewedOn: date, outcome: codeSchema(BALANCED_REVIEW_OUTCOMES) }),
  InvitationSent: objectSchema({
    invitationId: uuid,
    sentOn: date,
    channels: arraySchema(codeSchema(MESSAGE_CHANNELS), MESSAGE_CHANNELS.length, { uniqueItems: true }),
    templateVersion: integerSchema(1, 1000),
  }),
  ConvocationSent: objectSchema({
    convocationId: uuid,
    appointmentId: uuid,
    sentOn: date,
    channels: arraySchema(codeSchema(MESSAGE_CHANNELS), MESSAGE_CHANNELS.length, { uniqueItems: true }),
    templateVersion: integerSchema(1, 1000),
    'time?': patternSchema(APPOINTMENT_TIME_PATTERN),
    'place?': { ...patternSchema(ONE_LINE_TEXT_PATTERN), maxLength: 100 },
  }),
  ReminderSent: objectSchema({
    reminderId: uuid,
    about: codeSchema(REMINDED_KINDS),
    aboutId: uuid,
    rank: integerSchema(1, 10),
    sentOn: date,
    channels: arraySchema(codeSchema(MESSAGE_CHANNELS), MESSAGE_CHANNELS.length, { uniqueItems: true }),
    templateVersion: integerSchema(1, 1000),
  }),
  ContactDetailsRecorded: objectSchema({
    recordedOn: date,
    channels: arraySchema(codeSchema(MESSAGE_CHANNELS), MESSAGE_CHANNELS.length, { uniqueItems: true }),
    'civility?': codeSchema(CIVILITIES),
    'email?': { ...patternSchema(EMAIL_PATTERN), maxLength: 254 },
    'phone?': patternSchema(PHONE_PATTERN),
    'postalAddress?': objectSchema({
      lines: arraySchema(patternSchema(ADDRESS_LINE_PATTERN), 5),
      postcode: patternSchema(POSTCODE_PATTERN),
      city: patternSchema(ADDRESS_LINE_PATTERN),
    }),
    'erased?': booleanSchema,
  }),
  MessageDeliveryReported: objectSchema({
    messageId: uuid,
    channel: codeSchema(MESSAGE_CHANNELS),
    outcome: codeSchema(DELIVERY_OUTCOMES),
    reportedOn: date,
  }),
  ActivityPlanSet: objectSchema({
    contractId: uuid,
    setOn: date,
    activities: arraySchema(
      objectSchema({ kind: codeSchema(ACTIVITY_KINDS), weeklyHours: numberSchema(0, 60) }),
      ACTIVITY_KINDS.length,
    ),
  }),
  ActivityHoursRecorded: objectSchema({
    contractId: uuid,
    weekOf: date,
    hours: numberSchema(0, 100),
    source: codeSchema(ACTIVITY_HOURS_SOURCES),
    'shortfallReason?': codeSchema(HOURS_SHORTFALL_REASONS),
  }),
  ContractReviewed: objectSchema({
    contractId: uuid,
    reviewedOn: date,
    outcome: codeSchema(REVIEW_OUTCOMES),
  }),
  ActionPrescribed: objectSchema({
    prescriptionId: uuid,
    actionId: id,
    dispositifCode: identifierSchema(20),
    prescribedOn: date,
  }),
  ActionEntered: objectSchema({ prescriptionId: uuid, enteredOn: date }),
  ActionExited: objectSchema({ prescriptionId: uuid, exitedOn: date, outcome: codeSchema(ACTION_OUTCOMES) }),
  EmploymentStarted: objectSchema({
    employmentId: uuid,
    startedOn: date,
    kind: codeSchema(EMPLOYMENT_KINDS),
  }),
  EmploymentEnded: objectSchema({ employmentId: uuid, endedOn: date }),
  ReorientationRequested: objectSchema({
    requestId: uuid,
    requestedOn: date,
    motive: codeSchema(REORIENTATION_MOTIVES),
    'requestedTrack?': codeSchema(TRACKS),
  }),
  ReorientationRefused: objectSchema({ requestId: uuid, decidedOn: date }),
  ExemptionGranted: objectSchema({
    exemptionId: uuid,
    reason: codeSchema(EXEMPTION_REASONS),
    from: date,
    'to?': date,
  }),
  BreachReported: objectSchema({
    breachId: uuid,
    kind: codeSchema(BREACH_KINDS),
    obligation: id,
    occurredOn: date,
    reportedOn: date,
    'weeks?': arraySchema(date, 53, { uniqueItems: true }),
    'convocationId?': uuid,
  }),
  BeneficiaryInformedOfBreach: objectSchema({ breachId: uuid, informedOn: date }),
  BreachObservationsReceived: objectSchema({ breachId: uuid, receivedOn: date }),
  EpOpinionGiven: objectSchema({ breachId: uuid, givenOn: date, opinion: codeSchema(EP_OPINIONS) }),
  BreachDismissed: objectSchema({ breachId: uuid, decidedOn: date }),
  SuspensionDecided: objectSchema({
    breachId: uuid,
    sanctionId: uuid,
    decidedOn: date,
    startsOn: date,
    endsOn: date,
    sharePercent: integerSchema(0, 100),
    months: integerSchema(1, 12),
    repeated: booleanSchema,
  }),
  SuspensionLiftedByRemobilisation: objectSchema({
    sanctionId: uuid,
    remobilisedOn: date,
    'monthsToRepay?': integerSchema(0, 12),
  }),
  SuppressionEpOpinionGiven: objectSchema({
    sanctionId: uuid,
    givenOn: date,
    opinion: codeSchema(EP_OPINIONS),
  }),
  SuspensionMadeDefinitive: objectSchema({
    sanctionId: uuid,
    decidedOn: date,
    kind: codeSchema(DEFINITIVE_KINDS),
  }),
  SanctionAppealed: objectSchema({ sanctionId: uuid, appealedOn: date }),
  SanctionWithdrawn: objectSchema({
    sanctionId: uuid,
    decidedOn: date,
    kind: codeSchema(SANCTION_WITHDRAWAL_KINDS),
  }),
  RsaExited: objectSchema({ exitedOn: date, reason: codeSchema(EXIT_REASONS) }),
  AccompanimentEnded: objectSchema({ endedOn: date }),
  PersonErased: objectSchema({ erasedOn: date, reason: codeSchema(ERASURE_REASONS) }),
  TransferredToAnotherDepartement: objectSchema({
    transferredOn: date,
    departementCode: identifierSchema(3),
  }),
} satisfies Record<ParcoursEventType, JsonSchema>;

/**
 * Compile-time check that each schema describes exactly its event's type
 * (events.ts): when one changes without the other, `tsc` fails here and names the event.
 */
type Drift = {
  [T in ParcoursEventType]: SameType<SchemaType<(typeof PARCOURS_EVENT_SCHEMAS)[T]>, EventData<T>>;
};
const schemasMatchTypes: { [T in ParcoursEventType]: true } = null as unknown as Drift;
void schemasMatchTypes;
