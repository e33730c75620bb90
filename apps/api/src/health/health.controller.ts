import { Controller, Get, HttpCode, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Stores } from '@parcours/event-store';
import type { Response } from 'express';
import { Public } from '../http/auth.guard';
import { failedProjections } from '../read/projections.controller';
import { STORES } from '@parcours/runtime';

/** Liveness and readiness for orchestrators; no authentication, no personal data. */
@Public()
@Controller()
export class HealthController {
  constructor(@Inject(STORES) private readonly stores: Stores) {}

  /** The process is up. */
  @Get('health')
  @HttpCode(HttpStatus.OK)
  health() {
    return { status: 'ok' };
  }

  /** The process can serve: the event store answers and is migrated, the read database answers, no projection has stopped. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response) {
    const checks: Record<string, string> = {};
    await this.check(checks, 'eventStore', () => this.stores.eventStore.ping());
    await this.check(checks, 'readDatabase', async () => {
      await this.stores.sql.query('select 1');
    });
    await this.check(checks, 'projections', async () => {
      const failed = await failedProjections(this.stores.sql);
      if (failed.length) throw new Error(failed.map((p) => `${p.name}: ${p.error}`).join('; '));
    });
    const ready = Object.values(checks).every((c) => c === 'ok');
    res.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ready ? 'ready' : 'not_ready', checks };
  }

  private async check(into: Record<string, string>, name: string, probe: () => Promise<void>) {
    try {
      await probe();
      into[name] = 'ok';
    } catch (error) {
      into[name] = `failed: ${(error as Error).message}`;
    }
  }
}
