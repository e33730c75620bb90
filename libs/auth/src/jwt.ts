import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Minimal HS256 JSON Web Tokens (RFC 7519), enough for bearer tokens signed
 * with the Département's secret. Only HS256 is accepted: a token announcing
 * any other algorithm (including "none") is refused.
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

export function verifyJwt(token: string, secret: string, now: Date = new Date()): Record<string, unknown> {
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
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new InvalidTokenError('bad signature');
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) throw new InvalidTokenError('malformed claims');
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (typeof payload.exp === 'number' && payload.exp <= nowSeconds) throw new InvalidTokenError('token expired');
  if (typeof payload.nbf === 'number' && payload.nbf > nowSeconds) throw new InvalidTokenError('token not yet valid');
  return payload;
}
