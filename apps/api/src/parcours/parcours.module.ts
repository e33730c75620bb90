import { Module } from '@nestjs/common';
import { ProjectionsController } from '../read/projections.controller';
import { ReadController } from '../read/read.controller';
import { ReferenceController } from '../reference/reference.controller';
import { ParcoursController } from './parcours.controller';
import { GetParcoursHandler, GetParcoursHistoryHandler } from './parcours.queries';
import { ParcoursWriteModule } from './parcours-write.module';

@Module({
  imports: [ParcoursWriteModule],
  controllers: [ParcoursController, ReferenceController, ReadController, ProjectionsController],
  providers: [GetParcoursHandler, GetParcoursHistoryHandler],
})
export class ParcoursModule {}
