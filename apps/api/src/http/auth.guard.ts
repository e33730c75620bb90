import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  Inject,
  Injectable,
  Logger,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  authenticateWith,
  Identity,
  IdentityProviderUnavailableError,
  InvalidTokenError,
  Role,
  TokenVerifier,
} from '@parcours/auth';
import type { AppConfig } from '@parcours/config';
import { CLOCK, CONFIG } from '@parcours/runtime';
import { Problem } from '@parcours/application';
import { tokenVerifierOf } from './token-verifier';

const PUBLIC = 'parcours:public';
const ROLES = 'parcours:roles';

/** A route anyone may call (health, readiness, API documentation). */
export const Public = () => SetMetadata(PUBLIC, true);

/** The roles allowed on a route; finer scope checks are done by the handlers. */
export const AllowRoles = (...roles: Role[]) => SetMetadata(ROLES, roles);

/**
 * Every route needs a valid bearer token unless marked @Public(): one of the
 * identity provider (OIDC), or outside production one signed with the local
 * HS256 secret.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('auth');
  private readonly verifier: TokenVerifier;

  constructor(
    private readonly reflector: Reflector,
    @Inject(CONFIG) config: AppConfig,
    @Inject(CLOCK) clock: () => Date,
  ) {
    this.verifier = tokenVerifierOf(config, clock);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const request = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string>; identity?: Identity }>();
    try {
      request.identity = await authenticateWith(this.verifier, request.headers.authorization);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw Problem.unauthenticated();
      if (error instanceof IdentityProviderUnavailableError) {
        // Neither accepted nor refused: the client may retry (the filter adds Retry-After to a 503).
        this.logger.warn(error.message);
        throw new Problem({
          statusCode: 503,
          code: 'IDENTITY_PROVIDER_UNAVAILABLE',
          message:
            "Le fournisseur d'identité est momentanément injoignable : réessayez dans quelques secondes.",
        });
      }
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
