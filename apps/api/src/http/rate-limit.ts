import { DynamicModule, ExecutionContext, Injectable, Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerLimitDetail, ThrottlerModule, ThrottlerRequest } from '@nestjs/throttler';
import type { Identity } from '@parcours/auth';
import type { AppConfig } from '@parcours/config';
import type { Response } from 'express';
import { Problem } from '@parcours/application';
import { isConsoleForward } from '../console/forward-marker';

/**
 * Rate limits with @nestjs/throttler, counted on every route together:
 * - per client address, before authentication, so that floods of bad tokens count too;
 * - per identity (the verified token's sub), after authentication, so that a
 *   forged sub cannot open a fresh budget.
 * Counters live in the process: with several instances, each counts its own.
 */
const BY_IP = 'ip';
const BY_IDENTITY = 'identity';

/** The throttler's settings; imported by the application module when PARCOURS_RATE_LIMIT is on. */
export function rateLimitModule(config: AppConfig): DynamicModule {
  const ttl = config.rateLimit.windowSeconds * 1000;
  return ThrottlerModule.forRoot({
    throttlers: [
      { name: BY_IP, ttl, limit: config.rateLimit.perIp },
      { name: BY_IDENTITY, ttl, limit: config.rateLimit.perIdentity },
    ],
    // No X-RateLimit-*-ip headers on every answer; a refusal says Retry-After.
    setHeaders: false,
  });
}

abstract class RateLimitGuard extends ThrottlerGuard {
  protected abstract readonly throttlerName: string;

  /** Each guard applies its own throttler only: the two run on either side of the authentication. */
  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    if (request.throttler.name !== this.throttlerName) return true;
    return super.handleRequest(request);
  }

  /** One counter per tracker across every route (the default counts each route apart). */
  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return `${name}:${tracker}`;
  }

  /** 429 in the product's Problem shape, in French, with Retry-After. */
  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const seconds = Math.max(1, detail.timeToBlockExpire);
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(seconds));
    throw new Problem({
      statusCode: 429,
      code: 'RATE_LIMITED',
      message: `Trop de requêtes : réessayez dans ${seconds} seconde${seconds > 1 ? 's' : ''}.`,
    });
  }
}

@Injectable()
export class IpRateLimitGuard extends RateLimitGuard {
  protected readonly throttlerName = BY_IP;

  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    // The console's forwarded reads: counted by their agent's address on /console/api, by identity here.
    if (isConsoleForward(request.context.switchToHttp().getRequest())) return true;
    return super.handleRequest(request);
  }
}

@Injectable()
export class IdentityRateLimitGuard extends RateLimitGuard {
  protected readonly throttlerName = BY_IDENTITY;

  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    // Public routes carry no verified identity: the address limit alone applies.
    if (!this.identityOf(request.context)) return true;
    return super.handleRequest(request);
  }

  protected override async getTracker(req: { identity?: Identity }): Promise<string> {
    return req.identity!.sub;
  }

  private identityOf(context: ExecutionContext): Identity | undefined {
    return context.switchToHttp().getRequest<{ identity?: Identity }>().identity;
  }
}

/**
 * The global guards in their order: the address limit, then the
 * authentication (`auth`), then the identity limit. Without rate limiting, the
 * authentication alone.
 */
export function guardsAround(config: AppConfig, auth: Provider): Provider[] {
  if (!config.rateLimit.enabled) return [auth];
  return [
    { provide: APP_GUARD, useClass: IpRateLimitGuard },
    auth,
    { provide: APP_GUARD, useClass: IdentityRateLimitGuard },
  ];
}
