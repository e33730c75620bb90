import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Identity } from '@parcours/auth';
import { CLOCK } from '@parcours/runtime';
import type { Request } from 'express';
import { mergeMap, Observable } from 'rxjs';
import { AuditTrail } from './audit-trail';
import { distinctParcoursIds, PERSONAL_DATA, ParcoursIdsOf, purposeOf } from './personal-data';

/**
 * Global: records every answer of a route marked @PersonalData before it is
 * sent. A read that returns no parcours is not recorded (nothing personal
 * left); one whose record cannot be kept is answered 503, never served.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly trail: AuditTrail,
    @Inject(CLOCK) private readonly clock: () => Date,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const parcoursIdsOf = this.reflector.get<ParcoursIdsOf | undefined>(PERSONAL_DATA, context.getHandler());
    if (!parcoursIdsOf || context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request & { identity?: Identity }>();
    const purpose = purposeOf(request.headers);
    const who = request.identity;
    // A personal route open to anyone would have nobody to record: a bug, refused.
    if (!who) throw new Error('a personal-data route without an authenticated caller');
    // A full buffer refuses the read before it is done.
    this.trail.assertAccepting();
    const route = (request.route as { path?: unknown } | undefined)?.path;
    if (typeof route !== 'string') throw new Error('a personal-data route without its pattern');
    return next.handle().pipe(
      mergeMap(async (result) => {
        const parcoursIds = distinctParcoursIds(
          parcoursIdsOf(result, request as { params: Record<string, string | undefined> }),
        );
        if (parcoursIds.length)
          await this.trail.record({
            at: this.clock(),
            who,
            method: request.method,
            route,
            purpose,
            parcoursIds,
          });
        return result;
      }),
    );
  }
}
