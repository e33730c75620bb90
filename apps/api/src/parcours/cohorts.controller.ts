import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader } from '@nestjs/swagger';
import { Identity } from '@parcours/auth';
import { CommandHeaders, ExecuteParcoursCommand } from '@parcours/application';
import { ParcoursCommand } from '@parcours/domain';
import { latestTemplate } from '@parcours/notifications';
import { AllowRoles, CurrentIdentity } from '../http/auth.guard';
import { Doc, DocumentRoles } from '../http/openapi';
import { problemOf } from '../http/problem.filter';
import { CommandHeadersOf } from '../http/request-context';
import * as dto from './parcours.dto';

/** What became of one parcours of a cohort: its command's answer, or its refusal. */
export interface CohortItemResult {
  parcoursId: string;
  status: number;
  /** The invitation or convocation created (201). */
  messageId?: string;
  revision?: number;
  code?: string;
  message?: string;
}

const COHORT_RULES =
  'Chaque parcours reçoit son propre événement, avec les règles de la commande unitaire ; la réponse 200 donne ' +
  'le sort de chacun (201, ou le statut et le code de son refus : 403 hors périmètre, 404, 422). Idempotent : ' +
  'rejouée avec la même clé Idempotency-Key, la requête rend les mêmes réponses sans rien enregistrer deux fois ; ' +
  'sans clé, un parcours déjà invité (ou convoqué à ce rendez-vous) est refusé, jamais invité deux fois. Si la base ' +
  'devient indisponible en cours de route : 503, et la même requête avec la même clé reprend où elle en était.';

/**
 * Cohort actions of a SLAI (its territoire) or of the Département: invite or
 * convene a list of parcours at once. Each parcours goes through the one
 * write path of a command, with its own rules, rights and idempotency key
 * (the request's key and the parcours id), so that a cohort is exactly the
 * sum of the unit commands.
 */
@DocumentRoles()
@ApiBearerAuth()
@ApiHeader({
  name: 'Idempotency-Key',
  required: false,
  description: 'Une requête rejouée avec la même clé renvoie les mêmes réponses',
})
@Controller('api/cohorts')
@AllowRoles('slai', 'departement')
export class CohortsController {
  constructor(private readonly commands: CommandBus) {}

  private async each(
    items: { parcoursId: string; command: ParcoursCommand; created: string }[],
    who: Identity,
    h: CommandHeaders,
  ) {
    const results: CohortItemResult[] = [];
    const seen = new Set<string>();
    for (const { parcoursId, command, created } of items) {
      if (seen.has(parcoursId)) continue;
      seen.add(parcoursId);
      const headers: CommandHeaders = {
        correlationId: h.correlationId,
        ...(h.idempotencyKey ? { idempotencyKey: `${h.idempotencyKey}:${parcoursId}` } : {}),
      };
      try {
        const r = await this.commands.execute(new ExecuteParcoursCommand(parcoursId, command, who, headers));
        results.push({ parcoursId, status: 201, messageId: r[created] as string, revision: r.revision });
      } catch (error) {
        const problem = problemOf(error);
        // The store went away: stop here; replayed with the same key, the request resumes.
        if (problem.statusCode >= 500) throw error;
        results.push({
          parcoursId,
          status: problem.statusCode,
          code: problem.code,
          message: problem.message,
        });
      }
    }
    return {
      accepted: results.filter((r) => r.status === 201).length,
      refused: results.filter((r) => r.status !== 201).length,
      results,
    };
  }

  @Doc(
    'rendez-vous',
    'Inviter une liste de parcours à un premier rendez-vous',
    `Comme POST /api/parcours/{id}/invitations, pour chaque parcours de la liste. ${COHORT_RULES}`,
  )
  @Post('invitations')
  @HttpCode(200)
  invite(
    @Body() b: dto.CohortInvitationDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf({ ifMatch: false }) h: CommandHeaders,
  ) {
    const templateVersion = latestTemplate('invitation').version;
    return this.each(
      b.parcoursIds.map((parcoursId) => ({
        parcoursId,
        created: 'invitationId',
        command: { type: 'SendInvitation', sentOn: b.sentOn, channels: b.channels, templateVersion },
      })),
      who,
      h,
    );
  }

  @Doc(
    'rendez-vous',
    'Convoquer une liste de parcours à leurs rendez-vous',
    `Comme POST /api/parcours/{id}/appointments/{aid}/convocations, pour chaque parcours de la liste. ${COHORT_RULES}`,
  )
  @Post('convocations')
  @HttpCode(200)
  convene(
    @Body() b: dto.CohortConvocationDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf({ ifMatch: false }) h: CommandHeaders,
  ) {
    const templateVersion = latestTemplate('convocation').version;
    return this.each(
      b.convocations.map((c) => ({
        parcoursId: c.parcoursId,
        created: 'convocationId',
        command: {
          type: 'SendConvocation',
          appointmentId: c.appointmentId,
          time: c.time,
          ...(c.place ? { place: c.place } : {}),
          sentOn: b.sentOn,
          channels: b.channels,
          templateVersion,
        },
      })),
      who,
      h,
    );
  }
}
