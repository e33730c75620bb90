import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { DateField, IdField } from '../http/fields';

/** The paging of the other lists (read.dto.ts keeps its own class private): same bounds, same defaults. */
const MAX_PAGE = 10_000;

export class AuditQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  page = 1;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  pageSize = 50;

  @IdField(false, 'Seulement les consultations de ce parcours') parcoursId?: string;
  @IdField(false, 'Seulement les consultations de cet agent (sub de son jeton)') actor?: string;
  @DateField(false, 'Consultations à partir de ce jour (inclus, heure de Paris)') from?: string;
  @DateField(false, 'Consultations jusqu’à ce jour (inclus, heure de Paris)') to?: string;
}
