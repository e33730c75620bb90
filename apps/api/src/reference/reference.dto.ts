import { ApiProperty } from '@nestjs/swagger';
import { DEFAULT_PARAMETERS, ORGANISATION_KINDS } from '@parcours/domain';
import { IsObject } from 'class-validator';
import { BoolField, CodeField, DateField, IdField, IdListField, IntField, NameField } from '../http/fields';

export class TerritoryDto {
  @IdField(true, 'Code du territoire, ex. ARRAGEOIS') territoryId: string;
  @NameField(true, 'Nom du territoire') name: string;
}

export class OrganisationDto {
  @IdField(true, "Identifiant de l'organisme référent") organisationId: string;
  @IdField(true, 'Nom', 200) name: string;
  @CodeField(ORGANISATION_KINDS) kind: (typeof ORGANISATION_KINDS)[number];
  @IdListField(20, 'Territoires couverts') territories: string[];
}

export class OrganisationPatchDto {
  @IdField(false, 'Nom', 200) name?: string;
  @BoolField(false) active?: boolean;
}

export class ReferentDto {
  @IdField(true) referentId: string;
  @IdField(true) organisationId: string;
  @IdField(true) territory: string;
  @NameField(true, "Nom d'usage du référent") displayName: string;
}

export class ReferentPatchDto {
  @IdField(false) organisationId?: string;
  @IdField(false) territory?: string;
  @BoolField(false) active?: boolean;
}

export class InsertionActionDto {
  @IdField(true) actionId: string;
  @IdField(true, 'Code du dispositif, ex. 3.3', 20) dispositifCode: string;
  @IdField(true, 'Thématique', 200) theme: string;
  @IdField(true, 'Opérateur', 200) provider: string;
  @IntField(0, 100000) places: number;
  @DateField() startsOn: string;
  @DateField() endsOn: string;
}

export class ParametersDto {
  @DateField(true, "Date d'effet de cette version") effectiveFrom: string;

  @ApiProperty({ description: 'Valeurs modifiées (les autres reprennent la version en vigueur à cette date)', example: { orientationTargetDays: 15 }, type: Object })
  @IsObject()
  values: Partial<typeof DEFAULT_PARAMETERS>;
}
