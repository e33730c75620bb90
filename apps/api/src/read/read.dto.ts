import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ECHEANCE_KINDS,
  ECHEANCE_STATUSES,
  GROUP_BYS,
  PORTFOLIO_SORTS,
  FAMILIES,
} from '@parcours/projections';
import { TRACKS } from '@parcours/domain';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

const CODES_PATTERN = '^[a-z0-9_.]+(,[a-z0-9_.]+)*$';
import { BOOLEAN, CodeField, DateField, IdField, INTEGER, MAX, MIN, TEXT } from '../http/fields';

/** Far beyond any real list (500 × 10 000 rows): bounds the offset the database is asked for. */
const MAX_PAGE = 10_000;

export class Paged {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: INTEGER })
  @Min(1, { message: MIN })
  @Max(MAX_PAGE, { message: MAX })
  page = 1;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: INTEGER })
  @Min(1, { message: MIN })
  @Max(500, { message: MAX })
  pageSize = 50;
}

export class PortfolioQuery extends Paged {
  @DateField(false, 'Date de référence des échéances (par défaut : aujourd’hui)') on?: string;
  @CodeField(TRACKS, false) track?: string;
  @CodeField(['in_rsa', 'exited'], false) status?: string;
  @CodeField(
    PORTFOLIO_SORTS,
    false,
    'Tri : en retard d’abord (par défaut), nom, parcours, prochain rendez-vous, fin de contrat',
  )
  sort?: (typeof PORTFOLIO_SORTS)[number];

  @ApiPropertyOptional({ description: 'Seulement les parcours ayant une échéance dépassée' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: BOOLEAN })
  overdueOnly?: boolean;
}

export class EcheancesQuery extends Paged {
  @DateField(false, 'Date de référence (par défaut : aujourd’hui)') on?: string;
  @IdField(false) territory?: string;
  @IdField(false) organisation?: string;
  @IdField(false) referent?: string;
  @IdField(false, 'Seulement les échéances de ce parcours') parcours?: string;
  @CodeField(ECHEANCE_STATUSES, false) status?: string;
  @CodeField(ECHEANCE_KINDS, false) kind?: string;
  @DateField(false, 'Telles que connues à la fin de ce jour (par défaut : maintenant)') asOf?: string;
}

export class SupervisionQuery {
  @IdField(false, 'Territoire (celui du SLAI par défaut)') territory?: string;
  @DateField(false) on?: string;
}

export class IndicatorsQuery {
  @DateField(true, 'Début de période (inclus)') from: string;
  @DateField(true, 'Fin de période (incluse)') to: string;
  @CodeField(GROUP_BYS, false) groupBy?: (typeof GROUP_BYS)[number];
  @DateField(false, 'Recalcul avec les seuls événements enregistrés jusqu’à cette date') asOf?: string;
  @ApiPropertyOptional({
    description: 'Codes des indicateurs, séparés par des virgules (tous par défaut)',
    pattern: CODES_PATTERN,
    maxLength: 2000,
  })
  @IsOptional()
  @IsString({ message: TEXT })
  @MaxLength(2000, { message: '$property compte au plus $constraint1 caractères' })
  @Matches(new RegExp(CODES_PATTERN), {
    message: 'codes doit être une liste de codes séparés par des virgules',
  })
  codes?: string;
}

export class ExportQuery {
  @DateField() from: string;
  @DateField() to: string;
  @CodeField(['csv', 'json'], false) format?: 'csv' | 'json';
  @DateField(false) asOf?: string;
  @CodeField(Object.keys(FAMILIES), false, 'Famille : un seul fichier') family?: string;
  @CodeField(GROUP_BYS, false) groupBy?: (typeof GROUP_BYS)[number];
}
