import { Module } from '@nestjs/common';
import { ReferenceCatalog } from '../reference/reference-catalog';
import { ReferenceController } from '../reference/reference.controller';
import { ProjectionsController } from '../read/projections.controller';
import { ReadController } from '../read/read.controller';
import { ExecuteParcoursCommandHandler } from './execute-parcours-command';
import { ParcoursController } from './parcours.controller';
import { GetParcoursHandler, GetParcoursHistoryHandler } from './parcours.queries';
import { ParcoursRepository } from './parcours-repository';

@Module({
  controllers: [ParcoursController, ReferenceController, ReadController, ProjectionsController],
  providers: [ParcoursRepository, ReferenceCatalog, ExecuteParcoursCommandHandler, GetParcoursHandler, GetParcoursHistoryHandler],
  exports: [ParcoursRepository, ReferenceCatalog],
})
export class ParcoursModule {}
