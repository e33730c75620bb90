import { HttpException, Inject, Logger, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Identity } from '@parcours/auth';
import {
  decide,
  DecisionContext,
  lookup,
  ParcoursCommand,
  ParcoursEvent,
  parametersAt,
  parisDate,
  RuleViolation,
} from '@parcours/domain';
import { ConcurrencyError, EventSchemaViolation, RecordedEvent } from '@parcours/event-store';
import { activeTraceparent, deterministicUuid, idSource, inSpan } from '@parcours/runtime';
import { CommandHeaders } from '../command-headers';
import { Problem } from '../problem';
import { ReferenceCatalog } from '../reference-catalog';
import { WriteMetrics } from '../write-metrics';
import { CLOCK } from '@parcours/runtime';
import { IdempotencyKeys, keyReused, requestFingerprint } from './idempotency-keys';
import { mayCommand } from './parcours-policy';
import { ParcoursRepository } from './parcours-repository';

/**
 * Without If-Match, a decision lost to a concurrent write is made again on the
 * fresh state, this many times at most, after a short random pause so that
 * racing writers spread out.
 */
const MAX_ATTEMPTS = 10;
const pause = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));

export class ExecuteParcoursCommand {
  constructor(
    /** Undefined for an entry: the handler chooses the id. */
    readonly parcoursId: string | undefined,
    readonly command: ParcoursCommand,
    readonly identity: Identity,
    readonly headers: CommandHeaders,
  ) {}
}

export interface CommandResult {
  id: string;
  revision: number;
  events: string[];
  /** Ids of what the command created (appointmentId, contractId...). */
  [createdId: string]: unknown;
}

/** The id each creating event brings into the world, reported back to the caller. */
const CREATED_ID: Partial<Record<ParcoursEvent['type'], string>> = {
  Oriented: 'orientationId',
  AppointmentScheduled: 'appointmentId',
  InvitationSent: 'invitationId',
  ConvocationSent: 'convocationId',
  ReminderSent: 'reminderId',
  DiagnosticRecorded: 'diagnosticId',
  ContractSigned: 'contractId',
  ActionPrescribed: 'prescriptionId',
  EmploymentStarted: 'employmentId',
  ReorientationRequested: 'requestId',
  ExemptionGranted: 'exemptionId',
  BreachReported: 'breachId',
  SuspensionDecided: 'sanctionId',
};

function resultOf(
  parcoursId: string,
  revision: number,
  events: { type: string; data: Record<string, unknown> }[],
): CommandResult {
  const result: CommandResult = { id: parcoursId, revision, events: events.map((e) => e.type) };
  for (const e of events) {
    const key = CREATED_ID[e.type as ParcoursEvent['type']];
    if (key) result[key] = e.data[key];
  }
  return result;
}

/**
 * The one write path of a parcours: load, authorise, decide, append with the
 * revision read. Every HTTP route and every partner flow goes through it.
 */
@CommandHandler(ExecuteParcoursCommand)
export class ExecuteParcoursCommandHandler implements ICommandHandler<ExecuteParcoursCommand, CommandResult> {
  private readonly logger = new Logger('parcours');

  constructor(
    private readonly repository: ParcoursRepository,
    private readonly catalog: ReferenceCatalog,
    private readonly idempotencyKeys: IdempotencyKeys,
    @Inject(CLOCK) private readonly clock: () => Date,
    @Optional() private readonly metrics?: WriteMetrics,
  ) {}

  /**
   * Counted by type and outcome (accepted, or the refusal's code) when the metrics run in this process;
   * a span of its own when tracing is on.
   */
  execute(request: ExecuteParcoursCommand): Promise<CommandResult> {
    const { type } = request.command;
    const attributes = { 'parcours.command': type, 'parcours.correlation_id': request.headers.correlationId };
    return inSpan(`command ${type}`, attributes, () =>
      this.metrics ? this.metrics.command(type, () => this.handle(request)) : this.handle(request),
    );
  }

  private async handle(request: ExecuteParcoursCommand): Promise<CommandResult> {
    const { parcoursId, command, identity, headers } = request;
    const key = headers.idempotencyKey;
    if (!key) return this.decideAndAppend(request, undefined);
    const fingerprint = requestFingerprint(parcoursId, command);
    await this.idempotencyKeys.claim(identity.sub, key, fingerprint);
    try {
      return await this.decideAndAppend(request, fingerprint);
    } catch (error) {
      // Refused (a rule, a right, a schema, a lost race): nothing was recorded, the key may serve a corrected request.
      // A store error may hide a commit: then the key stays bound, and a retry replays.
      const refused =
        error instanceof RuleViolation ||
        error instanceof HttpException ||
        error instanceof EventSchemaViolation ||
        error instanceof ConcurrencyError;
      if (refused) await this.idempotencyKeys.release(identity.sub, key, fingerprint);
      throw error;
    }
  }

