import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { Identity } from '@parcours/auth';
import type { AppConfig } from '@parcours/config';
import { lookup, parisDate } from '@parcours/domain';
import type { EventStore, SqlClient } from '@parcours/event-store';
import {
  computeIndicators,
  exportIndicators,
  FactsSnapshot,
  indicatorReport,
  indicatorSeries,
  monthsOf,
  loadFacts,
  pseudonymisedExtract,
  publishedDefinitions,
  queryEcheances,
  queryPortfolio,
  querySupervision,
} from '@parcours/projections';
import { CLOCK, CONFIG, EVENT_STORE, SQL } from '@parcours/runtime';
import type { Response } from 'express';
import { Problem, ReferenceCatalog } from '@parcours/application';
import { parcoursOfItems, PersonalData } from '../audit/personal-data';
import { AllowRoles, CurrentIdentity } from '../http/auth.guard';
import { Doc, DocumentRoles } from '../http/openapi';
import { EcheancesQuery, ExportQuery, IndicatorsQuery, PortfolioQuery, SupervisionQuery } from './read.dto';
import { readScopeOf } from './read-scope';
import { checkPeriod, indicatorCodes } from './report-checks';

/** The longest monthly series one request computes (two years). */
const MAX_SERIES_MONTHS = 24;

/** The territoire whose figures the caller sees: a SLAI's own, or all. */
const territoryOf = (who: Identity) => (who.role === 'slai' ? who.territory : undefined);

/**
 * The read side: every answer comes from the read models the worker keeps up
 * to date (indicators from the cycles' facts, "as of" a past date from the
 * versions known then; counted by PostgreSQL when every figure asked has its
 * SQL form).
 */
@DocumentRoles()
@ApiBearerAuth()
@Controller('api')
export class ReadController {
  constructor(
    @Inject(SQL) private readonly sql: SqlClient,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: () => Date,
    @Inject(CONFIG) private readonly config: AppConfig,
    private readonly catalog: ReferenceCatalog,
  ) {}

  private today(): string {
    return parisDate(this.clock());
  }

  @Doc(
    'lecture',
    'Lire mon portefeuille de référent',
    'Les parcours que suit le référent appelant, avec leurs échéances à la date `on`, ' +
      "filtrables et triés (en retard d'abord par défaut), paginés. Lecture journalisée " +
      '(audit).',
  )
  @Get('me/portfolio')
  @AllowRoles('referent')
  @PersonalData(parcoursOfItems)
  myPortfolio(@CurrentIdentity() who: Identity, @Query() q: PortfolioQuery) {
    return this.portfolio(who.referentId!, who, q);
  }

  @Doc(
    'lecture',
    "Lire le portefeuille d'un référent",
    'Un référent ne lit que le sien (403 sinon), un SLAI ceux de son territoire. Paginé, filtrable, lecture journalisée (audit).',
  )
  @Get('referents/:id/portfolio')
  @AllowRoles('referent', 'slai', 'departement')
  @PersonalData(parcoursOfItems)
  async portfolio(@Param('id') id: string, @CurrentIdentity() who: Identity, @Query() q: PortfolioQuery) {
    if (who.role === 'referent' && who.referentId !== id)
      throw Problem.forbidden('Un référent ne consulte que son propre portefeuille.');
    if (who.role === 'slai') {
      const referent = lookup((await this.catalog.current()).referents, id);
      if (referent && referent.territory !== who.territory)
        throw Problem.forbidden('Ce référent ne relève pas de votre territoire.');
    }
    return queryPortfolio(
      this.sql,
      readScopeOf(who),
      {
        referentId: id,
        track: q.track,
        status: q.status,
        overdueOnly: q.overdueOnly,
        sort: q.sort ?? 'overdue',
        on: q.on ?? this.today(),
      },
      { page: q.page, pageSize: q.pageSize },
    );
  }

