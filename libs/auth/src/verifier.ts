import { bearerToken, Identity, identityFromClaims } from './identity';
import { InvalidTokenError, verifyJwt, VerifyOptions } from './jwt';

/**
 * The port through which the API learns who calls: a bearer token in, an
 * identity out, or InvalidTokenError (401) / IdentityProviderUnavailableError (503).
 */
export interface TokenVerifier {
  verify(token: string): Promise<Identity>;
}

/** The keys of the identity provider could not be had: the token is neither accepted nor refused. */
export class IdentityProviderUnavailableError extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'IdentityProviderUnavailableError';
  }
}

/** HS256 tokens signed with the local secret: development and tests only (config refuses it in production). */
export class Hs256Verifier implements TokenVerifier {
  constructor(
    private readonly secret: string,
    private readonly clock: () => Date = () => new Date(),
    private readonly options: VerifyOptions = {},
  ) {}

  async verify(token: string): Promise<Identity> {
    return identityFromClaims(verifyJwt(token, this.secret, this.clock(), this.options));
  }
}

/** The `alg` of a compact JWS's header, unverified: only to choose the verifier, which checks it again. */
export function tokenAlgorithm(token: string): string {
  const [header] = token.split('.');
  try {
    const alg = (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: unknown } | null)
      ?.alg;
    if (typeof alg === 'string') return alg;
  } catch {
    // fall through: malformed
  }
  throw new InvalidTokenError('malformed token');
}

/**
 * Sends an HS256 token to the local verifier and any other to the identity
 * provider's; a missing verifier refuses. Each verifier keeps its own
 * algorithm list, so a token cannot choose to be checked with the wrong key.
 */
export class TokenVerifiers implements TokenVerifier {
  constructor(private readonly verifiers: { hs256?: TokenVerifier; oidc?: TokenVerifier }) {}

  async verify(token: string): Promise<Identity> {
    const alg = tokenAlgorithm(token);
    const verifier = alg === 'HS256' ? this.verifiers.hs256 : this.verifiers.oidc;
    if (!verifier)
      throw new InvalidTokenError(
        alg === 'HS256' ? 'HS256 tokens are not accepted' : 'unsupported algorithm',
      );
    return verifier.verify(token);
  }
}

/** The identity of an `Authorization: Bearer …` header. */
export async function authenticateWith(
  verifier: TokenVerifier,
  authorization: string | undefined,
): Promise<Identity> {
  return verifier.verify(bearerToken(authorization));
}
