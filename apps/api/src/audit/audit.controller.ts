import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { SqlClient } from '@parcours/event-store';
import { SQL } from '@parcours/runtime';
import { Problem } from '@parcours/application';
import { AllowRoles } from '../http/auth.guard';
import { Doc, DocumentRoles } from '../http/openapi';
import { AuditTrail } from './audit-trail';
import { AuditQuery } from './audit.dto';
import { queryAudit } from './audit.queries';

/**
 * Who read what: the audit of reads of personal data, for the DPO and the
 * Département's services. Reading it is not itself recorded (it names
 * parcours ids and agents, no person's data).
 */
@DocumentRoles()
@ApiBearerAuth()
@Controller('api/audit')
export class AuditController {
  constructor(
    @Inject(SQL) private readonly sql: SqlClient,
    private readonly trail: AuditTrail,
  ) {}

  @Doc(
    'audit',
    'Lister les consultations de données personnelles',
    'Qui a lu quel parcours, quand et par quelle route, filtrable par parcours, agent ' +
      "et période (heure de Paris). Paginé ; cette lecture n'est pas elle-même " +
      'journalisée. Refus : PERIOD_END_BEFORE_START (422).',
  )
  @Get()
  @AllowRoles('dpo', 'departement')
  async list(@Query() q: AuditQuery) {
    if (q.from && q.to && q.from > q.to) {
      throw new Problem({
        statusCode: 422,
        code: 'PERIOD_END_BEFORE_START',
        message: 'La période doit commencer avant de finir.',
        field: 'from',
      });
    }
    // Up to this instant, when the database takes the buffer; what it refuses stays buffered and is still shown next time.
    await this.trail.flush().catch(() => undefined);
    return queryAudit(
      this.sql,
      { parcoursId: q.parcoursId, actor: q.actor, from: q.from, to: q.to },
      { page: q.page, pageSize: q.pageSize },
    );
  }
}