  private async decideAndAppend(
    { parcoursId: givenId, command, identity, headers }: ExecuteParcoursCommand,
    fingerprint: string | undefined,
  ): Promise<CommandResult> {
    const key = headers.idempotencyKey;
    // An entry retried with the same key lands on the same parcours id, so the retry is recognised.
    const parcoursId = givenId ?? (key ? deterministicUuid('entry', identity.sub, key) : randomUUID());
    const commandId = randomUUID();
    for (let attempt = 1; ; attempt++) {
      const { state, events: recorded } = await this.repository.load(parcoursId);
      const replay = key ? this.previousAnswer(parcoursId, recorded, identity, key, fingerprint) : undefined;
      if (replay) return replay;
      if (command.type !== 'Enter' && state.status === 'none')
        throw Problem.notFound('PARCOURS_NOT_FOUND', "Ce parcours n'existe pas.");
      if (!mayCommand(identity, command, state)) throw Problem.forbidden();
      if (headers.ifMatch !== undefined && headers.ifMatch !== state.revision) {
        throw Problem.conflict(
          'REVISION_MISMATCH',
          `Le parcours est à la révision ${state.revision}, pas ${headers.ifMatch} : rechargez-le.`,
        );
      }
      const events = decide(
        state,
        command,
        await this.context(parcoursId, command, key ? [identity.sub, key, parcoursId] : undefined),
      );
      // Causation: the command's id; a partner flow gives none, its message id (the idempotency key) stands for it.
      const metadata = {
        actor: identity.sub,
        role: identity.role,
        correlationId: headers.correlationId,
        causationId: headers.causationId ?? key ?? commandId,
        idempotencyKey: key,
        requestFingerprint: fingerprint,
        command: command.type,
        // The trace goes on from this command to the projections and the relay (when tracing is on).
        traceparent: activeTraceparent(),
      };
      const newIds = idSource(
        key ? [identity.sub, key, parcoursId, 'event', String(state.revision)] : undefined,
      );
      try {
        const revision = await this.repository.append(
          parcoursId,
          state.revision,
          events.map((e) => ({
            id: newIds(),
            type: e.type,
            data: e.data as unknown as Record<string, unknown>,
            metadata,
          })),
        );
        this.logger.log(
          `${command.type} on parcours ${parcoursId} by ${identity.sub} → revision ${revision}`,
        );
        return resultOf(
          parcoursId,
          revision,
          events as unknown as { type: string; data: Record<string, unknown> }[],
        );
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
        if (headers.ifMatch !== undefined && key) {
          // The same request sent twice at once: the one that lost the race answers as the one that won.
          const replay = this.previousAnswer(
            parcoursId,
            (await this.repository.load(parcoursId)).events,
            identity,
            key,
            fingerprint,
          );
          if (replay) return replay;
        }
        if (headers.ifMatch !== undefined || attempt >= MAX_ATTEMPTS) throw error;
        await pause(attempt);
      }
    }
  }

  /**
   * The answer given the first time this key was used by this caller on this
   * parcours, if it was with the same request; another request under that key is refused.
   */
  private previousAnswer(
    parcoursId: string,
    recorded: RecordedEvent[],
    identity: Identity,
    key: string,
    fingerprint: string | undefined,
  ): CommandResult | undefined {
    const mine = recorded.filter(
      (e) => e.metadata.idempotencyKey === key && e.metadata.actor === identity.sub,
    );
    if (mine.length === 0) return undefined;
    // Events recorded before fingerprints were kept carry none: taken as the same request.
    if (
      mine.some(
        (e) => e.metadata.requestFingerprint !== undefined && e.metadata.requestFingerprint !== fingerprint,
      )
    )
      throw keyReused();
    return resultOf(parcoursId, mine[mine.length - 1].revision, mine);
  }

  private async context(
    parcoursId: string,
    command: ParcoursCommand,
    seed: string[] | undefined,
  ): Promise<DecisionContext> {
    const catalog = await this.catalog.current();
    const organisationId =
      command.type === 'Orient' || command.type === 'DecideReorientation'
        ? command.organisationId
        : undefined;
    const organisation = organisationId ? lookup(catalog.organisations, organisationId) : undefined;
    const referent =
      command.type === 'AssignReferent' ? lookup(catalog.referents, command.referentId) : undefined;
    const action = command.type === 'PrescribeAction' ? lookup(catalog.actions, command.actionId) : undefined;
    // Until the Département defines its territoires, any code is accepted (a fresh installation works at once).
    const territory = command.type === 'Enter' || command.type === 'Reenter' ? command.territory : undefined;
    if (territory && Object.keys(catalog.territories).length > 0 && !lookup(catalog.territories, territory)) {
      throw new RuleViolation('TERRITORY_UNKNOWN', `Le territoire ${territory} n'existe pas.`, 'territory');
    }
    return {
      parcoursId,
      today: parisDate(this.clock()),
      parametersOn: (date) => parametersAt(catalog.parameterVersions, date),
      newId: idSource(seed),
      organisation: organisation && {
        organisationId: organisation.organisationId,
        kind: organisation.kind,
        active: organisation.active,
      },
      referent: referent && {
        referentId: referent.referentId,
        organisationId: referent.organisationId,
        active: referent.active,
      },
      action: action && { actionId: action.actionId, dispositifCode: action.dispositifCode },
    };
  }
}