  @Doc(
    'lecture',
    'Lister les échéances des parcours',
    'Échéances légales (orientation, contrat, examen pluridisciplinaire…) à la date ' +
      "`on`, dans le périmètre de l'appelant, filtrables par territoire, organisme, " +
      'référent, statut et type ; `asOf` les donne telles que connues à la fin de ce jour (enregistrements ' +
      'tardifs exclus). Paginé, lecture journalisée (audit). Refus : AS_OF_IN_FUTURE (422).',
  )
  @Get('echeances')
  @AllowRoles('referent', 'slai', 'departement')
  @PersonalData(parcoursOfItems)
  echeances(@CurrentIdentity() who: Identity, @Query() q: EcheancesQuery) {
    checkPeriod(q.on ?? this.today(), q.on ?? this.today(), q.asOf, this.today());
    return queryEcheances(
      this.sql,
      readScopeOf(who),
      {
        on: q.on ?? this.today(),
        territory: q.territory,
        organisation: q.organisation,
        referent: q.referent,
        parcours: q.parcours,
        status: q.status,
        kind: q.kind,
        asOf: q.asOf,
      },
      { page: q.page, pageSize: q.pageSize },
    );
  }

  @Doc(
    'lecture',
    'Superviser un territoire',
    "Tableau de bord d'un territoire (délais, retards, volumes) à la date `on`. Un " +
      'SLAI ne supervise que le sien. Refus : TERRITORY_REQUIRED (422, Département sans ' +
      'territoire), 403 pour un autre territoire.',
  )
  @Get('supervision')
  @AllowRoles('slai', 'departement')
  async supervision(@CurrentIdentity() who: Identity, @Query() q: SupervisionQuery) {
    const territory = who.role === 'slai' ? who.territory! : q.territory;
    if (!territory)
      throw new Problem({
        statusCode: 422,
        code: 'TERRITORY_REQUIRED',
        message: 'Indiquez le territoire à superviser.',
        field: 'territory',
      });
    if (who.role === 'slai' && q.territory && q.territory !== who.territory)
      throw Problem.forbidden('Un SLAI ne supervise que son territoire.');
    const on = q.on ?? this.today();
    return querySupervision(this.sql, territory, on, await this.catalog.parametersOn(on));
  }

  @Doc(
    'indicateurs',
    'Lire les définitions publiées des indicateurs',
    "Chaque version de chaque indicateur, anciennes comprises, avec ses dates d'application : ce que signifie un chiffre publié.",
  )
  @Get('indicators/definitions')
  @AllowRoles('etat', 'departement', 'slai')
  definitions() {
    // Every version, old ones included, with the dates it applies to: a figure names its version, this says what it meant.
    return publishedDefinitions();
  }

  /** A SLAI sees its territoire's figures; the État and the Département see everything. */
  private async snapshot(who: Identity, asOf: string | undefined): Promise<FactsSnapshot> {
    return loadFacts(this.sql, territoryOf(who), asOf);
  }

  private checkPeriod(from: string, to: string, asOf?: string) {
    checkPeriod(from, to, asOf, this.today());
  }

  @Doc(
    'indicateurs',
    'Calculer les indicateurs sur une période',
    'Regroupés par département, territoire ou organisme ; `asOf` les recalcule avec ' +
      "les seuls événements enregistrés jusqu'à cette date. Un SLAI ne voit que son " +
      'territoire. Refus : PERIOD_END_BEFORE_START, AS_OF_IN_FUTURE, INDICATOR_UNKNOWN ' +
      '(422).',
  )
  @Get('indicators')
  @AllowRoles('etat', 'departement', 'slai')
  async indicators(@CurrentIdentity() who: Identity, @Query() q: IndicatorsQuery) {
    this.checkPeriod(q.from, q.to, q.asOf);
    // Counted by PostgreSQL when every figure asked has its SQL form (the same figures: sql-definitions.ts).
    return indicatorReport(this.sql, { from: q.from, to: q.to }, q.groupBy ?? 'departement', {
      codes: indicatorCodes(q.codes),
      territory: territoryOf(who),
      asOf: q.asOf,
    });
  }

