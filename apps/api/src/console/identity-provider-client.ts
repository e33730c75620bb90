import type { ConsoleConfig, OidcConfig } from '@parcours/config';
import type * as OpenIdClient from 'openid-client';

type OpenIdClientModule = typeof OpenIdClient;

/**
 * openid-client is an ES module only: loaded with a real import(), which the
 * CommonJS output of tsc would otherwise turn into require().
 */
const importEsm = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<OpenIdClientModule>;

export interface AuthorizationRequest {
  url: string;
  codeVerifier: string;
  state: string;
  nonce: string;
}

export interface Tokens {
  accessToken: string;
  refreshToken?: string;
  /** Seconds the access token lives, when the provider says. */
  expiresIn?: number;
}

/**
 * The console as a client of the Département's provider: authorization code
 * with PKCE (S256), state and nonce; discovery once, retried after a failure.
 */
export class IdentityProviderClient {
  private configuration?: Promise<{ lib: OpenIdClientModule; config: OpenIdClient.Configuration }>;

  constructor(
    private readonly oidc: OidcConfig,
    private readonly console: ConsoleConfig,
  ) {}

  private async discovered() {
    this.configuration ??= (async () => {
      const lib = await importEsm('openid-client');
      const issuer = new URL(this.oidc.issuer);
      // Plain http only to a provider on loopback (tests, a developer's machine): the configuration refuses it elsewhere.
      const insecure =
        issuer.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
      const config = await lib.discovery(
        issuer,
        this.console.clientId,
        this.console.clientSecret,
        this.console.clientSecret ? lib.ClientSecretBasic(this.console.clientSecret) : lib.None(),
        insecure ? { execute: [lib.allowInsecureRequests] } : undefined,
      );
      return { lib, config };
    })();
    try {
      return await this.configuration;
    } catch (error) {
      this.configuration = undefined;
      throw error;
    }
  }

  async authorizationRequest(): Promise<AuthorizationRequest> {
    const { lib, config } = await this.discovered();
    const codeVerifier = lib.randomPKCECodeVerifier();
    const state = lib.randomState();
    const nonce = lib.randomNonce();
    const parameters: Record<string, string> = {
      redirect_uri: this.console.redirectUri,
      scope: this.console.scopes,
      code_challenge: await lib.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    };
    if (this.console.resource) parameters.resource = this.console.resource;
    return { url: lib.buildAuthorizationUrl(config, parameters).href, codeVerifier, state, nonce };
  }

  /** Exchanges the code the provider sent back to `callbackUrl`; throws when state, nonce or PKCE do not match. */
  async exchange(
    callbackUrl: URL,
    checks: { codeVerifier: string; state: string; nonce: string },
  ): Promise<Tokens> {
    const { lib, config } = await this.discovered();
    const tokens = await lib.authorizationCodeGrant(
      config,
      callbackUrl,
      { pkceCodeVerifier: checks.codeVerifier, expectedState: checks.state, expectedNonce: checks.nonce },
      this.console.resource ? { resource: this.console.resource } : undefined,
    );
    return {
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token,
      expiresIn: tokens.expiresIn(),
    };
  }

  async refresh(refreshToken: string): Promise<Tokens> {
    const { lib, config } = await this.discovered();
    const tokens = await lib.refreshTokenGrant(
      config,
      refreshToken,
      this.console.resource ? { resource: this.console.resource } : undefined,
    );
    return {
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token ?? refreshToken,
      expiresIn: tokens.expiresIn(),
    };
  }
}
