import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { MetricsModule } from '../metrics/metrics.module';
import { ProjectionsController } from '../read/projections.controller';
import { ReadController } from '../read/read.controller';
import { ReferenceController } from '../reference/reference.controller';
import { PersonErasure } from '../persons/erasure';
import { PersonsController } from '../persons/persons.controller';
import { RetentionJob } from '../persons/retention';
import { ParcoursController } from './parcours.controller';
import { GetParcoursHandler, GetParcoursHistoryHandler } from './parcours.queries';
import { ParcoursWriteModule } from './parcours-write.module';

@Module({
  imports: [ParcoursWriteModule, AuditModule, MetricsModule],
  controllers: [
    ParcoursController,
    ReferenceController,
    ReadController,
    ProjectionsController,
    PersonsController,
  ],
  providers: [GetParcoursHandler, GetParcoursHistoryHandler, PersonErasure, RetentionJob],
})
export class ParcoursModule {}
