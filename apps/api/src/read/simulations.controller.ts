import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { Problem, ReferenceCatalog } from '@parcours/application';
import { DEFAULT_PARAMETERS, Parameters, parametersAt, validateParameters } from '@parcours/domain';
import type { SqlClient } from '@parcours/event-store';
import { GROUP_BYS, INDICATORS, simulateIndicators } from '@parcours/projections';
import { SQL } from '@parcours/runtime';
import { AllowRoles } from '../http/auth.guard';
import { CodeField, CodeListField, DateField, ParametersField, VersionChoiceField } from '../http/fields';
import { Doc, DocumentRoles } from '../http/openapi';
import { checkPeriod } from './report-checks';

const INDICATOR_CODES = INDICATORS.map((d) => d.code);

export class SimulationDto {
  @DateField(true, 'Début de période (inclus)', '2025-01-01') from!: string;
  @DateField(true, 'Fin de période (incluse)', '2025-12-31') to!: string;
  @CodeField(GROUP_BYS, false) groupBy?: (typeof GROUP_BYS)[number];
  @CodeListField(INDICATOR_CODES, 'Indicateurs (tous par défaut)', false) codes?: string[];
  @ParametersField(
    'Version de paramètres en projet : valeurs changées (les autres reprennent celles en vigueur à la fin de la période), ' +
      'appliquées à toute la période',
    false,
  )
  parameters?: Partial<Parameters>;
  @VersionChoiceField(
    Object.fromEntries(INDICATORS.map((d) => [d.code, d.versions.map((v) => v.version)])),
    'Par indicateur, la version publiée de sa définition à calculer au lieu de celle en vigueur',
  )
  definitionVersions?: Record<string, number>;
}

/**
 * "What if" on past periods: the indicators under a draft parameter version or
 * other definition versions, beside the figures in force. Nothing is written.
 */
@DocumentRoles()
@ApiBearerAuth()
@Controller('api/indicators')
export class SimulationsController {
  constructor(
    @Inject(SQL) private readonly sql: SqlClient,
    private readonly catalog: ReferenceCatalog,
  ) {}

  @Doc(
    'indicateurs',
    'Simuler les indicateurs sous une version en projet',
    'Pour une période passée, chaque indicateur sous une version de paramètres en projet (par exemple un délai ' +
      'd’orientation d’un mois) ou sous une autre version publiée de sa définition, à côté du chiffre en vigueur, ' +
      'avec l’écart ; par territoire si demandé. Rien n’est enregistré. Le projet de paramètres est contrôlé comme une ' +
      'vraie version. Refus : SIMULATION_EMPTY, PERIOD_END_BEFORE_START, PARAMETER_INVALID (422).',
  )
  @Post('simulations')
  @HttpCode(200)
  @AllowRoles('departement')
  async simulate(@Body() body: SimulationDto) {
    checkPeriod(body.from, body.to);
    if (!body.parameters && !body.definitionVersions)
      throw new Problem({
        statusCode: 422,
        code: 'SIMULATION_EMPTY',
        message: 'Indiquez des paramètres ou des versions de définitions à simuler.',
        field: 'parameters',
      });
    let parameters: Parameters | undefined;
    if (body.parameters) {
      // The checks of a real parameter version (SetParameters), then the values in force at the period's end underneath.
      const [field, problem] = Object.entries(validateParameters(body.parameters))[0] ?? [];
      if (field)
        throw new Problem({
          statusCode: 422,
          code: 'PARAMETER_INVALID',
          message: `Paramètre ${field} : ${problem}.`,
          field: `parameters.${field}`,
        });
      const inForce = parametersAt((await this.catalog.current()).parameterVersions, body.to);
      parameters = { ...DEFAULT_PARAMETERS, ...inForce, ...body.parameters };
    }
    return simulateIndicators(
      this.sql,
      { from: body.from, to: body.to },
      { parameters, definitionVersions: body.definitionVersions },
      { codes: body.codes, groupBy: body.groupBy },
    );
  }
}
