import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { listenInRange } from './ports';

/** The agents the provider knows: their login, and the claims their access tokens carry (as mapped by libs/auth). */
export type Agents = Record<string, Record<string, string>>;

/** The API's audience, as a resource indicator (RFC 8707: an absolute URI). */
export const API_RESOURCE = 'urn:parcours:api';

/** oidc-provider is an ES module only: loaded with a real import(), not the require() of ts-jest's CommonJS. */
const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<{
  default: new (issuer: string, configuration: object) => { callback(): http.RequestListener };
}>;

/**
 * The Département's identity provider for tests: oidc-provider on a loopback
 * port, with its development login form (any password), consent given at once,
 * and access tokens for the API as RS256 JWTs carrying each agent's claims.
 */
export class TestIdentityProvider {
  private listener?: http.RequestListener;
  /** Calls to the token endpoint: the code exchanged, then each refresh. */
  tokenRequests = 0;
  private readonly server = http.createServer((req, res) => {
    if (req.method === 'POST' && req.url?.startsWith('/token')) this.tokenRequests += 1;
    if (this.listener) this.listener(req, res);
    else res.writeHead(503).end();
  });
  issuer = '';

  /** `shortLived`: agents whose access tokens live 35 s, with a refresh token (the console refreshes 30 s before the end). */
  constructor(
    private readonly agents: Agents,
    private readonly shortLived: ReadonlySet<string> = new Set(),
  ) {}

  /** Listens first, so that the issuer is known before the client (whose redirect URI names the app's port). */
  async listen(ports: { from: number; to: number }): Promise<string> {
    const port = await listenInRange(this.server as unknown as net.Server, ports);
    this.issuer = `http://127.0.0.1:${port}`;
    return this.issuer;
  }

  async start(client: { clientId: string; clientSecret: string; redirectUri: string }): Promise<void> {
    // Its warnings (a development login form, Node 20) say what a test provider is: kept out of the test output.
    const warn = console.warn;
    console.warn = () => undefined;
    const { default: Provider } = await importEsm('oidc-provider').finally(() => (console.warn = warn));
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key-1', alg: 'RS256', use: 'sig' };
    const agents = this.agents;
    const shortLived = this.shortLived;
    type TokenContext = {
      oidc: { entities: { Grant?: { accountId?: string }; Account?: { accountId?: string } } };
    };
    const accountOf = (ctx: TokenContext) =>
      ctx.oidc.entities.Grant?.accountId ?? ctx.oidc.entities.Account?.accountId ?? '';
    console.warn = () => undefined;
    const provider = new Provider(this.issuer, {
      clients: [
        {
          client_id: client.clientId,
          client_secret: client.clientSecret,
          redirect_uris: [client.redirectUri],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
        },
      ],
      jwks: { keys: [jwk] },
      ttl: {
        Interaction: 600,
        Grant: 3600,
        Session: 3600,
        IdToken: 3600,
        RefreshToken: 3600,
        // The resource server's lifetime (35 s for the short-lived agents).
        AccessToken: (_ctx: unknown, token: { resourceServer?: { accessTokenTTL?: number } }) =>
          token.resourceServer?.accessTokenTTL ?? 3600,
      },
      cookies: { keys: ['test-cookie-key-of-the-identity-provider'] },
      pkce: { required: () => true },
      findAccount: async (_ctx: unknown, id: string) =>
        agents[id] ? { accountId: id, claims: async () => ({ sub: id }) } : undefined,
      features: {
        devInteractions: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: async () => API_RESOURCE,
          useGrantedResource: async () => true,
          getResourceServerInfo: async (ctx: TokenContext) => ({
            scope: 'parcours',
            audience: API_RESOURCE,
            accessTokenTTL: shortLived.has(accountOf(ctx)) ? 35 : 3600,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          }),
        },
      },
      issueRefreshToken: async (ctx: TokenContext) => shortLived.has(accountOf(ctx)),
      // The claims the API maps (role, territory, referentId, organisationId), in the access token.
      extraTokenClaims: async (_ctx: unknown, token: { accountId?: string }) =>
        token.accountId ? agents[token.accountId] : undefined,
      // Consent given at once: the console is the Département's own application.
      loadExistingGrant: async (ctx: {
        oidc: {
          client: { clientId: string };
          session: { accountId: string; grantIdFor(clientId: string): string | undefined };
          provider: {
            Grant: {
              new (o: object): {
                addOIDCScope(s: string): void;
                addResourceScope(r: string, s: string): void;
                save(): Promise<string>;
              };
              find(id: string): Promise<unknown>;
            };
          };
        };
      }) => {
        const existing = ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
        if (existing) return ctx.oidc.provider.Grant.find(existing);
        const grant = new ctx.oidc.provider.Grant({
          clientId: ctx.oidc.client.clientId,
          accountId: ctx.oidc.session.accountId,
        });
        grant.addOIDCScope('openid');
        grant.addResourceScope(API_RESOURCE, 'parcours');
        await grant.save();
        return grant;
      },
    });
    console.warn = warn;
    this.listener = provider.callback();
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
