import { Controller, Get, HttpCode, HttpStatus, Inject, Param, Post } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { AppConfig } from '@parcours/config';
import { IDENTIFIER_PATTERN } from '@parcours/domain';
import type { EventStore, SqlClient } from '@parcours/event-store';
import { CONFIG, EVENT_STORE, SQL } from '@parcours/runtime';
import { ComponentStatusDto, Operations, RebuildResultDto } from '../health/operations';
import { AllowRoles } from '../http/auth.guard';
import { DocumentRoles } from '../http/openapi';

const PROBLEM = { $ref: '#/components/schemas/Problem' };
const NAME = {
  name: 'name',
  description: 'Nom de la projection (`parcours`) ou `kafka-relay`',
  schema: { type: 'string', pattern: IDENTIFIER_PATTERN },
};

/**
 * The read side's machinery, for the Département: where each projection,
 * the Kafka relay and the partner flows' consumer stand, and the way out
 * after a failure (resume) or a fix of a projection's code (rebuild).
 */
@DocumentRoles()
@ApiTags('exploitation')
@ApiBearerAuth()
@Controller('api/projections')
@AllowRoles('departement')
@ApiResponse({ status: 401, description: 'Jeton manquant ou invalide', schema: PROBLEM })
@ApiResponse({ status: 403, description: 'Réservé au Département', schema: PROBLEM })
@ApiResponse({
  status: 503,
  description: 'Base de données indisponible (STORE_UNAVAILABLE, avec Retry-After)',
  schema: PROBLEM,
})
export class ProjectionsController {
  private readonly operations: Operations;

  constructor(
    moduleRef: ModuleRef,
    @Inject(SQL) sql: SqlClient,
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(CONFIG) config: AppConfig,
  ) {
    this.operations = new Operations(moduleRef, sql, store, config);
  }

  /** Each projection's position, lag (events behind), state and error; the relay and the consumer when Kafka is configured. */
  @Get()
  @ApiOperation({
    summary: 'État des projections, du relais Kafka et du consommateur des flux partenaires',
    description: 'Pour chaque composant : position, retard (événements en attente), état et dernière erreur.',
  })
  @ApiResponse({ status: 200, type: [ComponentStatusDto] })
  status(): Promise<ComponentStatusDto[]> {
    return this.operations.components();
  }

  /** After the fix of what stopped it: the projection (or the relay) starts again from its checkpoint, at the event it stopped on. */
  @Post(':name/resume')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Relancer une projection (ou le relais) arrêtée sur une erreur, depuis son point de reprise',
    description:
      'Après correction de la cause : reprend à l’événement sur lequel elle s’était arrêtée. Refus : PROJECTION_UNKNOWN (404).',
  })
  @ApiParam(NAME)
  @ApiResponse({ status: 200, type: ComponentStatusDto, description: 'Son état après la relance' })
  @ApiResponse({ status: 400, description: 'Nom invalide (VALIDATION_FAILED)', schema: PROBLEM })
  @ApiResponse({
    status: 404,
    description: 'Aucune projection de ce nom (PROJECTION_UNKNOWN)',
    schema: PROBLEM,
  })
  resume(@Param('name') name: string): Promise<ComponentStatusDto> {
    return this.operations.resume(name);
  }

  /** Rebuilds from the first event into new tables while the live ones serve, then swaps them in one transaction; answers when done. */
  @Post(':name/rebuild')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Reconstruire une projection depuis le premier événement, puis basculer',
    description:
      'Dans de nouvelles tables pendant que les tables en service répondent, puis ' +
      'bascule en une transaction ; répond une fois terminé. Refus : PROJECTION_UNKNOWN ' +
      '(404), PROJECTION_REBUILDING (409), PROJECTION_REBUILD_FAILED (422).',
  })
  @ApiParam(NAME)
  @ApiResponse({ status: 200, type: RebuildResultDto })
  @ApiResponse({ status: 400, description: 'Nom invalide (VALIDATION_FAILED)', schema: PROBLEM })
  @ApiResponse({
    status: 404,
    description: 'Aucune projection reconstructible de ce nom (PROJECTION_UNKNOWN)',
    schema: PROBLEM,
  })
  @ApiResponse({
    status: 409,
    description: 'Reconstruction déjà en cours (PROJECTION_REBUILDING)',
    schema: PROBLEM,
  })
  @ApiResponse({
    status: 422,
    description:
      'Un événement arrête la reconstruction (PROJECTION_REBUILD_FAILED) ; les tableaux en service sont inchangés',
    schema: PROBLEM,
  })
  rebuild(@Param('name') name: string): Promise<RebuildResultDto> {
    return this.operations.rebuild(name);
  }
}