  @Doc(
    'indicateurs',
    'Calculer les indicateurs mois par mois',
    'Un rapport par mois civil de la période (le premier et le dernier mois coupés à la période), 24 au plus, ' +
      'chacun celui de `GET /api/indicators` sur ce mois, avec `asOf` de même ; les faits ne sont lus qu’une fois. ' +
      'Un SLAI ne voit que son territoire. Refus : PERIOD_END_BEFORE_START, AS_OF_IN_FUTURE, INDICATOR_UNKNOWN, ' +
      'PERIOD_TOO_LONG (422).',
  )
  @Get('indicators/series')
  @AllowRoles('etat', 'departement', 'slai')
  async series(@CurrentIdentity() who: Identity, @Query() q: IndicatorsQuery) {
    this.checkPeriod(q.from, q.to, q.asOf);
    const codes = indicatorCodes(q.codes);
    const period = { from: q.from, to: q.to };
    if (monthsOf(period).length > MAX_SERIES_MONTHS)
      throw new Problem({
        statusCode: 422,
        code: 'PERIOD_TOO_LONG',
        message: `Une série compte au plus ${MAX_SERIES_MONTHS} mois.`,
        field: 'to',
      });
    const months = await indicatorSeries(this.sql, period, q.groupBy ?? 'departement', {
      codes,
      territory: territoryOf(who),
      asOf: q.asOf,
    });
    return { months };
  }

  @Doc(
    'indicateurs',
    'Exporter les indicateurs (CSV ou JSON)',
    'Un fichier par famille (ou la seule famille demandée) ; plusieurs fichiers : un ' +
      'tableau de {name, content}. Refus : PERIOD_END_BEFORE_START, AS_OF_IN_FUTURE ' +
      '(422).',
  )
  @Get('indicators/export')
  @AllowRoles('etat', 'departement')
  async export(@CurrentIdentity() who: Identity, @Query() q: ExportQuery, @Res() res: Response) {
    this.checkPeriod(q.from, q.to, q.asOf);
    const format = q.format ?? 'csv';
    const report = computeIndicators(
      await this.snapshot(who, q.asOf),
      { from: q.from, to: q.to },
      q.groupBy ?? 'departement',
      undefined,
      q.asOf,
    );
    const files = exportIndicators(report, format).filter(
      (f) => !q.family || f.name.startsWith(`indicators-${q.family}-`),
    );
    sendFiles(res, files, format);
  }

  @Doc(
    'indicateurs',
    'Extraire les données pseudonymisées',
    'Extraction individuelle pseudonymisée (clé du Département) pour la statistique ' +
      'publique. Refus : PERIOD_END_BEFORE_START, AS_OF_IN_FUTURE (422), ' +
      'PSEUDONYMISATION_KEY_MISSING (503).',
  )
  @Get('indicators/extract')
  @AllowRoles('etat', 'departement')
  async extract(@CurrentIdentity() who: Identity, @Query() q: ExportQuery, @Res() res: Response) {
    this.checkPeriod(q.from, q.to, q.asOf);
    if (!this.config.pseudonymisationKey) {
      throw new Problem({
        statusCode: 503,
        code: 'PSEUDONYMISATION_KEY_MISSING',
        message: "La clé de pseudonymisation du Département n'est pas configurée.",
      });
    }
    const snapshot = await this.snapshot(who, q.asOf);
    const monthsAfterExit = (await this.catalog.parametersOn(q.to)).accompanimentAfterExitMonths;
    const format = q.format ?? 'csv';
    sendFiles(
      res,
      [
        pseudonymisedExtract(
          snapshot.facts,
          { from: q.from, to: q.to },
          this.config.pseudonymisationKey,
          monthsAfterExit,
          format,
          q.asOf,
        ),
      ],
      format,
    );
  }
}

function sendFiles(res: Response, files: { name: string; content: string }[], format: 'csv' | 'json') {
  if (files.length === 1) {
    res.setHeader('Content-Disposition', `attachment; filename="${files[0].name}"`);
    res.type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json').send(files[0].content);
    return;
  }
  res.json(files.map((f) => ({ name: f.name, content: f.content })));
}
