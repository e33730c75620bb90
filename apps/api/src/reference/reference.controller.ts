import { Body, Controller, Get, Inject, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Identity } from '@parcours/auth';
import { DEFAULT_PARAMETERS, PARAMETER_SOURCES, parisDate, parametersAt, ReferenceCommand } from '@parcours/domain';
import { AllowRoles, CurrentIdentity } from '../http/auth.guard';
import { CorrelationIdOf } from '../http/request-context';
import { CLOCK } from '@parcours/runtime';
import { ReferenceCatalog } from './reference-catalog';
import { InsertionActionDto, OrganisationDto, OrganisationPatchDto, ParametersDto, ReferentDto, ReferentPatchDto, TerritoryDto } from './reference.dto';

/**
 * Reference data and parameters: managed by the Département, read by those
 * who work on parcours. The État role reads indicators only.
 */
@ApiTags('reference data')
@ApiBearerAuth()
@Controller('api')
@AllowRoles('departement', 'slai', 'referent')
export class ReferenceController {
  constructor(
    private readonly catalog: ReferenceCatalog,
    @Inject(CLOCK) private readonly clock: () => Date,
  ) {}

  private async write(command: ReferenceCommand, identity: Identity, correlationId: string) {
    const { revision } = await this.catalog.execute(command, { actor: identity.sub, role: identity.role, correlationId });
    return { revision };
  }

  @Get('territories')
  async territories() {
    return Object.values((await this.catalog.current()).territories);
  }

  @Post('territories')
  @AllowRoles('departement')
  defineTerritory(@Body() body: TerritoryDto, @CurrentIdentity() who: Identity, @CorrelationIdOf() correlationId: string) {
    return this.write({ type: 'DefineTerritory', ...body }, who, correlationId);
  }

  @Get('organisations')
  async organisations() {
    return Object.values((await this.catalog.current()).organisations);
  }

  @Post('organisations')
  @AllowRoles('departement')
  registerOrganisation(@Body() body: OrganisationDto, @CurrentIdentity() who: Identity, @CorrelationIdOf() correlationId: string) {
    return this.write({ type: 'RegisterOrganisation', ...body }, who, correlationId);
  }

  @Patch('organisations/:id')
  @AllowRoles('departement')
  updateOrganisation(@Param('id') id: string, @Body() body: OrganisationPatchDto, @CurrentIdentity() who: Identity, @CorrelationIdOf() correlationId: string) {
    return this.write({ type: 'UpdateOrganisation', organisationId: id, ...body }, who, correlationId);
  }

  @Get('referents')
  async referents() {
    return Object.values((await this.catalog.current()).referents);
  }

  @Post('referents')
  @AllowRoles('departement')
  registerReferent(@Body() body: ReferentDto, @CurrentIdentity() who: Identity, @CorrelationIdOf() correlationId: string) {
    return this.write({ type: 'RegisterReferent', ...body }, who, correlationId);
  }

  @Patch('referents/:id')
  @AllowRoles('departement')
  updateReferent(@Param('id') id: string, @Body() body: ReferentPatchDto, @CurrentIdentity() who: Identity, @CorrelationIdOf() correlationId: string) {
    return this.write({ type: 'UpdateReferent', referentId: id, ...body }, who, correlationId);
  }

  @Get('actions')
  async actions() {
    return Object.values((await this.catalog.current()).actions);
  }

  @Post('actions')
  @AllowRoles('departement')
  registerAction(@Body() body: InsertionActionDto, @CurrentIdentity() who: Identity, @CorrelationIdOf() correlationId: string) {
    return this.write({ type: 'RegisterInsertionAction', ...body }, who, correlationId);
  }

  /** The defaults with their source (a text or a project rule), the versions set by the Département, and the values in force today. */
  @Get('parameters')
  async parameters() {
    const versions = (await this.catalog.current()).parameterVersions;
    return { defaults: DEFAULT_PARAMETERS, sources: PARAMETER_SOURCES, versions, inForce: parametersAt(versions, parisDate(this.clock())) };
  }

  @Post('parameters')
  @AllowRoles('departement')
  setParameters(@Body() body: ParametersDto, @CurrentIdentity() who: Identity, @CorrelationIdOf() correlationId: string) {
    return this.write({ type: 'SetParameters', effectiveFrom: body.effectiveFrom, values: body.values }, who, correlationId);
  }
}
