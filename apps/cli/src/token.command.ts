import { Identity, identityFromClaims, InvalidTokenError, mintToken } from '@parcours/auth';
import type { AppConfig } from '@parcours/config';
import { UsageError } from './args';

export const TOKEN_USAGE = `token --role referent|slai|departement|etat|system [--sub ID] [--referent-id ID] [--organisation-id ID] [--territory CODE] [--ttl-hours N]
  Mints a bearer token signed with PARCOURS_JWT_SECRET, for local use and tests.`;

export function tokenCommand(options: Record<string, string>, config: AppConfig, now = new Date()): string {
  const ttlHours = Number(options['ttl-hours'] ?? '8');
  if (!Number.isFinite(ttlHours) || ttlHours <= 0 || ttlHours > 24 * 30) throw new UsageError('--ttl-hours must be between 0 and 720');
  let identity: Identity;
  try {
    identity = identityFromClaims({
      sub: options.sub ?? `${options.role}-cli`,
      role: options.role,
      referentId: options['referent-id'],
      organisationId: options['organisation-id'],
      territory: options.territory,
    });
  } catch (error) {
    if (error instanceof InvalidTokenError) throw new UsageError(error.message);
    throw error;
  }
  return mintToken(identity, config.jwtSecret, Math.round(ttlHours * 3600), now);
}
