import { ORGANISATION_KINDS, Parameters } from '@parcours/domain';
import {
  BoolField,
  CodeField,
  DateField,
  IdField,
  IdListField,
  IntField,
  LabelField,
  NameField,
  ParametersField,
} from '../http/fields';

export class TerritoryDto {
  @IdField(true, 'Code du territoire, ex. ARRAGEOIS') territoryId: string;
  @LabelField(true, 'Nom du territoire, ex. « Lens-Hénin 2 »') name: string;
}

export class OrganisationDto {
  @IdField(true, "Identifiant de l'organisme référent") organisationId: string;
  @LabelField(true, 'Nom, ex. « MDS 62 »') name: string;
  @CodeField(ORGANISATION_KINDS) kind: (typeof ORGANISATION_KINDS)[number];
  @IdListField(20, 'Territoires couverts') territories: string[];
}

export class OrganisationPatchDto {
  @LabelField(false, 'Nom') name?: string;
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
  @LabelField(true, 'Thématique') theme: string;
  @LabelField(true, 'Opérateur') provider: string;
  @IntField(0, 100000) places: number;
  @DateField() startsOn: string;
  @DateField() endsOn: string;
}

export class ParametersDto {
  @DateField(true, "Date d'effet de cette version") effectiveFrom: string;
  @ParametersField('Valeurs modifiées (les autres reprennent la version en vigueur à cette date)')
  values: Partial<Parameters>;
}
