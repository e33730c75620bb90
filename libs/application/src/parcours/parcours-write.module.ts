import { Module } from '@nestjs/common';
import { ReferenceCatalog } from '../reference-catalog';
import { ExecuteParcoursCommandHandler } from './execute-parcours-command';
import { IdempotencyKeys } from './idempotency-keys';
import { ParcoursRepository } from './parcours-repository';

/** The write path (command handler, repository, reference catalogue), shared by the HTTP API and the worker's partner flows. */
@Module({
  providers: [ParcoursRepository, ReferenceCatalog, IdempotencyKeys, ExecuteParcoursCommandHandler],
  exports: [ParcoursRepository, ReferenceCatalog],
})
export class ParcoursWriteModule {}
