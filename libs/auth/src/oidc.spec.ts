import { exportSPKI, SignJWT } from 'jose';
import { InvalidTokenError } from './jwt';
import { OidcOptions, OidcVerifier } from './oidc';
import { FakeOidcProvider, signingKey, SigningKey } from './testing/oidc-provider';
import { IdentityProviderUnavailableError } from './verifier';

/** "Today" of the verifier: tokens are issued by this clock, not the machine's. */
const NOW = new Date('2025-06-30T10:00:00Z');
const NOW_S = NOW.getTime() / 1000;
const AUDIENCE = 'parcours-api';

describe('bearer tokens of an OpenID Connect provider', () => {
  const provider = new FakeOidcProvider(AUDIENCE, () => NOW);
  let rsa: SigningKey;
  let ec: SigningKey;
  const verifier = (over: Partial<OidcOptions> = {}) =>
    new OidcVerifier(
      {
        issuer: provider.issuer,
        audience: [AUDIENCE],
        jwksUri: provider.jwksUri,
        maxLifetimeSeconds: 3600,
        ...over,
      },
      () => NOW,
    );

  beforeAll(async () => {
    await provider.start();
    [rsa, ec] = await Promise.all([signingKey('rsa-1', 'RS256'), signingKey('ec-1', 'ES256')]);
  });
  beforeEach(() => {
    provider.keys = [rsa, ec];
    provider.jwksFetches = 0;
    provider.discoveryIssuer = undefined;
  });
  afterAll(() => provider.stop());

  it('accepts RS256 and ES256 tokens signed with a key of the set, fetching the set once', async () => {
    const v = verifier();
    await expect(v.verify(await provider.token(rsa))).resolves.toEqual({
      sub: 'agent-42',
      role: 'departement',
      referentId: undefined,
      organisationId: undefined,
      territory: undefined,
    });
    await expect(
      v.verify(await provider.token(ec, { role: 'slai', territory: 'ARRAGEOIS' })),
    ).resolves.toMatchObject({ role: 'slai', territory: 'ARRAGEOIS' });
    expect(provider.jwksFetches).toBe(1);
  });

  it('finds the key set through the discovery document of the issuer', async () => {
    const v = verifier({ jwksUri: undefined });
    await expect(v.verify(await provider.token(rsa))).resolves.toMatchObject({ sub: 'agent-42' });
    expect(provider.jwksFetches).toBe(1);
  });

  it('refuses a discovery document naming another issuer, as an unavailable provider', async () => {
    provider.discoveryIssuer = 'https://attacker.example/realms/cd62';
    await expect(verifier({ jwksUri: undefined }).verify(await provider.token(rsa))).rejects.toThrow(
      IdentityProviderUnavailableError,
    );
    expect(provider.jwksFetches).toBe(0);
  });

  it('picks up a key rotated in after the first fetch (a new kid fetches the set again)', async () => {
    const v = verifier({ jwksCooldownSeconds: 0 });
    provider.keys = [rsa];
    await v.verify(await provider.token(rsa));
    const rotated = await signingKey('rsa-2', 'RS256');
    provider.keys = [rotated];
    await expect(v.verify(await provider.token(rotated, { role: 'etat' }))).resolves.toMatchObject({
      role: 'etat',
    });
    expect(provider.jwksFetches).toBe(2);
    // The retired key is gone from the refreshed set.
    await expect(v.verify(await provider.token(rsa))).rejects.toThrow(InvalidTokenError);
  });

  it('refuses an unknown kid after one refetch, and refetches at most once per cooldown', async () => {
    const v = verifier({ jwksCooldownSeconds: 0.2 });
    await v.verify(await provider.token(rsa));
    await new Promise((r) => setTimeout(r, 250));
    const stranger = await signingKey('not-in-the-set', 'RS256');
    await expect(v.verify(await provider.token(stranger))).rejects.toThrow(InvalidTokenError);
    expect(provider.jwksFetches).toBe(2);
    // A burst of forged kids within the cooldown costs the provider nothing.
    for (const kid of ['forged-1', 'forged-2', 'forged-3']) {
      await expect(v.verify(await provider.token({ ...stranger, kid }))).rejects.toThrow(InvalidTokenError);
    }
    expect(provider.jwksFetches).toBe(2);
  });

  it('refuses a token signed by a key the set does not hold under a known kid', async () => {
    const impostor = await signingKey('rsa-1', 'RS256');
    await expect(verifier().verify(await provider.token(impostor))).rejects.toThrow(/signature/);
  });

  it.each([
    ['another issuer', { issuer: 'https://sso.example/realms/other' }, /iss/],
    ['another audience', { audience: 'another-api' }, /aud/],
    ['an expired token', { iat: NOW_S - 3600, exp: NOW_S - 60 }, /exp/],
    ['a token living longer than the maximum', { iat: NOW_S, exp: NOW_S + 7200 }, /longer/],
    ['a token issued in the future', { iat: NOW_S + 600, exp: NOW_S + 900 }, /future/],
  ])('refuses %s', async (_, over, reason) => {
    const token = await provider.token(rsa, {}, over);
    await expect(verifier().verify(token)).rejects.toThrow(InvalidTokenError);
    await expect(verifier().verify(token)).rejects.toThrow(reason);
  });

  it('refuses a token without exp', async () => {
    const token = await new SignJWT({ role: 'departement' })
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
      .setSubject('a')
      .setIssuer(provider.issuer)
      .setAudience(AUDIENCE)
      .sign(rsa.privateKey);
    await expect(verifier().verify(token)).rejects.toThrow(/exp/);
  });

  it('refuses alg none and HS256, even keyed with the public key, without fetching any key', async () => {
    const v = verifier();
    const body = Buffer.from(
      JSON.stringify({ sub: 'x', role: 'departement', iss: provider.issuer, aud: AUDIENCE, exp: NOW_S + 60 }),
    ).toString('base64url');
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${body}.`;
    await expect(v.verify(none)).rejects.toThrow(InvalidTokenError);
    const pem = new TextEncoder().encode(await exportSPKI(rsa.publicKey));
    const confused = await new SignJWT({ role: 'departement' })
      .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
      .setSubject('x')
      .setIssuer(provider.issuer)
      .setAudience(AUDIENCE)
      .setIssuedAt(NOW_S)
      .setExpirationTime(NOW_S + 60)
      .sign(pem);
    await expect(v.verify(confused)).rejects.toThrow(/alg/);
    expect(provider.jwksFetches).toBe(0);
  });

  it('refuses an algorithm the configuration leaves out', async () => {
    await expect(verifier({ algorithms: ['RS256'] }).verify(await provider.token(ec))).rejects.toThrow(/alg/);
  });

  it('maps roles and scopes from configured claims', async () => {
    const v = verifier({
      claims: {
        role: 'realm_access.roles',
        roleMap: { 'parcours-referent': 'referent', 'parcours-dep': 'departement' },
        referentId: 'parcours.referent_id',
        organisationId: 'parcours.organisation',
        territory: 'territoire',
      },
    });
    const claims = {
      role: undefined,
      realm_access: { roles: ['offline_access', 'parcours-referent'] },
      parcours: { referent_id: ['ref-7'], organisation: 'org-ccas' },
    };
    await expect(v.verify(await provider.token(rsa, claims))).resolves.toEqual({
      sub: 'agent-42',
      role: 'referent',
      referentId: 'ref-7',
      organisationId: 'org-ccas',
      territory: undefined,
    });
    // A role spelled as a Parcours role but absent from the map does not count.
    await expect(
      v.verify(await provider.token(rsa, { realm_access: { roles: ['departement'] } })),
    ).rejects.toThrow(/no Parcours role/);
    await expect(
      v.verify(
        await provider.token(rsa, {
          realm_access: { roles: ['parcours-dep', 'parcours-referent'] },
          parcours: claims.parcours,
        }),
      ),
    ).rejects.toThrow(/several/);
  });

  it('answers "unavailable", not "invalid", when the key set cannot be fetched', async () => {
    const v = verifier({ jwksUri: `${provider.issuer}/nowhere`, timeoutMs: 1000 });
    await expect(v.verify(await provider.token(rsa))).rejects.toThrow(IdentityProviderUnavailableError);
  });
});
