import { InvalidTokenError, signJwt, verifyJwt, VerifyOptions } from './jwt';

/**
 * Who calls, from the token's claims:
 * - `referent`: a référent unique, acting on the parcours they currently follow;
 * - `slai`: an agent of the SLAI of one territoire;
 * - `departement`: the Département's services, everything;
 * - `etat`: statistical extraction, indicators only, never a parcours;
 * - `system`: partner flows (CAF/MSA, France Travail);
 * - `dpo`: the data protection officer, who reads the audit of reads and the
 *   access reports, and nothing else personal.
 */
export const ROLES = ['referent', 'slai', 'departement', 'etat', 'system', 'dpo'] as const;
export type Role = (typeof ROLES)[number];

export interface Identity {
  sub: string;
  role: Role;
  referentId?: string;
  organisationId?: string;
  territory?: string;
}

export function identityFromClaims(claims: Record<string, unknown>): Identity {
  const { sub, role, referentId, organisationId, territory } = claims;
  if (typeof sub !== 'string' || sub.length === 0) throw new InvalidTokenError('claim sub is required');
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role))
    throw new InvalidTokenError('claim role is invalid');
  const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
  const identity: Identity = {
    sub,
    role: role as Role,
    referentId: str(referentId),
    organisationId: str(organisationId),
    territory: str(territory),
  };
  if (identity.role === 'referent' && (!identity.referentId || !identity.organisationId)) {
    throw new InvalidTokenError('a referent token needs referentId and organisationId');
  }
  if (identity.role === 'slai' && !identity.territory)
    throw new InvalidTokenError('a slai token needs territory');
  return identity;
}

/** The token of an `Authorization: Bearer …` header (compact JWS characters only, 4096 at most). */
export function bearerToken(authorization: string | undefined): string {
  const match = /^Bearer ([A-Za-z0-9_\-.]{1,4096})$/.exec(authorization ?? '');
  if (!match) throw new InvalidTokenError('missing bearer token');
  return match[1];
}

/** The identity of an HS256 bearer token signed with the local secret (development and tests). */
export function authenticate(
  authorization: string | undefined,
  secret: string,
  now?: Date,
  options: VerifyOptions = {},
): Identity {
  return identityFromClaims(verifyJwt(bearerToken(authorization), secret, now, options));
}

export function mintToken(
  identity: Identity,
  secret: string,
  ttlSeconds = 8 * 3600,
  now = new Date(),
): string {
  const iat = Math.floor(now.getTime() / 1000);
  return signJwt({ ...identity, iat, exp: iat + ttlSeconds }, secret);
}
