import { Module } from '@nestjs/common';
import { ParcoursWriteModule, PersonErasure, RetentionJob } from '@parcours/application';
import { AuditModule } from '../audit/audit.module';
import { DataQualityController } from '../data-quality/data-quality.controller';
import { RevisionsController } from '../data-quality/revisions.controller';
import { SimulationsController } from '../read/simulations.controller';
import { SanctionsController } from '../sanctions/sanctions.controller';
import { MetricsModule } from '../metrics/metrics.module';
import { ProjectionsController } from '../read/projections.controller';
import { ReadController } from '../read/read.controller';
import { ReferenceController } from '../reference/reference.controller';
import { PersonsController } from '../persons/persons.controller';
import { ParcoursController } from './parcours.controller';
import { CohortsController } from './cohorts.controller';
import { GetParcoursHandler, GetParcoursHistoryHandler } from './parcours.queries';

@Module({
  imports: [ParcoursWriteModule, AuditModule, MetricsModule],
  controllers: [
    ParcoursController,
    CohortsController,
    ReferenceController,
    ReadController,
    ProjectionsController,
    PersonsController,
    DataQualityController,
    RevisionsController,
    SimulationsController,
    SanctionsController,
  ],
  providers: [GetParcoursHandler, GetParcoursHistoryHandler, PersonErasure, RetentionJob],
})
export class ParcoursModule {}
