import { Hs256Verifier, OidcVerifier, TokenVerifier, TokenVerifiers } from '@parcours/auth';
import type { AppConfig } from '@parcours/config';

/**
 * One verifier per application (its configuration object), shared by the
 * guard and the readiness probe so that the provider's key set is fetched and
 * cached once. HS256 with the local secret only outside production; the
 * identity provider's tokens whenever it is configured.
 */
const verifiers = new WeakMap<AppConfig, TokenVerifier>();

export function tokenVerifierOf(config: AppConfig, clock: () => Date): TokenVerifier {
  let verifier = verifiers.get(config);
  if (!verifier) {
    const maxLifetimeSeconds = config.jwtMaxLifetimeSeconds;
    verifier = new TokenVerifiers({
      hs256: config.hs256Enabled
        ? new Hs256Verifier(config.jwtSecret, clock, { maxLifetimeSeconds })
        : undefined,
      oidc: config.oidc ? new OidcVerifier({ ...config.oidc, maxLifetimeSeconds }, clock) : undefined,
    });
    verifiers.set(config, verifier);
  }
  return verifier;
}
