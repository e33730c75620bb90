import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Problem } from '@parcours/application';
import { Identity } from '@parcours/auth';
import { BUSINESS_DATE_OF } from '@parcours/domain';
import type { SqlClient } from '@parcours/event-store';
import { queryRecordLateness } from '@parcours/projections';
import { SQL } from '@parcours/runtime';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { AllowRoles, CurrentIdentity } from '../http/auth.guard';
import { CodeField, IdField, INTEGER, MAX, MIN, PatternField } from '../http/fields';
import { Doc, DocumentRoles } from '../http/openapi';
import { checkPeriod } from '../read/report-checks';

/** A month of 1900–2099, as YYYY-MM. */
const MONTH_PATTERN = '^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$';
const MonthField = (description: string) =>
  PatternField(MONTH_PATTERN, 'un mois au format AAAA-MM', { max: 7, description, example: '2025-01' });

/** Default threshold of a late record, in days (a Département may ask for another one per request). */
export const LATE_AFTER_DAYS = 30;

export class LatenessQuery {
  @MonthField('Premier mois des dates métier comptées (inclus)') from!: string;
  @MonthField('Dernier mois des dates métier comptées (inclus)') to!: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 3650,
    default: LATE_AFTER_DAYS,
    description: 'Un enregistrement est en retard au-delà de ce nombre de jours après sa date métier',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: INTEGER })
  @Min(0, { message: MIN })
  @Max(3650, { message: MAX })
  lateAfterDays: number = LATE_AFTER_DAYS;

  @IdField(false, 'Territoire (celui du SLAI par défaut)') territory?: string;
  @IdField(false, 'Organisme référent') organisationId?: string;
  @CodeField(Object.keys(BUSINESS_DATE_OF), false, "Type d'événement") eventType?: string;
}

export class LatenessLineDto {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Organisme en charge à l’enregistrement (null : pas encore orienté)',
  })
  organisationId!: string | null;
  @ApiProperty() eventType!: string;
  @ApiProperty({ description: 'Mois de la date métier (AAAA-MM)' }) month!: string;
  @ApiProperty({ type: 'integer' }) records!: number;
  @ApiProperty({ description: 'Médiane des jours entre la date métier et l’enregistrement' })
  medianDaysLate!: number;
  @ApiProperty({ description: '90e centile des mêmes jours' }) p90DaysLate!: number;
  @ApiProperty({ type: 'integer', description: 'Enregistrements au-delà du seuil' }) late!: number;
  @ApiProperty({ description: 'Part des enregistrements au-delà du seuil (0 à 1)' }) lateShare!: number;
}

export class LatenessReportDto {
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ type: 'integer' }) lateAfterDays!: number;
  @ApiProperty({ type: String, nullable: true }) territory!: string | null;
  @ApiProperty({ type: [LatenessLineDto], description: 'La plus forte part de retards d’abord' })
  lines!: LatenessLineDto[];
}

/**
 * Data quality: how late the steps of the parcours are recorded, by organisme.
 * A late record changes figures already published; this is where it shows.
 */
@DocumentRoles()
@ApiBearerAuth()
@Controller('api/data-quality')
export class DataQualityController {
  constructor(@Inject(SQL) private readonly sql: SqlClient) {}

  @Doc(
    'qualité des données',
    'Mesurer le retard des enregistrements',
    'Par organisme, type d’événement et mois de la date métier : nombre d’enregistrements, médiane et 90e centile ' +
      'des jours entre la date métier et l’enregistrement, part enregistrée au-delà de `lateAfterDays` jours ' +
      '(30 par défaut). Un SLAI ne voit que son territoire. Refus : PERIOD_END_BEFORE_START (422).',
  )
  @Get('lateness')
  @AllowRoles('departement', 'slai')
  @ApiOkResponse({ type: LatenessReportDto })
  async lateness(@CurrentIdentity() who: Identity, @Query() q: LatenessQuery): Promise<LatenessReportDto> {
    if (who.role === 'slai' && q.territory && q.territory !== who.territory)
      throw Problem.forbidden('Un SLAI ne voit que son territoire.');
    checkPeriod(q.from, q.to);
    const territory = who.role === 'slai' ? who.territory! : q.territory;
    const lines = await queryRecordLateness(this.sql, { ...q, territory });
    return { from: q.from, to: q.to, lateAfterDays: q.lateAfterDays, territory: territory ?? null, lines };
  }
}
