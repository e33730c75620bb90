import { ConfigError, DEVELOPMENT_DEAD_LETTER_KEY, DEVELOPMENT_JWT_SECRET, loadConfig } from './config';

describe('loadConfig', () => {
  it('defaults to the embedded store with no Kafka', () => {
    const config = loadConfig({});
    expect(config.store).toBe('embedded');
    expect(config.kafkaBrokers).toEqual([]);
    expect(config.port).toBe(3000);
    expect(config.jwtSecret).toBe(DEVELOPMENT_JWT_SECRET);
  });

  it('names every bad variable at once', () => {
    try {
      loadConfig({ PORT: 'eighty', PARCOURS_STORE: 'oracle', KAFKA_BROKERS: 'nohostport' });
      fail('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const text = (error as ConfigError).problems.join('\n');
      expect(text).toMatch(/PORT/);
      expect(text).toMatch(/PARCOURS_STORE/);
      expect(text).toMatch(/KAFKA_BROKERS/);
    }
  });

  it('traces nothing unless PARCOURS_TRACING=otlp; another value is refused', () => {
    expect(loadConfig({}).tracing).toBe('off');
    expect(loadConfig({ PARCOURS_TRACING: 'otlp' }).tracing).toBe('otlp');
    expect(() => loadConfig({ PARCOURS_TRACING: 'on' })).toThrow(/PARCOURS_TRACING must be off or otlp/);
  });

  it('serves the worker metrics on a port only when PARCOURS_WORKER_METRICS_PORT is a port', () => {
    expect(loadConfig({}).workerMetricsPort).toBeUndefined();
    expect(loadConfig({ PARCOURS_WORKER_METRICS_PORT: '9464' }).workerMetricsPort).toBe(9464);
    expect(() => loadConfig({ PARCOURS_WORKER_METRICS_PORT: '94a' })).toThrow(/PARCOURS_WORKER_METRICS_PORT/);
    expect(() => loadConfig({ PARCOURS_WORKER_METRICS_PORT: '70000' })).toThrow(
      /PARCOURS_WORKER_METRICS_PORT/,
    );
  });

  it('requires an identity provider in production and a database for postgres', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/PARCOURS_OIDC_ISSUER/);
    expect(() => loadConfig({ PARCOURS_STORE: 'postgres' })).toThrow(/DATABASE_URL/);
  });

  it('accepts HS256 tokens outside production, with rate limiting and CORS off unless configured', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ hs256Enabled: true, oidc: undefined, corsOrigins: [], trustProxy: false });
    expect(config.rateLimit).toEqual({ enabled: false, windowSeconds: 60, perIdentity: 1200, perIp: 6000 });
    expect(
      loadConfig({ PARCOURS_RATE_LIMIT: 'true', PARCOURS_RATE_LIMIT_PER_IP: '50' }).rateLimit,
    ).toMatchObject({ enabled: true, perIp: 50 });
  });

  describe('the supervision console', () => {
    const provider = {
      PARCOURS_OIDC_ISSUER: 'https://sso.departement.fr/realms/parcours',
      PARCOURS_OIDC_AUDIENCE: 'parcours-api',
    };

    it('is off without a client id, and reads the client, its redirect URI, scopes and resource', () => {
      expect(loadConfig({}).console).toBeUndefined();
      expect(
        loadConfig({
          ...provider,
          PARCOURS_CONSOLE_CLIENT_ID: 'parcours-console',
          PARCOURS_CONSOLE_CLIENT_SECRET: 's3cret',
          PARCOURS_CONSOLE_REDIRECT_URI: 'https://parcours.departement.fr/console/callback',
          PARCOURS_CONSOLE_RESOURCE: 'parcours-api',
        }).console,
      ).toEqual({
        clientId: 'parcours-console',
        clientSecret: 's3cret',
        redirectUri: 'https://parcours.departement.fr/console/callback',
        scopes: 'openid',
        resource: 'parcours-api',
        secureCookie: true,
      });
      expect(
        loadConfig({
          ...provider,
          PARCOURS_CONSOLE_CLIENT_ID: 'parcours-console',
          PARCOURS_CONSOLE_REDIRECT_URI: 'http://127.0.0.1:3000/console/callback',
        }).console,
      ).toMatchObject({ clientSecret: undefined, secureCookie: false });
    });

    it('names what is missing or wrong', () => {
      expect(() => loadConfig({ PARCOURS_CONSOLE_REDIRECT_URI: 'https://x.fr/console/callback' })).toThrow(
        /PARCOURS_CONSOLE_REDIRECT_URI needs PARCOURS_CONSOLE_CLIENT_ID/,
      );
      expect(() => loadConfig({ PARCOURS_CONSOLE_CLIENT_ID: 'c' })).toThrow(
        /PARCOURS_CONSOLE_CLIENT_ID needs PARCOURS_OIDC_ISSUER[\s\S]*needs PARCOURS_CONSOLE_REDIRECT_URI/,
      );
      expect(() =>
        loadConfig({
          ...provider,
          PARCOURS_CONSOLE_CLIENT_ID: 'c',
          PARCOURS_CONSOLE_REDIRECT_URI: 'http://parcours.departement.fr/console/back',
          PARCOURS_CONSOLE_SCOPES: 'profile',
        }),
      ).toThrow(/must end with \/console\/callback[\s\S]*must be https unless[\s\S]*PARCOURS_CONSOLE_SCOPES/);
    });
  });

  describe('the identity provider', () => {
    const issuer = 'https://sso.departement.fr/realms/parcours';

    it('reads issuer, audiences, key set and the claim mapping', () => {
      const config = loadConfig({
        PARCOURS_OIDC_ISSUER: issuer,
        PARCOURS_OIDC_AUDIENCE: 'parcours-api, parcours-cli',
        PARCOURS_OIDC_ROLE_CLAIM: 'realm_access.roles',
        PARCOURS_OIDC_ROLE_MAP: 'parcours-referent=referent, cd62-agent=departement',
        PARCOURS_OIDC_TERRITORY_CLAIM: 'territoire',
      });
      expect(config.oidc).toEqual({
        issuer,
        audience: ['parcours-api', 'parcours-cli'],
        jwksUri: undefined,
        algorithms: ['RS256', 'ES256'],
        claims: {
          role: 'realm_access.roles',
          roleMap: { 'parcours-referent': 'referent', 'cd62-agent': 'departement' },
          referentId: 'referentId',
          organisationId: 'organisationId',
          territory: 'territoire',
        },
      });
    });

    it.each([
      ['an issuer without audience', { PARCOURS_OIDC_ISSUER: issuer }, /PARCOURS_OIDC_AUDIENCE/],
      [
        'an audience without issuer',
        { PARCOURS_OIDC_AUDIENCE: 'parcours-api' },
        /PARCOURS_OIDC_AUDIENCE needs PARCOURS_OIDC_ISSUER/,
      ],
      [
        'an issuer that is no URL',
        { PARCOURS_OIDC_ISSUER: 'sso', PARCOURS_OIDC_AUDIENCE: 'a' },
        /PARCOURS_OIDC_ISSUER/,
      ],
      [
        'HS256 among the algorithms',
        {
          PARCOURS_OIDC_ISSUER: issuer,
          PARCOURS_OIDC_AUDIENCE: 'a',
          PARCOURS_OIDC_ALGORITHMS: 'RS256,HS256',
        },
        /PARCOURS_OIDC_ALGORITHMS/,
      ],
      [
        'a role mapped to no Parcours role',
        { PARCOURS_OIDC_ISSUER: issuer, PARCOURS_OIDC_AUDIENCE: 'a', PARCOURS_OIDC_ROLE_MAP: 'agent=king' },
        /PARCOURS_OIDC_ROLE_MAP/,
      ],
      [
        'a claim path into the prototype',
        {
          PARCOURS_OIDC_ISSUER: issuer,
          PARCOURS_OIDC_AUDIENCE: 'a',
          PARCOURS_OIDC_ROLE_CLAIM: '__proto__.role',
        },
        /PARCOURS_OIDC_ROLE_CLAIM/,
      ],
      ['a CORS wildcard', { PARCOURS_CORS_ORIGINS: '*' }, /PARCOURS_CORS_ORIGINS/],
      [
        'a CORS origin with a path',
        { PARCOURS_CORS_ORIGINS: 'https://app.departement.fr/parcours' },
        /PARCOURS_CORS_ORIGINS/,
      ],
      ['a rate limit of zero', { PARCOURS_RATE_LIMIT_PER_IDENTITY: '0' }, /PARCOURS_RATE_LIMIT_PER_IDENTITY/],
      ['a trusted proxy that is no address', { PARCOURS_TRUST_PROXY: 'proxy.local' }, /PARCOURS_TRUST_PROXY/],
    ])('refuses %s', (_, env, variable) => {
      expect(() => loadConfig(env)).toThrow(variable);
    });
  });

  it('reads brokers and a PostgreSQL store', () => {
    const config = loadConfig({
      PARCOURS_STORE: 'postgres',
      DATABASE_URL: 'postgres://localhost/test',
      KAFKA_BROKERS: '127.0.0.1:9092, kafka:9092',
    });
    expect(config.kafkaBrokers).toEqual(['127.0.0.1:9092', 'kafka:9092']);
    expect(config.store).toBe('postgres');
  });

  describe('production refuses unsafe settings, naming the variable', () => {
    const secret = 'a-production-secret-of-more-than-32-characters';
    const key = 'a-production-dead-letter-key-of-32-characters-or-more';
    const personalDataKeys = {
      PARCOURS_MASTER_KEY: Buffer.alloc(32, 9).toString('base64'),
      PARCOURS_SEARCH_KEY: 'a-production-search-key-of-32-characters-or-more',
      PARCOURS_PARTNER_ID_KEY: 'a-production-partner-id-key-of-32-characters-or-more',
    };
    const oidc = {
      PARCOURS_OIDC_ISSUER: 'https://sso.departement.fr/realms/parcours',
      PARCOURS_OIDC_AUDIENCE: 'parcours-api',
      ...personalDataKeys,
    };
    const problemsOf = (env: Record<string, string>) => {
      try {
        loadConfig({ NODE_ENV: 'production', ...env });
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };

    it.each([
      [
        'HS256 only: a JWT secret and no identity provider',
        { PARCOURS_JWT_SECRET: secret },
        /PARCOURS_OIDC_ISSUER and PARCOURS_OIDC_AUDIENCE are required/,
      ],
      ['no identity provider at all', {}, /PARCOURS_OIDC_ISSUER and PARCOURS_OIDC_AUDIENCE are required/],
      [
        'a JWT secret beside the identity provider',
        { ...oidc, PARCOURS_JWT_SECRET: secret },
        /PARCOURS_JWT_SECRET is refused/,
      ],
      [
        'the published development JWT secret',
        { ...oidc, PARCOURS_JWT_SECRET: DEVELOPMENT_JWT_SECRET },
        /PARCOURS_JWT_SECRET is refused/,
      ],
      [
        'an identity provider over http',
        { ...oidc, PARCOURS_OIDC_ISSUER: 'http://sso.departement.fr/realms/parcours' },
        /PARCOURS_OIDC_ISSUER must be https/,
      ],
      [
        'a key set over http',
        { ...oidc, PARCOURS_OIDC_JWKS_URI: 'http://sso.departement.fr/certs' },
        /PARCOURS_OIDC_JWKS_URI must be https/,
      ],
      [
        'a CORS origin over http',
        { ...oidc, PARCOURS_CORS_ORIGINS: 'http://app.departement.fr' },
        /PARCOURS_CORS_ORIGINS/,
      ],
      ['the memory store', { ...oidc, PARCOURS_STORE: 'memory' }, /PARCOURS_STORE=memory/],
      [
        'Kafka without a dead-letter key',
        { ...oidc, KAFKA_BROKERS: 'kafka:9092' },
        /PARCOURS_DEAD_LETTER_KEY/,
      ],
      [
        'no master key of personal data',
        { ...oidc, PARCOURS_MASTER_KEY: '' },
        /PARCOURS_MASTER_KEY is required/,
      ],
      ['no search key', { ...oidc, PARCOURS_SEARCH_KEY: '' }, /PARCOURS_SEARCH_KEY is required/],
      ['no partner id key', { ...oidc, PARCOURS_PARTNER_ID_KEY: '' }, /PARCOURS_PARTNER_ID_KEY is required/],
      [
        'a master key of the wrong size',
        { ...oidc, PARCOURS_MASTER_KEY: 'c2hvcnQ=' },
        /PARCOURS_MASTER_KEY must be 32 bytes/,
      ],
      [
        'Kafka with the development dead-letter key',
        { ...oidc, KAFKA_BROKERS: 'kafka:9092', PARCOURS_DEAD_LETTER_KEY: DEVELOPMENT_DEAD_LETTER_KEY },
        /PARCOURS_DEAD_LETTER_KEY/,
      ],
    ])('%s', (_, env, variable) => {
      expect(problemsOf(env as Record<string, string>).join('\n')).toMatch(variable);
    });

    it('starts with an identity provider, a real store and a key; HS256 off, rate limiting on', () => {
      expect(problemsOf({ ...oidc, KAFKA_BROKERS: 'kafka:9092', PARCOURS_DEAD_LETTER_KEY: key })).toEqual([]);
      const config = loadConfig({ NODE_ENV: 'production', ...oidc });
      expect(config).toMatchObject({
        hs256Enabled: false,
        jwtSecretIsDevelopmentDefault: false,
        oidc: { issuer: oidc.PARCOURS_OIDC_ISSUER, audience: ['parcours-api'] },
      });
      expect(config.rateLimit.enabled).toBe(true);
    });

    it.each([
      ['PARCOURS_READY_MAX_LAG', '-1'],
      ['PARCOURS_JWT_MAX_LIFETIME_SECONDS', '10'],
      ['PARCOURS_DEAD_LETTER_KEY', 'short'],
      ['PARCOURS_SEARCH_KEY', 'short'],
      ['PARCOURS_PARTNER_ID_KEY', 'short'],
    ])('%s=%s is refused', (name, value) => {
      expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name));
    });
  });
});
