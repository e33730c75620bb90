import { ModuleRef } from '@nestjs/core';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Problem } from '@parcours/application';
import {
  COMPONENT_STATES,
  ComponentStatus,
  consumerComponent,
  KafkaFlows,
  logComponent,
} from '@parcours/background';
import type { AppConfig } from '@parcours/config';
import type { EventStore, SqlClient } from '@parcours/event-store';
import { recordedRelayStatus, RELAY, resumeRecordedRelay } from '@parcours/messaging';
import {
  createProjectionRunner,
  PROJECTIONS,
  ProjectionBusyError,
  ProjectionRunner,
  ProjectionStoppedError,
  recordedProjectionStatus,
  UNDEFINED_TABLE,
} from '@parcours/projections';

/** A message of a partner flow being retried: its partition waits behind it. */
export class RetryingMessageDto {
  @ApiProperty() topic!: string;
  @ApiProperty({ type: 'integer' }) partition!: number;
  @ApiProperty() offset!: string;
  @ApiProperty({ type: 'integer' }) attempts!: number;
  @ApiProperty({ description: 'Premier échec (ISO 8601)' }) since!: string;
  @ApiProperty({ description: 'Code et chemins des champs du dernier échec, sans valeur' }) error!: string;
}

/** Partner-flow messages of one partition not yet committed by the consumer. */
export class PartitionLagDto {
  @ApiProperty() topic!: string;
  @ApiProperty({ type: 'integer' }) partition!: number;
  @ApiProperty({ type: 'integer', description: 'Messages pas encore traités' }) behind!: number;
}

/**
 * One thing that follows the log or a flow in the background: a projection,
 * the Kafka relay, or the partner flows' consumer.
 */
export class ComponentStatusDto implements ComponentStatus {
  @ApiProperty({ example: 'parcours' }) name!: string;
  @ApiProperty({ enum: ['projection', 'relay', 'consumer'] }) kind!: 'projection' | 'relay' | 'consumer';
  @ApiProperty({
    enum: COMPONENT_STATES,
    description:
      'running : suit le journal ; retrying : la base ou le broker est indisponible, nouvel essai avec attente croissante (plafonnée) ; ' +
      'failed : arrêté sur un événement qu’il ne sait pas traiter, jusqu’à `resume` ; stopped : ne tourne pas dans ce processus',
  })
  status!: (typeof COMPONENT_STATES)[number];
  @ApiProperty({ type: String, nullable: true, description: 'Position dans le journal (opaque)' }) position!:
    string | null;
  @ApiProperty({
    type: 'integer',
    description:
      'Événements du journal pas encore traités (0 pour le consommateur, qui ne lit pas le journal : voir messagesBehind)',
  })
  eventsBehind!: number;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'Événements traités (null pour le consommateur)',
  })
  eventsProcessed!: number | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'failed : l’erreur et l’événement en cause ; retrying : la dernière erreur',
  })
  error!: string | null;
  @ApiProperty({ type: 'integer', description: 'Essais échoués d’affilée (retrying)' }) retries!: number;
  @ApiProperty({ type: String, nullable: true }) updatedAt!: string | null;
  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    description:
      'Consommateur : messages des flux partenaires pas encore traités (null si le broker ne répond pas)',
  })
  messagesBehind?: number | null;
  @ApiPropertyOptional({
    type: [RetryingMessageDto],
    description: 'Consommateur : messages en cours de nouvel essai',
  })
  retrying?: RetryingMessageDto[];
  @ApiPropertyOptional({
    type: [PartitionLagDto],
    description:
      'Consommateur : messages pas encore traités, par sujet et partition (vide si le broker ne répond pas)',
  })
  partitions?: PartitionLagDto[];
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description:
      'Consommateur : messages mis en lettres mortes par ce processus depuis son démarrage, par code',
  })
  deadLettered?: Record<string, number>;
  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    description:
      'Consommateur : messages que le sujet des lettres mortes conserve (rejoués ou non ; null si le broker ne répond pas)',
  })
  deadLettersHeld?: number | null;
}

export class RebuildResultDto {
  @ApiProperty({ example: 'parcours' }) name!: string;
  @ApiProperty({ type: 'integer', description: 'Événements repris depuis le premier' }) events!: number;
}

export class ReadinessDto {
  @ApiProperty({ enum: ['ready', 'not_ready'] }) status!: 'ready' | 'not_ready';
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description:
      'Pour le rôle Département seulement : chaque vérification, `ok` ou la raison ' +
      '(erreurs des projections avec les identifiants en cause)',
  })
  checks?: Record<string, string>;
}

const unknown = (name: string) =>
  Problem.notFound('PROJECTION_UNKNOWN', `Aucune projection ne s'appelle « ${name} ».`);

/** PostgreSQL's code for a column that does not exist (a table the worker has not migrated yet). */
const UNDEFINED_COLUMN = '42703';

/** A table not created or not migrated yet (the worker has not started): nothing to report rather than an error. */
async function unlessMissing<T>(read: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await read();
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === UNDEFINED_TABLE || code === UNDEFINED_COLUMN) return fallback;
    throw error;
  }
}

/**
 * What runs in the background, as the API sees it: the projections, the
 * relay and the consumer of this process when the worker runs here (their
 * live state: retrying...), otherwise what their checkpoints record.
 */
