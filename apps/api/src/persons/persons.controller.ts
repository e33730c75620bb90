import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Identity } from '@parcours/auth';
import { ERASURE_REASONS } from '@parcours/domain';
import type { Stores } from '@parcours/event-store';
import { personKeysOf, STORES } from '@parcours/runtime';
import { AllowRoles, CurrentIdentity } from '../http/auth.guard';
import { CodeField } from '../http/fields';
import { Problem } from '../http/problem';
import { RuleViolation } from '@parcours/domain';
import { CommandHeaders, CommandHeadersOf } from '../http/request-context';
import { CommandResult, ExecuteParcoursCommand } from '../parcours/execute-parcours-command';

const codeOf = (error: unknown): string | undefined =>
  error instanceof RuleViolation ? error.code : error instanceof Problem ? (error.getResponse() as { code?: string }).code : undefined;

export class ErasureDto {
  @CodeField(ERASURE_REASONS, true, "Motif : fin de la durée de conservation, demande de la personne (RGPD art. 17), décision de justice ou de la CNIL")
  reason: (typeof ERASURE_REASONS)[number];
}

/**
 * The person behind a parcours (one person, one parcours): erasure of their
 * data by destroying their key (crypto-shredding, DOMAIN.md §7).
 */
@ApiTags('persons')
@ApiBearerAuth()
@Controller('api/persons')
export class PersonsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(STORES) private readonly stores: Stores,
  ) {}

  /**
   * Records the erasure in the parcours (a `PersonErased` event, so that every
   * read model drops the names), then destroys the key. A retry after a
   * failure between the two finishes the job: the key goes whatever the command answered.
   */
  @Post(':id/erasure')
  @HttpCode(201)
  @AllowRoles('departement')
  async erase(@Param('id') id: string, @Body() b: ErasureDto, @CurrentIdentity() who: Identity, @CommandHeadersOf() h: CommandHeaders): Promise<CommandResult> {
    let result: CommandResult;
    try {
      result = await this.commands.execute(new ExecuteParcoursCommand(id, { type: 'ErasePerson', reason: b.reason }, who, h));
    } catch (error) {
      if (codeOf(error) === 'PERSON_ERASED') await personKeysOf(this.stores).erase(id, b.reason, who.sub);
      throw error;
    }
    await personKeysOf(this.stores).erase(id, b.reason, who.sub);
    return result;
  }
}
