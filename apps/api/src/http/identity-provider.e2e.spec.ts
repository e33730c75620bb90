import { INestApplication } from '@nestjs/common';
import { mintToken } from '@parcours/auth';
import { DEVELOPMENT_JWT_SECRET, loadConfig } from '@parcours/config';
import { PgliteSqlClient, SqlEventStore } from '@parcours/event-store';
import request from 'supertest';
import { FakeOidcProvider, signingKey, SigningKey } from '../../../../libs/auth/src/testing/oidc-provider';
import { bearer, NOW, seedReferenceData, startApi, TestApi, tokens } from '../../../../test/support/api';
import { createApp } from '../bootstrap';

const AUDIENCE = 'parcours-api';

/** The API with the Département's provider configured as a Keycloak realm would be: realm roles, mapped. */
describe('bearer tokens of the identity provider, through the API', () => {
  const provider = new FakeOidcProvider(AUDIENCE, () => NOW);
  let key: SigningKey;
  let api: TestApi;
  const keycloakClaims = {
    role: undefined,
    realm_access: { roles: ['offline_access', 'cd62-parcours-admin'] },
  };

  beforeAll(async () => {
    await provider.start();
    key = await signingKey('realm-key-1', 'RS256');
    provider.keys = [key];
    api = await startApi('embedded', () => NOW, {
      PARCOURS_OIDC_ISSUER: provider.issuer,
      PARCOURS_OIDC_AUDIENCE: AUDIENCE,
      PARCOURS_OIDC_ROLE_CLAIM: 'realm_access.roles',
      PARCOURS_OIDC_ROLE_MAP: 'cd62-parcours-admin=departement,cd62-referent=referent',
      PARCOURS_CORS_ORIGINS: 'https://parcours.pasdecalais.fr',
    });
    await seedReferenceData(api);
  });
  afterAll(async () => {
    await api.close();
    await provider.stop();
  });

  it('accepts a token of the provider (keys found by discovery), and still HS256 tokens outside production', async () => {
    const res = await api.http
      .get('/api/territories')
      .set(bearer(await provider.token(key, keycloakClaims)))
      .expect(200);
    expect(res.body.map((t: { territoryId: string }) => t.territoryId)).toContain('ARRAGEOIS');
    await api.http.get('/api/territories').set(bearer(tokens.departement())).expect(200);
    const ready = await api.http.get('/ready').set(bearer(await provider.token(key, keycloakClaims)));
    expect(ready.body.checks).toBeDefined();
    expect(provider.jwksFetches).toBe(1);
  });

  it('answers 401 in the Problem shape to a forged token, another audience and an unmapped role', async () => {
    const forger = await signingKey('realm-key-1', 'RS256');
    for (const token of [
      await provider.token(forger, keycloakClaims),
      await provider.token(key, keycloakClaims, { audience: 'another-app' }),
      await provider.token(key, { role: 'departement' }),
    ]) {
      const res = await api.http.get('/api/territories').set(bearer(token));
      expect({ status: res.status, body: res.body }).toMatchObject({
        status: 401,
        body: {
          status: 401,
          statusCode: 401,
          code: 'UNAUTHENTICATED',
          message: expect.stringMatching(/jeton/),
        },
      });
    }
  });

  it('maps the provider role to the Parcours role that decides access', async () => {
    const referent = await provider.token(key, {
      role: undefined,
      realm_access: { roles: ['cd62-referent'] },
      referentId: 'ref-ccas-1',
      organisationId: 'org-ccas',
    });
    await api.http.get('/api/territories').set(bearer(referent)).expect(200);
    await api.http.get('/api/projections').set(bearer(referent)).expect(403);
  });

  it('sends security headers, never X-Powered-By, and CORS headers to the configured origins only', async () => {
    const res = await api.http.get('/health').set('Origin', 'https://parcours.pasdecalais.fr').expect(200);
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'strict-transport-security': expect.stringMatching(/max-age=/),
      'content-security-policy': expect.stringMatching(/default-src 'self'/),
      'x-frame-options': 'SAMEORIGIN',
      'access-control-allow-origin': 'https://parcours.pasdecalais.fr',
    });
    expect(res.headers['content-security-policy']).not.toMatch(/upgrade-insecure-requests/);
    const preflight = await api.http
      .options('/api/territories')
      .set('Origin', 'https://parcours.pasdecalais.fr')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toMatch(/Authorization/);
    const stranger = await api.http.get('/health').set('Origin', 'https://evil.example');
    expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
    // A refusal carries the headers too.
    const refused = await api.http.get('/api/territories');
    expect(refused.status).toBe(401);
    expect(refused.headers['x-content-type-options']).toBe('nosniff');
    expect(refused.headers['x-powered-by']).toBeUndefined();
  });

  it('still serves the API documentation under the security policy (no inline script)', async () => {
    const html = await api.http.get('/api/docs/').expect(200);
    expect(html.text).toMatch(/swagger-ui/);
    expect(html.text).not.toMatch(/<script>(?!\s*<\/script>)/);
    const doc = await api.http.get('/api/docs/json').expect(200);
    expect(doc.body.paths['/api/territories'].get.responses['429']).toMatchObject({
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      headers: { 'Retry-After': expect.any(Object) },
    });
  });
});

