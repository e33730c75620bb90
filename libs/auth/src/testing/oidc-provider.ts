import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, JWK, KeyLike, SignJWT } from 'jose';

/** A signing key of the fake provider, with its public JWK as the key set publishes it. */
export interface SigningKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: KeyLike;
  publicKey: KeyLike;
  jwk: JWK;
}

export async function signingKey(kid: string, alg: 'RS256' | 'ES256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { kid, alg, privateKey, publicKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

export interface TokenOverrides {
  issuer?: string;
  audience?: string;
  subject?: string;
  iat?: number;
  exp?: number;
}

/**
 * An OpenID Connect provider for tests, on an ephemeral loopback port: the
 * discovery document and the key set of a Keycloak realm, counting the
 * key-set fetches, and tokens signed with its keys.
 */
export class FakeOidcProvider {
  keys: SigningKey[] = [];
  jwksFetches = 0;
  /** When set, the discovery document names this issuer instead of the provider's own. */
  discoveryIssuer?: string;
  private readonly server = http.createServer((req, res) => {
    if (req.url === '/realms/cd62/.well-known/openid-configuration') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ issuer: this.discoveryIssuer ?? this.issuer, jwks_uri: this.jwksUri }));
    } else if (req.url === '/realms/cd62/protocol/openid-connect/certs') {
      this.jwksFetches += 1;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: this.keys.map((k) => k.jwk) }));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });

  /** `audience`: the audience of its tokens unless told otherwise; `now`: the clock that issues them. */
  constructor(
    private readonly audience: string,
    private readonly now: () => Date,
  ) {}

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get issuer(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/realms/cd62`;
  }

  get jwksUri(): string {
    return `${this.issuer}/protocol/openid-connect/certs`;
  }

  /** A token of `key`, issued now for five minutes; claims override the default role (departement). */
  token(key: SigningKey, claims: Record<string, unknown> = {}, over: TokenOverrides = {}): Promise<string> {
    const nowS = Math.floor(this.now().getTime() / 1000);
    return new SignJWT({ role: 'departement', ...claims })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
      .setSubject(over.subject ?? 'agent-42')
      .setIssuer(over.issuer ?? this.issuer)
      .setAudience(over.audience ?? this.audience)
      .setIssuedAt(over.iat ?? nowS)
      .setExpirationTime(over.exp ?? nowS + 300)
      .sign(key.privateKey);
  }
}
