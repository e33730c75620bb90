import { claimAt, identityFromMappedClaims, isClaimPath } from './claims';
import { mintToken } from './identity';
import { InvalidTokenError } from './jwt';
import { authenticateWith, Hs256Verifier, TokenVerifier, TokenVerifiers } from './verifier';

const secret = 'a-test-secret-of-at-least-32-characters!!';
const NOW = new Date('2025-06-30T10:00:00Z');

describe('choosing the verifier of a token', () => {
  const oidc: TokenVerifier = { verify: async () => ({ sub: 'from-oidc', role: 'etat' }) };
  const hs256 = new Hs256Verifier(secret, () => NOW, { maxLifetimeSeconds: 3600 });
  const rs256Header = Buffer.from('{"alg":"RS256","kid":"k"}').toString('base64url');

  it('sends HS256 to the local secret and anything else to the provider', async () => {
    const both = new TokenVerifiers({ hs256, oidc });
    await expect(
      authenticateWith(both, `Bearer ${mintToken({ sub: 'dev', role: 'departement' }, secret, 600, NOW)}`),
    ).resolves.toMatchObject({ sub: 'dev' });
    await expect(both.verify(`${rs256Header}.e30.c2ln`)).resolves.toMatchObject({ sub: 'from-oidc' });
  });

  it('refuses HS256 when only the provider is configured (production), and other algorithms without a provider', async () => {
    await expect(
      new TokenVerifiers({ oidc }).verify(mintToken({ sub: 'dev', role: 'departement' }, secret, 600, NOW)),
    ).rejects.toThrow(/HS256/);
    await expect(new TokenVerifiers({ hs256 }).verify(`${rs256Header}.e30.c2ln`)).rejects.toThrow(
      /algorithm/,
    );
  });

  it.each([
    ['no header', undefined],
    ['garbage', 'Bearer a.b.c'],
    ['a header that is not JSON', 'Bearer bm9wZQ.e30.'],
  ])('refuses %s', async (_, header) => {
    await expect(authenticateWith(new TokenVerifiers({ hs256, oidc }), header)).rejects.toThrow(
      InvalidTokenError,
    );
  });

  it('keeps the lifetime cap of HS256 tokens', async () => {
    await expect(
      hs256.verify(mintToken({ sub: 'dev', role: 'departement' }, secret, 7200, NOW)),
    ).rejects.toThrow(/longer/);
  });
});

describe('claim mapping', () => {
  it('reads nested claims, own properties only', () => {
    expect(claimAt({ realm_access: { roles: ['a'] } }, 'realm_access.roles')).toEqual(['a']);
    expect(claimAt({ a: 'x' }, 'a.length')).toBeUndefined();
    expect(claimAt({}, 'toString')).toBeUndefined();
    expect(isClaimPath('resource_access.parcours-api.roles')).toBe(true);
    expect(isClaimPath('a.__proto__.b')).toBe(false);
    expect(isClaimPath('https://example.fr/role')).toBe(false);
  });

  it('takes a role spelled as a Parcours role without a map, and a single-valued scope', () => {
    expect(
      identityFromMappedClaims({ sub: 'u', role: ['uma_authorization', 'slai'], territory: ['CALAISIS'] }),
    ).toEqual({
      sub: 'u',
      role: 'slai',
      referentId: undefined,
      organisationId: undefined,
      territory: 'CALAISIS',
    });
  });

  it('refuses a scope with several values, a missing scope and a role named only by the prototype', () => {
    expect(() =>
      identityFromMappedClaims({ sub: 'u', role: 'slai', territory: ['CALAISIS', 'ARRAGEOIS'] }),
    ).toThrow(/several values/);
    expect(() => identityFromMappedClaims({ sub: 'u', role: 'referent', referentId: 'r' })).toThrow(
      /organisationId/,
    );
    const mapping = {
      role: 'role',
      roleMap: { agent: 'referent' as const },
      referentId: 'referentId',
      organisationId: 'organisationId',
      territory: 'territory',
    };
    expect(() => identityFromMappedClaims({ sub: 'u', role: 'constructor' }, mapping)).toThrow(
      /no Parcours role/,
    );
  });
});