export class Operations {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly sql: SqlClient,
    private readonly store: EventStore,
    private readonly config: AppConfig,
  ) {}

  private find<T>(token: abstract new (...args: never[]) => T): T | undefined {
    try {
      return this.moduleRef.get(token as never, { strict: false }) ?? undefined;
    } catch {
      return undefined; // the worker does not run in this process
    }
  }

  private runner(): ProjectionRunner | undefined {
    return this.find(ProjectionRunner);
  }

  private kafka(): KafkaFlows | undefined {
    return this.config.kafkaBrokers.length ? this.find(KafkaFlows) : undefined;
  }

  private projectionNames(): string[] {
    return (this.runner()?.projections ?? PROJECTIONS).map((p) => p.name);
  }

  async components(): Promise<ComponentStatusDto[]> {
    const runner = this.runner();
    const kafka = this.kafka();
    const [projections, relay, consumer] = await Promise.all([
      unlessMissing(
        () =>
          runner ? runner.status() : recordedProjectionStatus(this.sql, this.store, this.projectionNames()),
        [],
      ),
      this.config.kafkaBrokers.length
        ? unlessMissing(
            () => (kafka ? kafka.relay.status() : recordedRelayStatus(this.sql, this.store)),
            undefined,
          )
        : undefined,
      kafka?.inbound.status(),
    ]);
    return [
      ...projections.map((p) => logComponent(p, 'projection')),
      ...(relay ? [logComponent(relay, 'relay')] : []),
      ...(consumer ? [consumerComponent(consumer)] : []),
    ];
  }

  /**
   * Each check `ok` or why not: the stores answer; no projection or relay
   * failed, retrying, or further behind than PARCOURS_READY_MAX_LAG; the
   * partner flows are consumed and no message is being retried.
   */
  async readiness(): Promise<{ ready: boolean; checks: Record<string, string> }> {
    const checks: Record<string, string> = {};
    await check(checks, 'eventStore', () => this.store.ping());
    await check(checks, 'readDatabase', async () => {
      await this.sql.query('select 1');
    });
    if (checks.eventStore === 'ok' && checks.readDatabase === 'ok') {
      let components: ComponentStatusDto[] | undefined;
      await check(checks, 'projections', async () => {
        components = await this.components();
      });
      const kinds = this.config.kafkaBrokers.length
        ? (['projection', 'relay', 'consumer'] as const)
        : (['projection'] as const);
      for (const kind of components ? kinds : []) {
        const problems = components!.filter((c) => c.kind === kind).flatMap((c) => this.degraded(c));
        checks[kind === 'projection' ? 'projections' : kind] = problems.length
          ? `failed: ${problems.join('; ')}`
          : 'ok';
      }
    }
    return { ready: Object.values(checks).every((c) => c === 'ok'), checks };
  }

  private degraded(c: ComponentStatusDto): string[] {
    const out: string[] = [];
    if (c.status === 'failed') out.push(`${c.name} failed: ${c.error}`);
    if (c.status === 'retrying') out.push(`${c.name} retrying (${c.retries} attempts): ${c.error}`);
    if (c.kind === 'consumer' && c.status === 'stopped')
      out.push(`${c.name} not consuming${c.error ? `: ${c.error}` : ''}`);
    if (c.eventsBehind > this.config.readyMaxLag)
      out.push(`${c.name} ${c.eventsBehind} events behind (more than ${this.config.readyMaxLag})`);
    return out;
  }

  /** Clears the failure of a projection or of the relay; their loop picks it up at once here, or within its idle delay elsewhere. */
  async resume(name: string): Promise<ComponentStatusDto> {
    if (name === RELAY && this.config.kafkaBrokers.length) {
      const relay = this.kafka()?.relay;
      if (relay) await relay.resume();
      else await resumeRecordedRelay(this.sql);
    } else if (this.projectionNames().includes(name)) {
      await (this.runner() ?? createProjectionRunner(this.store, this.sql)).resume(name);
    } else {
      throw unknown(name);
    }
    const status = (await this.components()).find((c) => c.name === name);
    if (!status) throw unknown(name);
    return status;
  }

  /** Rebuilds a projection from the first event into new tables, then swaps them in (the live ones serve meanwhile). */
  async rebuild(name: string): Promise<RebuildResultDto> {
    if (!this.projectionNames().includes(name)) throw unknown(name);
    let runner = this.runner();
    if (!runner) {
      runner = createProjectionRunner(this.store, this.sql, { batchSize: this.config.projectionBatchSize });
      await runner.migrate();
    }
    try {
      return { name, events: await runner.rebuild(name) };
    } catch (error) {
      if (error instanceof ProjectionBusyError)
        throw Problem.conflict(
          'PROJECTION_REBUILDING',
          `La projection « ${name} » est déjà en cours de reconstruction.`,
        );
      if (error instanceof ProjectionStoppedError) {
        throw new Problem({
          statusCode: 422,
          code: 'PROJECTION_REBUILD_FAILED',
          message:
            `La reconstruction de « ${name} » s'est arrêtée sur un événement que la projection ne sait pas traiter ; les ` +
            `tableaux en service sont inchangés. ${error.message}`,
        });
      }
      throw error;
    }
  }
}

async function check(into: Record<string, string>, name: string, probe: () => Promise<void>): Promise<void> {
  try {
    await probe();
    into[name] = 'ok';
  } catch (error) {
    into[name] = `failed: ${(error as Error).message}`;
  }
}
