import { Body, Controller, Get, Inject, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { Identity } from '@parcours/auth';
import {
  DEFAULT_PARAMETERS,
  PARAMETER_SOURCES,
  parisDate,
  parametersAt,
  ReferenceCommand,
} from '@parcours/domain';
import { AllowRoles, CurrentIdentity } from '../http/auth.guard';
import { Doc, DocumentRoles } from '../http/openapi';
import { CorrelationIdOf } from '../http/request-context';
import { CLOCK } from '@parcours/runtime';
import { ReferenceCatalog } from '@parcours/application';
import {
  InsertionActionDto,
  OrganisationDto,
  OrganisationPatchDto,
  ParametersDto,
  ReferentDto,
  ReferentPatchDto,
  TerritoryDto,
} from './reference.dto';

/**
 * Reference data and parameters: managed by the Département, read by those
 * who work on parcours. The État role reads indicators only.
 */
@DocumentRoles()
@ApiBearerAuth()
@Controller('api')
@AllowRoles('departement', 'slai', 'referent')
export class ReferenceController {
  constructor(
    private readonly catalog: ReferenceCatalog,
    @Inject(CLOCK) private readonly clock: () => Date,
  ) {}

  private async write(command: ReferenceCommand, identity: Identity, correlationId: string) {
    const { revision } = await this.catalog.execute(command, {
      actor: identity.sub,
      role: identity.role,
      correlationId,
    });
    return { revision };
  }

  @Doc('référentiel', 'Lister les territoires', 'Le référentiel courant du Département.')
  @Get('territories')
  async territories() {
    return Object.values((await this.catalog.current()).territories);
  }

  @Doc(
    'référentiel',
    'Définir un territoire',
    'Crée ou renomme un territoire. Répond la révision du référentiel. Refus : règles du référentiel (422, code de la règle).',
  )
  @Post('territories')
  @AllowRoles('departement')
  defineTerritory(
    @Body() body: TerritoryDto,
    @CurrentIdentity() who: Identity,
    @CorrelationIdOf() correlationId: string,
  ) {
    return this.write({ type: 'DefineTerritory', ...body }, who, correlationId);
  }

  @Doc(
    'référentiel',
    'Lister les organismes référents',
    'Avec leur type, leurs territoires et leur état (actif ou non).',
  )
  @Get('organisations')
  async organisations() {
    return Object.values((await this.catalog.current()).organisations);
  }

  @Doc(
    'référentiel',
    'Enregistrer un organisme référent',
    'Identifiant, nom, type et territoires couverts (connus). Répond la révision du ' +
      'référentiel. Refus : règles du référentiel (422, code de la règle).',
  )
  @Post('organisations')
  @AllowRoles('departement')
  registerOrganisation(
    @Body() body: OrganisationDto,
    @CurrentIdentity() who: Identity,
    @CorrelationIdOf() correlationId: string,
  ) {
    return this.write({ type: 'RegisterOrganisation', ...body }, who, correlationId);
  }

  @Doc(
    'référentiel',
    'Modifier un organisme référent',
    "Nom ou activité ; un organisme inactif ne reçoit plus d'orientation. Refus : organisme inconnu, règles du référentiel (422).",
  )
  @Patch('organisations/:id')
  @AllowRoles('departement')
  updateOrganisation(
    @Param('id') id: string,
    @Body() body: OrganisationPatchDto,
    @CurrentIdentity() who: Identity,
    @CorrelationIdOf() correlationId: string,
  ) {
    return this.write({ type: 'UpdateOrganisation', organisationId: id, ...body }, who, correlationId);
  }

  @Doc('référentiel', 'Lister les référents', 'Avec leur organisme, leur territoire et leur état.')
  @Get('referents')
  async referents() {
    return Object.values((await this.catalog.current()).referents);
  }

  @Doc(
    'référentiel',
    'Enregistrer un référent',
    'Rattaché à un organisme et un territoire connus. Répond la révision du référentiel. Refus : règles du référentiel (422).',
  )
  @Post('referents')
  @AllowRoles('departement')
  registerReferent(
    @Body() body: ReferentDto,
    @CurrentIdentity() who: Identity,
    @CorrelationIdOf() correlationId: string,
  ) {
    return this.write({ type: 'RegisterReferent', ...body }, who, correlationId);
  }

  @Doc(
    'référentiel',
    'Modifier un référent',
    'Organisme, territoire ou activité ; un référent inactif ne reçoit plus de ' +
      'parcours. Refus : référent inconnu, règles du référentiel (422).',
  )
  @Patch('referents/:id')
  @AllowRoles('departement')
  updateReferent(
    @Param('id') id: string,
    @Body() body: ReferentPatchDto,
    @CurrentIdentity() who: Identity,
    @CorrelationIdOf() correlationId: string,
  ) {
    return this.write({ type: 'UpdateReferent', referentId: id, ...body }, who, correlationId);
  }

  @Doc(
    'référentiel',
    "Lister les actions d'insertion",
    'Le catalogue des actions prescriptibles (dispositif, thème, opérateur, places, période).',
  )
  @Get('actions')
  async actions() {
    return Object.values((await this.catalog.current()).actions);
  }

  @Doc(
    'référentiel',
    "Enregistrer une action d'insertion",
    'Avec sa période (début avant fin). Répond la révision du référentiel. Refus : règles du référentiel (422).',
  )
  @Post('actions')
  @AllowRoles('departement')
  registerAction(
    @Body() body: InsertionActionDto,
    @CurrentIdentity() who: Identity,
    @CorrelationIdOf() correlationId: string,
  ) {
    return this.write({ type: 'RegisterInsertionAction', ...body }, who, correlationId);
  }

  /** The defaults with their source (a text or a project rule), the versions set by the Département, and the values in force today. */
  @Doc(
    'référentiel',
    'Lire les paramètres des règles',
    'Les valeurs par défaut et leur source (texte ou règle du projet), les versions ' +
      "fixées par le Département et les valeurs en vigueur aujourd'hui.",
  )
  @Get('parameters')
  async parameters() {
    const versions = (await this.catalog.current()).parameterVersions;
    return {
      defaults: DEFAULT_PARAMETERS,
      sources: PARAMETER_SOURCES,
      versions,
      inForce: parametersAt(versions, parisDate(this.clock())),
    };
  }

  @Doc(
    'référentiel',
    'Fixer une version des paramètres',
    "Valeurs modifiées à partir d'une date d'effet ; les autres reprennent la version " +
      'en vigueur. Refus : règles entre valeurs (422, code de la règle).',
  )
  @Post('parameters')
  @AllowRoles('departement')
  setParameters(
    @Body() body: ParametersDto,
    @CurrentIdentity() who: Identity,
    @CorrelationIdOf() correlationId: string,
  ) {
    return this.write(
      { type: 'SetParameters', effectiveFrom: body.effectiveFrom, values: body.values },
      who,
      correlationId,
    );
  }
}
