import { createRemoteJWKSet, errors, jwtVerify, JWTPayload, JWTVerifyGetKey } from 'jose';
import { ClaimMapping, DEFAULT_CLAIM_MAPPING, identityFromMappedClaims } from './claims';
import { Identity } from './identity';
import { checkLifetime, InvalidTokenError } from './jwt';
import { IdentityProviderUnavailableError, TokenVerifier } from './verifier';

/** The asymmetric algorithms accepted from an identity provider; never HS256 nor "none". */
export const OIDC_ALGORITHMS = ['RS256', 'ES256'] as const;
export type OidcAlgorithm = (typeof OIDC_ALGORITHMS)[number];

export interface OidcOptions {
  /** The provider's issuer (`iss`), e.g. https://sso.departement.fr/realms/parcours. */
  issuer: string;
  /** Accepted audiences (`aud`): the token must name one of them. */
  audience: readonly string[];
  /** The key set; without it, the `jwks_uri` of the issuer's `.well-known/openid-configuration`. */
  jwksUri?: string;
  algorithms?: readonly OidcAlgorithm[];
  claims?: ClaimMapping;
  /** Longest lifetime accepted: exp − iat (or exp − now without iat), in seconds. */
  maxLifetimeSeconds?: number;
  /** Clock skew tolerated on exp and nbf, in seconds (default 30). */
  clockToleranceSeconds?: number;
  /** Shortest pause between two fetches of the key set for an unknown `kid`, in seconds (default 30). */
  jwksCooldownSeconds?: number;
  /** The key set is fetched again after this long even when every kid is known, in seconds (default 600). */
  jwksCacheMaxAgeSeconds?: number;
  /** Timeout of a request to the provider, in milliseconds (default 5000). */
  timeoutMs?: number;
}

/** After a failed discovery, requests are answered "unavailable" this long before it is tried again. */
const DISCOVERY_RETRY_MS = 5000;

/** The key-set errors that say "this token names no key we have": a refused token, not an absent provider. */
const isNoKeyError = (error: unknown) =>
  error instanceof errors.JWKSNoMatchingKey ||
  error instanceof errors.JWKSMultipleMatchingKeys ||
  error instanceof errors.JOSENotSupported;

/**
 * Bearer tokens of the Département's OpenID Connect provider (Keycloak,
 * ProConnect): signature checked with `jose` against the provider's JWKS
 * (cached; an unknown `kid` fetches the set again, at most once per cooldown,
 * which picks up a key rotation), then issuer, audience, expiry and the
 * lifetime cap, then the claims mapped to a Parcours identity.
 */
export class OidcVerifier implements TokenVerifier {
  private keys?: Promise<JWTVerifyGetKey>;
  private discoveryFailedAt = -Infinity;
  private readonly algorithms: string[];
  private readonly mapping: ClaimMapping;

  constructor(
    private readonly options: OidcOptions,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.algorithms = [...(options.algorithms ?? OIDC_ALGORITHMS)];
    this.mapping = options.claims ?? DEFAULT_CLAIM_MAPPING;
    if (options.jwksUri) this.keys = Promise.resolve(this.remoteKeySet(options.jwksUri));
  }

  async verify(token: string): Promise<Identity> {
    const now = this.clock();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await this.keySet(), {
        issuer: this.options.issuer,
        audience: [...this.options.audience],
        algorithms: this.algorithms,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: this.options.clockToleranceSeconds ?? 30,
        currentDate: now,
      }));
    } catch (error) {
      if (error instanceof errors.JOSEError) throw new InvalidTokenError(error.message);
      throw error;
    }
    checkLifetime(payload, Math.floor(now.getTime() / 1000), {
      maxLifetimeSeconds: this.options.maxLifetimeSeconds,
    });
    return identityFromMappedClaims(payload as Record<string, unknown>, this.mapping);
  }

  private keySet(): Promise<JWTVerifyGetKey> {
    if (this.keys) return this.keys;
    if (Date.now() - this.discoveryFailedAt < DISCOVERY_RETRY_MS) {
      return Promise.reject(
        new IdentityProviderUnavailableError('the discovery of the identity provider failed a moment ago'),
      );
    }
    const pending = this.discoverJwksUri().then((uri) => this.remoteKeySet(uri));
    this.keys = pending;
    pending.catch(() => {
      this.keys = undefined;
      this.discoveryFailedAt = Date.now();
    });
    return pending;
  }

  /** OpenID Connect Discovery 1.0 §4: the document must name the same issuer. */
  private async discoverJwksUri(): Promise<string> {
    const url = `${this.options.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    let document: { issuer?: unknown; jwks_uri?: unknown };
    try {
      const res = await fetch(url, {
        headers: { accept: 'application/json' },
        redirect: 'error',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      document = (await res.json()) as typeof document;
    } catch (error) {
      throw new IdentityProviderUnavailableError(
        `discovery at ${url} failed: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    if (document?.issuer !== this.options.issuer) {
      throw new IdentityProviderUnavailableError(
        `discovery at ${url} names issuer ${JSON.stringify(document?.issuer)}, not ${this.options.issuer}`,
      );
    }
    const jwksUri = document.jwks_uri;
    if (typeof jwksUri !== 'string' || !URL.canParse(jwksUri))
      throw new IdentityProviderUnavailableError(`discovery at ${url} has no valid jwks_uri`);
    // The keys are fetched as securely as the issuer: an https issuer never sends us to plain http.
    if (new URL(this.options.issuer).protocol === 'https:' && new URL(jwksUri).protocol !== 'https:') {
      throw new IdentityProviderUnavailableError(`discovery at ${url} names a jwks_uri that is not https`);
    }
    return jwksUri;
  }

  /** jose's remote key set, whose fetch failures become "unavailable" (503) rather than "invalid token" (401). */
  private remoteKeySet(jwksUri: string): JWTVerifyGetKey {
    const remote = createRemoteJWKSet(new URL(jwksUri), {
      cooldownDuration: (this.options.jwksCooldownSeconds ?? 30) * 1000,
      cacheMaxAge: (this.options.jwksCacheMaxAgeSeconds ?? 600) * 1000,
      timeoutDuration: this.options.timeoutMs ?? 5000,
    });
    return async (header, token) => {
      try {
        return await remote(header, token);
      } catch (error) {
        if (isNoKeyError(error)) throw error;
        throw new IdentityProviderUnavailableError(
          `the key set at ${jwksUri} could not be fetched: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      }
    };
  }
}
