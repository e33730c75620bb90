import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { Identity } from '@parcours/auth';
import { parisDate } from '@parcours/domain';
import type { SqlClient } from '@parcours/event-store';
import { indicatorRevisions } from '@parcours/projections';
import { CLOCK, SQL } from '@parcours/runtime';
import { AllowRoles, CurrentIdentity } from '../http/auth.guard';
import { Doc, DocumentRoles } from '../http/openapi';
import { IndicatorsQuery } from '../read/read.dto';
import { checkPeriod, indicatorCodes } from '../read/report-checks';
import { OmitType } from '@nestjs/swagger';

export class RevisionsQuery extends OmitType(IndicatorsQuery, ['asOf'] as const) {}

/**
 * How much late records revised the indicators of a period once published:
 * each figure as known at the period's end, one and three months later, and now.
 */
@DocumentRoles()
@ApiBearerAuth()
@Controller('api/indicators')
export class RevisionsController {
  constructor(
    @Inject(SQL) private readonly sql: SqlClient,
    @Inject(CLOCK) private readonly clock: () => Date,
  ) {}

  @Doc(
    'qualité des données',
    'Mesurer les révisions des indicateurs',
    'Pour une période, chaque indicateur tel que calculé à la fin de la période, tel que connu un mois et trois mois ' +
      'plus tard, et tel que connu aujourd’hui, avec l’écart entre le premier et le dernier : ce que les ' +
      'enregistrements tardifs ont changé. Un moment encore à venir vaut null. Un SLAI ne voit que son territoire. ' +
      'Refus : PERIOD_END_BEFORE_START, INDICATOR_UNKNOWN (422).',
  )
  @Get('revisions')
  @AllowRoles('etat', 'departement', 'slai')
  async revisions(@CurrentIdentity() who: Identity, @Query() q: RevisionsQuery) {
    checkPeriod(q.from, q.to);
    const codes = indicatorCodes(q.codes);
    return indicatorRevisions(this.sql, { from: q.from, to: q.to }, parisDate(this.clock()), {
      codes,
      groupBy: q.groupBy,
      territory: who.role === 'slai' ? who.territory : undefined,
    });
  }
}