describe('rate limits (PARCOURS_RATE_LIMIT=true)', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startApi('embedded', () => NOW, {
      PARCOURS_RATE_LIMIT: 'true',
      PARCOURS_RATE_LIMIT_PER_IDENTITY: '3',
      PARCOURS_RATE_LIMIT_PER_IP: '8',
    });
  });
  afterAll(async () => {
    await api.close();
  });

  it('answers 429 RATE_LIMITED with Retry-After, per identity then per address, before authenticating', async () => {
    const statusOf = (authorization?: string, path = '/api/territories') => {
      const req = api.http.get(path);
      return authorization ? req.set('Authorization', authorization) : req;
    };
    const alice = `Bearer ${tokens.departement()}`;
    const bob = `Bearer ${tokens.slai()}`;
    expect([
      (await statusOf(alice)).status,
      (await statusOf(alice)).status,
      (await statusOf(alice)).status,
    ]).toEqual([200, 200, 200]);
    const limited = await statusOf(alice);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({
      status: 429,
      statusCode: 429,
      code: 'RATE_LIMITED',
      message: expect.stringMatching(/^Trop de requêtes : réessayez dans \d+ secondes?\.$/),
    });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    // Another identity has its own budget; the address counts every request (5 so far, then 6, 7, 8).
    expect((await statusOf(bob)).status).toBe(200);
    expect([
      (await statusOf('Bearer a.b.c')).status,
      (await statusOf()).status,
      (await statusOf()).status,
    ]).toEqual([401, 401, 401]);
    // The ninth request from this address is refused before its token is even looked at, public routes too.
    expect((await statusOf(bob)).status).toBe(429);
    const health = await statusOf(undefined, '/health');
    expect(health.status).toBe(429);
    expect(health.headers['retry-after']).toBeDefined();
  });
});

describe('production: HS256 refused, and an unreachable identity provider', () => {
  let app: INestApplication;
  const provider = new FakeOidcProvider(AUDIENCE, () => NOW);

  beforeAll(async () => {
    await provider.start();
    // The production switches as loadConfig sets them (its https-only checks aside: the fake provider is on http).
    const config = {
      ...loadConfig({
        PARCOURS_OIDC_ISSUER: provider.issuer,
        PARCOURS_OIDC_AUDIENCE: AUDIENCE,
        PARCOURS_OIDC_JWKS_URI: 'http://127.0.0.1:9/certs',
      }),
      production: true,
      hs256Enabled: false,
    };
    // Nothing listens on port 9 of the loopback: the key set cannot be fetched.
    const sql = await PgliteSqlClient.open({ schema: 'e2e' });
    const eventStore = new SqlEventStore(sql, () => NOW);
    await eventStore.migrate();
    app = await createApp(config, {
      stores: { eventStore, sql, close: () => sql.close() },
      clock: () => NOW,
      logger: false,
    });
    await app.init();
  });
  afterAll(async () => {
    await app.close();
    await provider.stop();
  });

  it('answers 401 to an HS256 token, even one signed with the configured secret', async () => {
    const res = await request(app.getHttpServer())
      .get('/api/territories')
      .set(bearer(mintToken({ sub: 'dep-1', role: 'departement' }, DEVELOPMENT_JWT_SECRET, 3600, NOW)));
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it('answers 503 IDENTITY_PROVIDER_UNAVAILABLE with Retry-After, not 401, when the keys cannot be fetched', async () => {
    const res = await request(app.getHttpServer())
      .get('/api/territories')
      .set(bearer(await provider.token(await signingKey('k', 'ES256'))));
    expect({ status: res.status, code: res.body.code }).toEqual({
      status: 503,
      code: 'IDENTITY_PROVIDER_UNAVAILABLE',
    });
    expect(res.headers['retry-after']).toBeDefined();
  });
});
