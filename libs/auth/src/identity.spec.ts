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

  it.each([
    { name: 'a referentId for a référent', claims: { sub: 'u', role: 'referent' }, error: /referentId/ },
    { name: 'a territory for the SLAI', claims: { sub: 'u', role: 'slai' }, error: /territory/ },
    { name: 'a role Parcours knows', claims: { sub: 'u', role: 'king' }, error: /role/ },
  ])('requires the claims each role needs: $name', ({ claims, error }) => {
    expect(() => identityFromClaims(claims)).toThrow(error);
  });

  it('requires a subject in a signed token', () => {
    const exp = Math.floor(Date.now() / 1000) + 600;
    expect(() => authenticate(`Bearer ${signJwt({ role: 'etat', exp }, secret)}`, secret)).toThrow(/sub/);
  });

  describe('requires a numeric exp, and a lifetime within the maximum', () => {
    const now = new Date('2025-06-30T10:00:00Z');
    const iat = now.getTime() / 1000;
    const token = (claims: object) => `Bearer ${signJwt({ sub: 'u', role: 'etat', ...claims }, secret)}`;
    const capped = { maxLifetimeSeconds: 3600 };

    it.each([
      { name: 'no exp', claims: { iat }, options: undefined, error: /exp/ },
      {
        name: 'an exp that is a string',
        claims: { iat, exp: String(iat + 60) },
        options: undefined,
        error: /exp/,
      },
      {
        name: 'an iat that is not a number',
        claims: { iat: 'yesterday', exp: iat + 60 },
        options: undefined,
        error: /iat/,
      },
      {
        name: 'a lifetime above the maximum',
        claims: { iat, exp: iat + 7200 },
        options: capped,
        error: /longer/,
      },
      {
        name: 'a lifetime above the maximum, counted from now without iat',
        claims: { exp: iat + 7200 },
        options: capped,
        error: /longer/,
      },
      // A future iat would stretch a ten-year token under the cap.
      {
        name: 'an iat in the future',
        claims: { iat: iat + 10 * 365 * 86400 - 60, exp: iat + 10 * 365 * 86400 },
        options: capped,
        error: /future/,
      },
    ])('refuses $name', ({ claims, options, error }) => {
      expect(() => authenticate(token(claims), secret, now, options)).toThrow(error);
    });

    it('accepts a lifetime of exactly the maximum', () => {
      expect(authenticate(token({ iat, exp: iat + 3600 }), secret, now, capped)).toMatchObject({
        sub: 'u',
        role: 'etat',
      });
    });
  });
});
