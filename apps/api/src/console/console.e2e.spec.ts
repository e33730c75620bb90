import { FakeOidcProvider } from '../../../../libs/auth/src/testing/oidc-provider';
import { bearer, NOW, startApi, TestApi, tokens } from '../../../../test/support/api';
import { FORWARD_HEADER, forwardMarker } from './forward-marker';

/** The console's routes without a browser (the sign-in itself: test/console/console.browser.spec.ts). */
describe('the console, unconfigured', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi('embedded');
  });
  afterAll(() => api.close());

  it('says it is not configured, naming the variables', async () => {
    for (const path of ['/console', '/console/', '/console/login', '/console/referents']) {
      const res = await api.http.get(path).expect(503);
      expect(res.type).toBe('text/html');
      expect(res.text).toMatch(/n’est pas configurée[\s\S]*PARCOURS_CONSOLE_CLIENT_ID/);
    }
  });

  it('serves the Design System and its own scripts, and stays out of the OpenAPI document', async () => {
    expect((await api.http.get('/console/dsfr/dsfr.min.css').expect(200)).type).toBe('text/css');
    expect((await api.http.get('/console/dsfr/dsfr.module.min.js').expect(200)).type).toMatch(/javascript/);
    expect((await api.http.get('/console/assets/console.js').expect(200)).type).toMatch(/javascript/);
    await api.http.get('/console/dsfr/../../package.json').expect(404);
    const doc = await api.http.get('/api/docs/json').expect(200);
    expect(Object.keys(doc.body.paths).filter((p) => p.startsWith('/console'))).toEqual([]);
  });
});

describe('the console, configured', () => {
  const provider = new FakeOidcProvider('parcours-api', () => NOW);
  let api: TestApi;
  beforeAll(async () => {
    await provider.start();
    api = await startApi('embedded', () => NOW, {
      PARCOURS_OIDC_ISSUER: provider.issuer,
      PARCOURS_OIDC_AUDIENCE: 'parcours-api',
      PARCOURS_CONSOLE_CLIENT_ID: 'parcours-console',
      PARCOURS_CONSOLE_REDIRECT_URI: 'http://127.0.0.1:3000/console/callback',
    });
  });
  afterAll(async () => {
    await api.close();
    await provider.stop();
  });

  it('sends an agent without a session to sign in, and refuses its script calls with 401', async () => {
    const page = await api.http.get('/console/parcours/p-1').expect(302);
    expect(page.headers.location).toBe('/console/login?returnTo=%2Fconsole%2Fparcours%2Fp-1');
    const call = await api.http.get('/console/api/echeances?status=overdue').expect(401);
    expect(call.body).toMatchObject({ code: 'SESSION_EXPIRED' });
    await api.http.get('/console/api/session').expect(401);
  });

  it('forwards only the reads the console needs', async () => {
    for (const path of [
      '/console/api/projections',
      '/console/api/persons/search',
      '/console/api/indicators/export',
    ])
      await api.http.get(path).expect(404);
  });

  it('refuses a callback it did not start, and a provider it cannot discover is said to be unreachable', async () => {
    const callback = await api.http.get('/console/callback?code=abc&state=xyz').expect(400);
    expect(callback.text).toMatch(/expiré ou a déjà servi/);
    // The fake provider publishes keys only (no authorization endpoint): the sign-in cannot start.
    const login = await api.http.get('/console/login?returnTo=//evil.example').expect(503);
    expect(login.text).toMatch(/injoignable/);
  });

  it('signs out only at the request of its own origin', async () => {
    await api.http.post('/console/logout').set('Origin', 'https://evil.example').expect(403);
    const out = await api.http.post('/console/logout').set('Origin', 'http://127.0.0.1:3000').expect(200);
    expect(out.headers['set-cookie']?.[0]).toMatch(
      /^parcours_console=; Path=\/console; HttpOnly; SameSite=Strict; Max-Age=0/,
    );
  });
});

describe('the address limit and the console', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi('embedded', () => NOW, {
      PARCOURS_RATE_LIMIT: 'true',
      PARCOURS_RATE_LIMIT_PER_IP: '2',
    });
  });
  afterAll(() => api.close());

  it("does not count the console's forwarded reads against the server's own address", async () => {
    const slai = bearer(tokens.slai());
    for (let i = 0; i < 4; i++)
      await api.http.get('/api/territories').set(slai).set(FORWARD_HEADER, forwardMarker()).expect(200);
    await api.http.get('/api/territories').set(slai).set(FORWARD_HEADER, 'forged').expect(200);
    await api.http.get('/api/territories').set(slai).expect(200);
    await api.http.get('/api/territories').set(slai).expect(429);
  });
});
