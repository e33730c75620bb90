import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { EventStore, SqlClient } from '@parcours/event-store';
import { UNDEFINED_TABLE } from '@parcours/projections';
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

type CheckpointRow = { name: string; position: string | null; status: string; error: string | null; events_processed: number; updated_at: string | null };

/** The checkpoint table, so it works whether the worker runs in this process or apart; empty before the worker created it. */
async function checkpoints(sql: SqlClient): Promise<CheckpointRow[]> {
  try {
    return await sql.query(`select name, position, status, error, events_processed, updated_at::text as updated_at from projection_checkpoints order by name`);
  } catch (error) {
    if ((error as { code?: string }).code === UNDEFINED_TABLE) return [];
    throw error;
  }
}

/** The projections stopped on an error, for readiness: no lag to count. */
export async function failedProjections(sql: SqlClient): Promise<{ name: string; error: string | null }[]> {
  return (await checkpoints(sql)).filter((r) => r.status === 'failed').map(({ name, error }) => ({ name, error }));
}

export async function projectionHealth(sql: SqlClient, store: EventStore): Promise<ProjectionHealth[]> {
  const rows = await checkpoints(sql);
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
