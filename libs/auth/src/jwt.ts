import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Minimal HS256 JSON Web Tokens (RFC 7519), for development and tests: tokens
 * signed with a local secret. Production tokens come from the Département's
 * identity provider (oidc.ts), and HS256 is refused there. Only HS256 is
 * accepted here: a token announcing any other algorithm (including "none") is refused.
 */
export class InvalidTokenError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidTokenError';
  }
}

const b64url = (input: Buffer | string): string => Buffer.from(input).toString('base64url');

function signature(secret: string, signingInput: string): string {
  return createHmac('sha256', secret).update(signingInput).digest('base64url');
}

export function signJwt(payload: Record<string, unknown>, secret: string): string {
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(payload));
  return `${header}.${body}.${signature(secret, `${header}.${body}`)}`;
}

export interface VerifyOptions {
  /** Longest lifetime accepted: exp − iat (or exp − now without iat), in seconds. */
  maxLifetimeSeconds?: number;
}

/** A NumericDate claim (RFC 7519 §2): a finite number of seconds. */
const isNumericDate = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function verifyJwt(
  token: string,
  secret: string,
  now: Date = new Date(),
  options: VerifyOptions = {},
): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3) throw new InvalidTokenError('malformed token');
  const [header, body, sig] = parts;
  let parsedHeader: { alg?: unknown };
  let payload: Record<string, unknown>;
  try {
    parsedHeader = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidTokenError('malformed token');
  }
  if (parsedHeader?.alg !== 'HS256') throw new InvalidTokenError('unsupported algorithm');
  const expected = Buffer.from(signature(secret, `${header}.${body}`));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    throw new InvalidTokenError('bad signature');
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
    throw new InvalidTokenError('malformed claims');
  const nowSeconds = Math.floor(now.getTime() / 1000);
  // A token without a numeric expiry would be valid for ever: refused.
  if (!isNumericDate(payload.exp)) throw new InvalidTokenError('claim exp must be a number');
  if (payload.exp <= nowSeconds) throw new InvalidTokenError('token expired');
  for (const claim of ['nbf', 'iat'] as const) {
    if (payload[claim] !== undefined && !isNumericDate(payload[claim]))
      throw new InvalidTokenError(`claim ${claim} must be a number`);
  }
  if (isNumericDate(payload.nbf) && payload.nbf > nowSeconds)
    throw new InvalidTokenError('token not yet valid');
  checkLifetime(payload, nowSeconds, options);
  return payload;
}

/**
 * The lifetime rules every bearer token follows, whoever signed it: not issued
 * in the future, and living no longer than the maximum. `exp` and `iat`, when
 * present, are already known to be numbers.
 */
export function checkLifetime(
  payload: { exp?: unknown; iat?: unknown },
  nowSeconds: number,
  options: VerifyOptions = {},
): void {
  if (!isNumericDate(payload.exp)) throw new InvalidTokenError('claim exp must be a number');
  // A token issued in the future (beyond a minute of clock skew) would stretch its lifetime: refused.
  if (isNumericDate(payload.iat) && payload.iat > nowSeconds + 60)
    throw new InvalidTokenError('token issued in the future');
  if (options.maxLifetimeSeconds !== undefined) {
    const issued = isNumericDate(payload.iat) ? payload.iat : nowSeconds;
    if (payload.exp - issued > options.maxLifetimeSeconds)
      throw new InvalidTokenError('token lives longer than allowed');
  }
}
