import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { EventStore, SqlClient } from '@parcours/event-store';
import { EVENT_STORE, SQL } from '@parcours/runtime';
import { AllowRoles } from '../http/auth.guard';

export interface ProjectionHealth {
  name: string;
  status: string;
  position: string | null;
  eventsBehind: number;
  eventsProcessed: number;
  error: string | null;
  updatedAt: string | null;
}

/** Read from the checkpoint table, so it works whether the worker runs in this process or apart. */
export async function projectionHealth(sql: SqlClient, store: EventStore): Promise<ProjectionHealth[]> {
  let rows: { name: string; position: string | null; status: string; error: string | null; events_processed: number; updated_at: string | null }[];
  try {
    rows = await sql.query(`select name, position, status, error, events_processed, updated_at::text as updated_at from projection_checkpoints order by name`);
  } catch {
    return [];
  }
  return Promise.all(
    rows.map(async (r) => ({
      name: r.name,
      status: r.status,
      position: r.position,
      eventsBehind: await store.countAfter(r.position ?? undefined),
      eventsProcessed: Number(r.events_processed),
      error: r.error,
      updatedAt: r.updated_at,
    })),
  );
}

@ApiTags('read models')
@ApiBearerAuth()
@Controller('api/projections')
@AllowRoles('departement')
export class ProjectionsController {
  constructor(
    @Inject(SQL) private readonly sql: SqlClient,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /** Each projection's position, lag (events behind) and error, if it stopped. */
  @Get()
  status() {
    return projectionHealth(this.sql, this.store);
  }
}
