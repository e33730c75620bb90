import { authenticate, identityFromClaims, mintToken } from './identity';
import { InvalidTokenError, signJwt } from './jwt';

const secret = 'a-test-secret-of-at-least-32-characters!!';

describe('bearer tokens', () => {
  it('round-trips an identity', () => {
    const token = mintToken(
      { sub: 'u-1', role: 'referent', referentId: 'ref-1', organisationId: 'org-1' },
      secret,
    );
    expect(authenticate(`Bearer ${token}`, secret)).toEqual({
      sub: 'u-1',
      role: 'referent',
      referentId: 'ref-1',
      organisationId: 'org-1',
      territory: undefined,
    });
  });

  it.each([
    ['no header', undefined],
    ['another scheme', 'Basic abc'],
    ['garbage', 'Bearer a.b.c'],
  ])('refuses %s', (_, header) => {
    expect(() => authenticate(header, secret)).toThrow(InvalidTokenError);
  });

  it('refuses another secret, an expired token and the none algorithm', () => {
    const token = mintToken({ sub: 'u', role: 'departement' }, secret, 60, new Date('2025-01-01T00:00:00Z'));
    expect(() => authenticate(`Bearer ${token}`, 'another-secret-of-at-least-32-characters')).toThrow(
      /signature/,
    );
    expect(() => authenticate(`Bearer ${token}`, secret, new Date('2025-01-01T00:01:01Z'))).toThrow(
      /expired/,
    );
    const body = Buffer.from(JSON.stringify({ sub: 'u', role: 'departement' })).toString('base64url');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${body}.`;
    expect(() => authenticate(`Bearer ${none}`, secret)).toThrow(InvalidTokenError);
  });

  it('requires the claims each role needs', () => {
    expect(() => identityFromClaims({ sub: 'u', role: 'referent' })).toThrow(/referentId/);
    expect(() => identityFromClaims({ sub: 'u', role: 'slai' })).toThrow(/territory/);
    expect(() => identityFromClaims({ sub: 'u', role: 'king' })).toThrow(/role/);
    const exp = Math.floor(Date.now() / 1000) + 600;
    expect(() => authenticate(`Bearer ${signJwt({ role: 'etat', exp }, secret)}`, secret)).toThrow(/sub/);
  });

  it('requires a numeric exp, and a lifetime within the maximum', () => {
    const now = new Date('2025-06-30T10:00:00Z');
    const iat = now.getTime() / 1000;
    const token = (claims: object) => `Bearer ${signJwt({ sub: 'u', role: 'etat', ...claims }, secret)}`;
    expect(() => authenticate(token({ iat }), secret, now)).toThrow(/exp/);
    expect(() => authenticate(token({ iat, exp: String(iat + 60) }), secret, now)).toThrow(/exp/);
    expect(() => authenticate(token({ iat: 'yesterday', exp: iat + 60 }), secret, now)).toThrow(/iat/);
    expect(() =>
      authenticate(token({ iat, exp: iat + 7200 }), secret, now, { maxLifetimeSeconds: 3600 }),
    ).toThrow(/longer/);
    expect(() => authenticate(token({ exp: iat + 7200 }), secret, now, { maxLifetimeSeconds: 3600 })).toThrow(
      /longer/,
    );
    expect(
      authenticate(token({ iat, exp: iat + 3600 }), secret, now, { maxLifetimeSeconds: 3600 }),
    ).toMatchObject({ sub: 'u', role: 'etat' });
    // A future iat would stretch a ten-year token under the cap: refused.
    expect(() =>
      authenticate(token({ iat: iat + 10 * 365 * 86400 - 60, exp: iat + 10 * 365 * 86400 }), secret, now, {
        maxLifetimeSeconds: 3600,
      }),
    ).toThrow(/future/);
  });
});
