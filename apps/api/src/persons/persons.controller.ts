import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Res,
  StreamableFile,
  UseInterceptors,
} from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiHeader } from '@nestjs/swagger';
import { Identity } from '@parcours/auth';
import { businessDateOf, ERASURE_REASONS, NIR_PATTERN, parisDate } from '@parcours/domain';
import { searchKeyFromEnvironment, searchPersons, SqlPersonDirectory } from '@parcours/projections';
import type { Stores } from '@parcours/event-store';
import { CLOCK, STORES } from '@parcours/runtime';
import { AllowRoles, CurrentIdentity } from '../http/auth.guard';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, Matches } from 'class-validator';
import {
  CommandHeaders,
  CommandResult,
  ParcoursRepository,
  PersonErasure,
  Problem,
  RetentionJob,
} from '@parcours/application';
import { auditOfParcours } from '../audit/audit.queries';
import { AuditTrail } from '../audit/audit-trail';
import { parcoursInPath, parcoursOfItems, PersonalData } from '../audit/personal-data';
import { withoutNir } from '../parcours/parcours.queries';
import { textPdf } from './pdf';
import { BOOLEAN, CodeField, DateField, IdField, NameField, TEXT } from '../http/fields';
import { Paged } from '../read/read.dto';
import { readScopeOf } from '../read/read-scope';
import { Doc, DocumentRoles } from '../http/openapi';
import { CommandHeadersOf } from '../http/request-context';
import { RevisionETag } from '../parcours/parcours.controller';

export class ErasureDto {
  @CodeField(
    ERASURE_REASONS,
    true,
    'Motif : fin de la durée de conservation, demande de la personne (RGPD art. 17), décision de justice ou de la CNIL',
  )
  reason: (typeof ERASURE_REASONS)[number];
}

export class RetentionQuery {
  @ApiPropertyOptional({ description: 'Seulement lister les personnes à effacer' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: BOOLEAN })
  dryRun?: boolean;
}

export class AccessReportQuery {
  @CodeField(['json', 'pdf'], false, 'json (par défaut) ou pdf, pour un courrier') format?: 'json' | 'pdf';
}

export class PersonSearchQuery extends Paged {
  @NameField(false, 'Nom de naissance ou d’usage ; casse et accents indifférents') lastName?: string;
  @NameField(false, 'Prénom ; casse et accents indifférents') firstName?: string;
  @DateField(false, 'Date de naissance') birthDate?: string;
  @ApiPropertyOptional({ description: 'NIR (13 caractères et clé)', pattern: NIR_PATTERN })
  @IsOptional()
  @IsString({ message: TEXT })
  @Matches(new RegExp(NIR_PATTERN), { message: 'nir doit être un NIR de 15 caractères' })
  nir?: string;
  @IdField(false, 'Numéro allocataire CAF/MSA', 20) cafNumber?: string;
}

/**
 * The person behind a parcours (one person, one parcours): erasure of their
 * data by destroying their key (crypto-shredding, DOMAIN.md §7).
 */
@DocumentRoles()
@ApiBearerAuth()
@Controller('api/persons')
export class PersonsController {
  private readonly searchKey = searchKeyFromEnvironment();

  constructor(
    private readonly erasure: PersonErasure,
    private readonly retentionJob: RetentionJob,
    @Inject(STORES) private readonly stores: Stores,
    private readonly parcours: ParcoursRepository,
    private readonly trail: AuditTrail,
    @Inject(CLOCK) private readonly clock: () => Date,
  ) {}

  /**
   * The person's right of access (RGPD art. 15): everything the product holds
   * on them — each event decoded, the current state, who read the file and
   * when — as JSON, or as a PDF a letter can carry.
   */
  @Doc(
    'personnes',
    "Produire le relevé du droit d'accès (RGPD art. 15)",
    "Tout ce que le produit détient sur la personne : chaque événement décodé, l'état " +
      'courant, les consultations de son dossier ; en JSON ou en PDF pour un courrier. ' +
      'Refus : PARCOURS_NOT_FOUND (404). Lecture journalisée (audit).',
  )
  @Get(':id/access-report')
  @AllowRoles('departement', 'dpo')
  @PersonalData(parcoursInPath())
  async accessReport(
    @Param('id') id: string,
    @Query() q: AccessReportQuery,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { state, events } = await this.parcours.load(id);
    if (state.status === 'none') throw Problem.notFound('PARCOURS_NOT_FOUND', "Ce parcours n'existe pas.");
    const { parcoursId: _, ...current } = state;
    const report = {
      parcoursId: id,
      generatedAt: this.clock().toISOString(),
      erased: Boolean(state.erased),
      state: withoutNir(current),
      events: events.map((e) => ({
        revision: e.revision,
        type: e.type,
        businessDate: businessDateOf(e.type, e.data),
        recordedAt: e.metadata.recordedAt,
        actor: e.metadata.actor,
        data: withoutNir(e.data),
      })),
      // The reads still in the audit's buffer belong in the report too.
      reads: await this.trail
        .flush()
        .catch(() => undefined)
        .then(() => auditOfParcours(this.stores.sql, id)),
    };
    if (q.format !== 'pdf') return report;
    res.setHeader('Content-Disposition', `attachment; filename="acces-${id}.pdf"`);
    return new StreamableFile(textPdf(accessReportLines(report, parisDate(this.clock()))), {
      type: 'application/pdf',
    });
  }

