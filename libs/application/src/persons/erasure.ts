import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Identity } from '@parcours/auth';
import { EventData, RuleViolation } from '@parcours/domain';
import type { Stores } from '@parcours/event-store';
import { personKeysOf, STORES } from '@parcours/runtime';
import { Problem } from '../problem';
import { CommandResult, ExecuteParcoursCommand } from '../parcours/execute-parcours-command';

const codeOf = (error: unknown): string | undefined =>
  error instanceof RuleViolation
    ? error.code
    : error instanceof Problem
      ? (error.getResponse() as { code?: string }).code
      : undefined;

/**
 * Erasure of a person (DOMAIN.md §7): the erasure is recorded in the parcours
 * (a `PersonErased` event, so that every read model drops the names), then
 * the person's key is destroyed. A retry after a failure between the two
 * finishes the job: the key goes whatever the command answered.
 */
@Injectable()
export class PersonErasure {
  constructor(
    private readonly commands: CommandBus,
    @Inject(STORES) private readonly stores: Stores,
  ) {}

  async erase(
    parcoursId: string,
    reason: EventData<'PersonErased'>['reason'],
    who: Identity,
    headers: { correlationId: string; idempotencyKey?: string },
  ): Promise<CommandResult> {
    let result: CommandResult;
    try {
      result = await this.commands.execute(
        new ExecuteParcoursCommand(parcoursId, { type: 'ErasePerson', reason }, who, headers),
      );
    } catch (error) {
      if (codeOf(error) === 'PERSON_ERASED')
        await personKeysOf(this.stores).erase(parcoursId, reason, who.sub);
      throw error;
    }
    await personKeysOf(this.stores).erase(parcoursId, reason, who.sub);
    return result;
  }
}
