import { Controller, Get, Headers, HttpCode, HttpStatus, Inject, Res } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { authenticateWith, TokenVerifier } from '@parcours/auth';
import type { AppConfig } from '@parcours/config';
import type { EventStore, SqlClient } from '@parcours/event-store';
import { CLOCK, CONFIG, EVENT_STORE, SQL } from '@parcours/runtime';
import type { Response } from 'express';
import { Public } from '../http/auth.guard';
import { DocumentRoles } from '../http/openapi';
import { tokenVerifierOf } from '../http/token-verifier';
import { Operations, ReadinessDto } from './operations';

/**
 * Liveness and readiness for orchestrators; no authentication, no personal
 * data. Readiness details name projections and events: only the Département sees them.
 */
@DocumentRoles()
@ApiTags('exploitation')
@Public()
@Controller()
export class HealthController {
  private readonly operations: Operations;
  private readonly verifier: TokenVerifier;

  constructor(
    moduleRef: ModuleRef,
    @Inject(SQL) sql: SqlClient,
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(CONFIG) config: AppConfig,
    @Inject(CLOCK) clock: () => Date,
  ) {
    this.operations = new Operations(moduleRef, sql, store, config);
    this.verifier = tokenVerifierOf(config, clock);
  }

  /** The process is up. */
  @Get('health')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Vivacité du processus',
    description:
      'Répond 200 tant que le processus tourne ; pour les sondes de l’orchestrateur, sans donnée personnelle.',
  })
  @ApiResponse({
    status: 200,
    schema: {
      type: 'object',
      required: ['status'],
      properties: { status: { type: 'string', enum: ['ok'] } },
    },
  })
  health() {
    return { status: 'ok' };
  }

  /**
   * The process can serve and its read side is sound: the stores answer and
   * are migrated; no projection (nor, with Kafka, the relay or the consumer)
   * has failed, is retrying or lags beyond PARCOURS_READY_MAX_LAG.
   */
  @Get('ready')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Disponibilité ; le détail des vérifications avec un jeton Département',
    description:
      'Prêt quand les stockages répondent et sont migrés et qu’aucune projection (ni le ' +
      'relais, ni le consommateur Kafka) n’est arrêtée, en nouvel essai ou en retard ' +
      'au-delà de PARCOURS_READY_MAX_LAG ; 503 sinon, avec le même rapport.',
  })
  @ApiResponse({ status: 200, type: ReadinessDto, description: 'Prêt' })
  @ApiResponse({
    status: 503,
    type: ReadinessDto,
    description: 'Dégradé : base injoignable, projection arrêtée, en nouvel essai ou en retard',
  })
  async ready(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ReadinessDto> {
    const { ready, checks } = await this.operations.readiness();
    res.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    const status = ready ? 'ready' : 'not_ready';
    return (await this.isDepartement(authorization)) ? { status, checks } : { status };
  }

  private async isDepartement(authorization: string | undefined): Promise<boolean> {
    if (!authorization) return false;
    try {
      return (await authenticateWith(this.verifier, authorization)).role === 'departement';
    } catch {
      return false; // a bad token (or an unreachable provider) on a probe: the status only, as without one
    }
  }
}
