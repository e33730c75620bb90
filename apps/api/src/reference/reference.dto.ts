import {
  ADDRESS_LINE_PATTERN,
  HTTPS_URL_PATTERN,
  ORGANISATION_KINDS,
  Parameters,
  PHONE_PATTERN,
} from '@parcours/domain';
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
  PatternField,
  PatternListField,
} from '../http/fields';

/** How a person reaches the organisme: given in its invitations, convocations and letters. */
class OrganisationContactDto {
  @PatternField(PHONE_PATTERN, 'un numéro de téléphone français', {
    required: false,
    max: 20,
    description: 'Téléphone donné dans les messages (requis pour en envoyer)',
    example: '03 21 21 62 62',
  })
  phone?: string;
  @PatternField(HTTPS_URL_PATTERN, 'une adresse https', {
    required: false,
    max: 200,
    description: 'Page de prise de rendez-vous en ligne',
    example: 'https://rdv.departement.fr/mds-arras',
  })
  bookingUrl?: string;
  @PatternListField(ADDRESS_LINE_PATTERN, 'une ligne d’adresse de 38 caractères au plus', {
    required: false,
    max: 4,
    maxLength: 38,
    description: 'Adresse postale, en-tête de ses courriers',
    example: ['14 rue Émile Zola', '62000 ARRAS'],
  })
  addressLines?: string[];
}

export class TerritoryDto {
  @IdField(true, 'Code du territoire, ex. ARRAGEOIS') territoryId: string;
  @LabelField(true, 'Nom du territoire, ex. « Lens-Hénin 2 »') name: string;
}

export class OrganisationDto extends OrganisationContactDto {
  @IdField(true, "Identifiant de l'organisme référent") organisationId: string;
  @LabelField(true, 'Nom, ex. « MDS 62 »') name: string;
  @CodeField(ORGANISATION_KINDS) kind: (typeof ORGANISATION_KINDS)[number];
  @IdListField(20, 'Territoires couverts') territories: string[];
}

export class OrganisationPatchDto extends OrganisationContactDto {
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
