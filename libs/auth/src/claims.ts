import { Identity, identityFromClaims, Role, ROLES } from './identity';
import { InvalidTokenError } from './jwt';

/**
 * Where an identity provider puts what Parcours needs: each entry is a claim
 * path, dotted for a nested claim (Keycloak's `realm_access.roles`,
 * `resource_access.parcours-api.roles`).
 */
export interface ClaimMapping {
  /** The claim holding the role: a string, or an array of role names (Keycloak's realm roles). */
  role: string;
  /**
   * Provider role name → Parcours role. Without it, a provider role counts
   * when it is spelled as a Parcours role; with it, only the names it lists count.
   */
  roleMap?: Readonly<Record<string, Role>>;
  referentId: string;
  organisationId: string;
  territory: string;
}

export const DEFAULT_CLAIM_MAPPING: ClaimMapping = {
  role: 'role',
  referentId: 'referentId',
  organisationId: 'organisationId',
  territory: 'territory',
};

/** A claim path: names of letters, digits, `_`, `-` or `:`, joined by dots. */
export const CLAIM_PATH_PATTERN = /^[A-Za-z0-9_:-]+(\.[A-Za-z0-9_:-]+)*$/;

/** Names that would walk into an object's prototype rather than the token's own claims. */
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

export function isClaimPath(path: string): boolean {
  return CLAIM_PATH_PATTERN.test(path) && !path.split('.').some((segment) => FORBIDDEN_SEGMENTS.has(segment));
}

/** The value at a dotted path, own properties only; undefined when any step is missing. */
export function claimAt(claims: Record<string, unknown>, path: string): unknown {
  let current: unknown = claims;
  for (const segment of path.split('.')) {
    if (
      typeof current !== 'object' ||
      current === null ||
      Array.isArray(current) ||
      !Object.hasOwn(current, segment)
    )
      return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function parcoursRole(name: string, roleMap: ClaimMapping['roleMap']): Role | undefined {
  if (roleMap) return Object.hasOwn(roleMap, name) ? roleMap[name] : undefined;
  return (ROLES as readonly string[]).includes(name) ? (name as Role) : undefined;
}

/** A scope claim (referentId, organisationId, territory): a string, or a list holding exactly one. */
function single(claims: Record<string, unknown>, path: string): string | undefined {
  const value = claimAt(claims, path);
  if (Array.isArray(value)) {
    // A person attached to several organisations or territories: no single scope to act in, so no guess.
    if (value.length > 1) throw new InvalidTokenError(`claim ${path} has several values`);
    return typeof value[0] === 'string' ? value[0] : undefined;
  }
  return typeof value === 'string' ? value : undefined;
}

/**
 * The identity of a provider's verified claims. Provider roles that map to no
 * Parcours role are ignored (Keycloak adds `offline_access` and others); none
 * left, or two different Parcours roles, is refused rather than guessed.
 */
export function identityFromMappedClaims(
  claims: Record<string, unknown>,
  mapping: ClaimMapping = DEFAULT_CLAIM_MAPPING,
): Identity {
  const raw = claimAt(claims, mapping.role);
  const names =
    typeof raw === 'string'
      ? [raw]
      : Array.isArray(raw)
        ? raw.filter((n): n is string => typeof n === 'string')
        : [];
  const roles = new Set(
    names
      .map((name) => parcoursRole(name, mapping.roleMap))
      .filter((role): role is Role => role !== undefined),
  );
  if (roles.size === 0) throw new InvalidTokenError(`claim ${mapping.role} names no Parcours role`);
  if (roles.size > 1)
    throw new InvalidTokenError(
      `claim ${mapping.role} names several Parcours roles (${[...roles].join(', ')})`,
    );
  return identityFromClaims({
    sub: claims.sub,
    role: [...roles][0],
    referentId: single(claims, mapping.referentId),
    organisationId: single(claims, mapping.organisationId),
    territory: single(claims, mapping.territory),
  });
}