  /**
   * Finds the parcours of a person by name (with the first name or the birth
   * date to narrow it), by NIR or by CAF number, among those the caller may
   * see: a référent's own, a SLAI's territoire, all for the Département.
   */
  @Doc(
    'personnes',
    'Rechercher une personne',
    'Par nom (avec prénom ou date de naissance), NIR ou numéro allocataire, parmi les ' +
      "parcours du périmètre de l'appelant. Paginé, lecture journalisée (audit). Refus " +
      ': SEARCH_CRITERIA_REQUIRED (422).',
  )
  @Get()
  @AllowRoles('referent', 'slai', 'departement')
  @PersonalData(parcoursOfItems)
  async search(@CurrentIdentity() who: Identity, @Query() q: PersonSearchQuery) {
    if (!q.lastName && !q.nir && !q.cafNumber) {
      throw new Problem({
        statusCode: 422,
        code: 'SEARCH_CRITERIA_REQUIRED',
        message: 'Indiquez un nom, un NIR ou un numéro allocataire.',
        field: 'lastName',
      });
    }
    const { items, total } = await searchPersons(this.stores.sql, this.searchKey, q, readScopeOf(who), {
      page: q.page,
      pageSize: q.pageSize,
    });
    return { items, total, page: q.page, pageSize: q.pageSize };
  }

  /**
   * Parcours that may be the same person as another (a CAF entry without NIR
   * whose names and birth date match), for a human to confirm: never merged
   * automatically. Département only; names from the portfolio read model.
   */
  @Doc(
    'personnes',
    'Lister les doublons possibles',
    'Parcours qui peuvent concerner la même personne (entrée CAF sans NIR aux mêmes ' +
      'nom et date de naissance), à confirmer par une personne : jamais fusionnés ' +
      'automatiquement. Paginé.',
  )
  @Get('possible-duplicates')
  @AllowRoles('departement')
  @PersonalData((result) =>
    ((result as { items: { parcoursId: string; candidateId: string }[] }).items ?? []).flatMap((i) => [
      i.parcoursId,
      i.candidateId,
    ]),
  )
  async possibleDuplicates(@Query() q: Paged) {
    return {
      ...(await new SqlPersonDirectory(this.stores.sql).flagged(q)),
      page: q.page,
      pageSize: q.pageSize,
    };
  }

  /**
   * Runs the retention now: erases every person whose accompaniment ended more
   * than `retentionMonthsAfterEnd` months ago (the worker runs it every hour);
   * `dryRun` only lists them. Answers the report: parcours ids and dates only.
   */
  @Doc(
    'personnes',
    'Appliquer la durée de conservation maintenant',
    "Efface les personnes dont l'accompagnement a pris fin depuis plus de " +
      'retentionMonthsAfterEnd mois (le worker le fait chaque heure) ; dryRun les liste ' +
      'seulement. Répond les identifiants et dates.',
  )
  @Post('retention')
  @HttpCode(200)
  @AllowRoles('departement')
  retention(@Query() q: RetentionQuery) {
    return this.retentionJob.run(parisDate(this.clock()), { dryRun: q.dryRun });
  }

  /** Erases the person's data (see PersonErasure), with a reason from the list. */
  @Doc(
    'personnes',
    "Effacer les données d'une personne",
    'Destruction de sa clé (crypto-effacement), avec un motif de la liste ; If-Match ' +
      'et Idempotency-Key comme les commandes du parcours. Refus : PARCOURS_NOT_FOUND ' +
      '(404), PERSON_ERASED (422), REVISION_MISMATCH (409). La réponse 201 porte la ' +
      'nouvelle révision (corps et ETag).',
  )
  @Post(':id/erasure')
  @ApiHeader({ name: 'If-Match', required: false, description: 'Révision attendue du parcours (409 sinon)' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Une requête rejouée avec la même clé renvoie la première réponse',
  })
  @HttpCode(201)
  @UseInterceptors(RevisionETag)
  @AllowRoles('departement')
  erase(
    @Param('id') id: string,
    @Body() b: ErasureDto,
    @CurrentIdentity() who: Identity,
    @CommandHeadersOf() h: CommandHeaders,
  ): Promise<CommandResult> {
    return this.erasure.erase(id, b.reason, who, h);
  }
}

/** The report as the lines of a letter: identity, situation, each step recorded, each read. */
function accessReportLines(
  r: {
    parcoursId: string;
    erased: boolean;
    state: Record<string, unknown>;
    events: { type: string; businessDate?: string; recordedAt: string; actor?: string; data: unknown }[];
    reads: { readAt: string; actor: { sub: string; role: string }; route: string; purpose?: string }[];
  },
  today: string,
): string[] {
  const person = (r.state.person ?? {}) as Record<string, unknown>;
  return [
    `Relevé des données détenues — droit d'accès (RGPD, article 15) — ${today}`,
    '',
    `Parcours ${r.parcoursId}`,
    r.erased
      ? 'Les données d’identité de cette personne ont été effacées.'
      : `Identité : ${String(person.firstName)} ${String(person.lastName)}, ` +
        `née ou né le ${String(person.birthDate)}${person.nirRecorded ? ' ; NIR enregistré' : ''}`,
    `Situation : ${String(r.state.status)}, cycle ${String(r.state.cycle)}, territoire ${String(r.state.territory)}`,
    '',
    `Étapes enregistrées (${r.events.length}) :`,
    ...r.events.map(
      (e) =>
        `- ${e.businessDate ?? ''} ${e.type} ` +
        `(enregistré le ${e.recordedAt.slice(0, 10)} par ${e.actor ?? 'inconnu'}) ${JSON.stringify(e.data)}`,
    ),
    '',
    `Consultations du dossier (${r.reads.length}) :`,
    ...r.reads.map(
      (x) =>
        `- ${x.readAt.slice(0, 19).replace('T', ' ')} ${x.actor.role} ${x.actor.sub} ` +
        `${x.route}${x.purpose ? ` (motif : ${x.purpose})` : ''}`,
    ),
  ];
}
