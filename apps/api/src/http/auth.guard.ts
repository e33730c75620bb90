import { CanActivate, createParamDecorator, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { authenticate, Identity, InvalidTokenError, Role } from '@parcours/auth';
import type { AppConfig } from '@parcours/config';
import { CLOCK, CONFIG } from '@parcours/runtime';
import { Problem } from './problem';

const PUBLIC = 'parcours:public';
const ROLES = 'parcours:roles';

/** A route anyone may call (health, readiness, API documentation). */
export const Public = () => SetMetadata(PUBLIC, true);

/** The roles allowed on a route; finer scope checks are done by the handlers. */
export const AllowRoles = (...roles: Role[]) => SetMetadata(ROLES, roles);

/** Every route needs a valid bearer token unless marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: () => Date,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string>; identity?: Identity }>();
    try {
      request.identity = authenticate(request.headers.authorization, this.config.jwtSecret, this.clock(), { maxLifetimeSeconds: this.config.jwtMaxLifetimeSeconds });
    } catch (error) {
      if (error instanceof InvalidTokenError) throw Problem.unauthenticated();
      throw error;
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(request.identity.role)) throw Problem.forbidden();
    return true;
  }
}

export const CurrentIdentity = createParamDecorator((_: unknown, ctx: ExecutionContext): Identity => {
  return ctx.switchToHttp().getRequest<{ identity: Identity }>().identity;
});
