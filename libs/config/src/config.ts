/**
 * Configuration from environment variables, validated once at boot: a bad
 * value stops the process with a message naming the variable, instead of
 * failing later in the middle of a request.
 */
import { isIP } from 'node:net';
import {
  ClaimMapping,
  DEFAULT_CLAIM_MAPPING,
  isClaimPath,
  OIDC_ALGORITHMS,
  OidcAlgorithm,
  Role,
  ROLES,
} from '@parcours/auth';
import {
  loadNotificationsConfig,
  NotificationsConfig,
  NotificationsConfigError,
} from '@parcours/notifications';

export type StoreKind = 'embedded' | 'postgres' | 'eventstoredb' | 'memory';

/** The Département's OpenID Connect provider (Keycloak, ProConnect). */
export interface OidcConfig {
  issuer: string;
  audience: string[];
  /** Without it, the jwks_uri of the issuer's .well-known/openid-configuration. */
  jwksUri?: string;
  algorithms: OidcAlgorithm[];
  claims: ClaimMapping;
}

/** The SLAI's supervision console (/console): a client of the Département's provider, signing agents in with PKCE. */
export interface ConsoleConfig {
  clientId: string;
  /** A confidential client's secret; without it the console is a public client (PKCE alone). */
  clientSecret?: string;
  /** Where the provider sends the agent back: this service's /console/callback. */
  redirectUri: string;
  /** Scopes asked for (openid always). */
  scopes: string;
  /** Resource indicator (RFC 8707) naming the API, when the provider needs one to issue its access tokens. */
  resource?: string;
  /** The session cookie carries Secure unless the console is served on loopback over http. */
  secureCookie: boolean;
}

export interface RateLimitConfig {
  enabled: boolean;
  windowSeconds: number;
  /** Requests per window for one identity (the token's sub), on every route together. */
  perIdentity: number;
  /** Requests per window from one client address (an IPv6 /64), authenticated or not. */
  perIp: number;
}

export interface AppConfig {
  host: string;
  port: number;
  store: StoreKind;
  /** PGlite data directory for the embedded store and read models. */
  dataDir: string;
  /** PostgreSQL connection string (event store `postgres`, read models when not embedded). */
  databaseUrl?: string;
  pgSchema: string;
  eventStoreConnectionString?: string;
  /** Kafka brokers; empty when Kafka is not configured (integration events wait in the store). */
  kafkaBrokers: string[];
  kafkaClientId: string;
  /** Secret of the HS256 tokens of development and tests. */
  jwtSecret: string;
  /** True when HS256 tokens are accepted with the published development secret (never in production). */
  jwtSecretIsDevelopmentDefault: boolean;
  /** HS256 tokens signed with jwtSecret are accepted: never when NODE_ENV=production. */
  hs256Enabled: boolean;
  /** The identity provider whose tokens are accepted; required when NODE_ENV=production. */
  oidc?: OidcConfig;
  /** The supervision console; absent when PARCOURS_CONSOLE_* are not set (/console then says so). */
  console?: ConsoleConfig;
  /** Origins allowed to call from a browser; empty: no CORS headers at all. */
  corsOrigins: string[];
  /** Express's `trust proxy`: false, a number of proxy hops, or the proxies' addresses (for the client address of the rate limit). */
  trustProxy: false | number | string[];
  rateLimit: RateLimitConfig;
  production: boolean;
  /** Runs projections, relay and schedulers inside the API process. */
  workerInProcess: boolean;
  /** Key of the pseudonymised extract's identifiers; the extract is refused without it. */
  pseudonymisationKey?: string;
  /** Events per projection transaction. */
  projectionBatchSize: number;
  /** /ready answers 503 when a projection is more than this many events behind. */
  readyMaxLag: number;
  /** Longest accepted lifetime of a bearer token (exp - iat, or exp - now), in seconds. */
  jwtMaxLifetimeSeconds: number;
  /** Key encrypting the payload of Kafka dead letters (personal data never travels in clear). */
  deadLetterKey: string;
  /** True when the dead-letter key is the development one (refused in production). */
  deadLetterKeyIsDevelopmentDefault: boolean;
  /** The channels of the messages to beneficiaries (NOTIFY_*); a channel without its variables is off. */
  notifications: NotificationsConfig;
  /** Secret the providers' delivery callbacks present (NOTIFY_WEBHOOK_SECRET); without it the callback route refuses all. */
  notifyWebhookSecret?: string;
  /**
   * PARCOURS_TRACING: `otlp` sends OpenTelemetry traces to OTEL_EXPORTER_OTLP_ENDPOINT (the exporter's own
   * variables apply); `off` by default.
   */
  tracing: 'off' | 'otlp';
  /** PARCOURS_WORKER_METRICS_PORT: the worker run alone serves GET /metrics on this port; none when unset. */
  workerMetricsPort?: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Only for development and tests: HS256 tokens are refused when NODE_ENV=production. */
export const DEVELOPMENT_JWT_SECRET = 'parcours-development-secret-do-not-use-in-production';

/** Only for local use: a deployment with Kafka must set PARCOURS_DEAD_LETTER_KEY. */
export const DEVELOPMENT_DEAD_LETTER_KEY = 'parcours-development-dead-letter-key-not-for-production';

const STORES: StoreKind[] = ['embedded', 'postgres', 'eventstoredb', 'memory'];

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const production = env.NODE_ENV === 'production';

  const port = Number(env.PORT ?? '3000');
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    problems.push(`PORT must be an integer from 0 to 65535, got "${env.PORT}"`);

  const store = (env.PARCOURS_STORE ?? 'embedded') as StoreKind;
  if (!STORES.includes(store))
    problems.push(`PARCOURS_STORE must be one of ${STORES.join(', ')}, got "${env.PARCOURS_STORE}"`);

  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl))
    problems.push('DATABASE_URL must start with postgres:// or postgresql://');
  if (store === 'postgres' && !databaseUrl) problems.push('PARCOURS_STORE=postgres needs DATABASE_URL');

  const eventStoreConnectionString = env.EVENTSTORE_CONNECTION_STRING || undefined;
  if (store === 'eventstoredb' && !eventStoreConnectionString)
    problems.push('PARCOURS_STORE=eventstoredb needs EVENTSTORE_CONNECTION_STRING');
  if (store === 'eventstoredb' && !databaseUrl)
    problems.push('PARCOURS_STORE=eventstoredb needs DATABASE_URL for the read models');

  const pgSchema = env.PARCOURS_PG_SCHEMA ?? 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(pgSchema))
    problems.push('PARCOURS_PG_SCHEMA must be a lower-case SQL identifier');

  const kafkaBrokers = (env.KAFKA_BROKERS ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  for (const b of kafkaBrokers)
    if (!/^[\w.-]+:\d{1,5}$/.test(b)) problems.push(`KAFKA_BROKERS entry "${b}" must be host:port`);

  // HS256 with a local secret is for development and tests: production takes its tokens from the identity provider.
  const jwtSecretIsDevelopmentDefault = !production && !env.PARCOURS_JWT_SECRET;
  const jwtSecret = env.PARCOURS_JWT_SECRET || DEVELOPMENT_JWT_SECRET;
  if (jwtSecret.length < 32) problems.push('PARCOURS_JWT_SECRET must be at least 32 characters');
  const oidc = loadOidc(env, production, problems);
  const consoleConfig = loadConsole(env, production, oidc !== undefined, problems);

  const worker = env.PARCOURS_WORKER_IN_PROCESS ?? 'true';
  if (!['true', 'false'].includes(worker)) problems.push('PARCOURS_WORKER_IN_PROCESS must be true or false');

  const pseudonymisationKey = env.PARCOURS_PSEUDONYMISATION_KEY || undefined;
  if (pseudonymisationKey && pseudonymisationKey.length < 32)
    problems.push('PARCOURS_PSEUDONYMISATION_KEY must be at least 32 characters');

  const projectionBatchSize = Number(env.PARCOURS_PROJECTION_BATCH_SIZE ?? '500');
  if (!Number.isInteger(projectionBatchSize) || projectionBatchSize < 1 || projectionBatchSize > 10000) {
    problems.push('PARCOURS_PROJECTION_BATCH_SIZE must be an integer from 1 to 10000');
  }

  const readyMaxLag = Number(env.PARCOURS_READY_MAX_LAG ?? '10000');
  if (!Number.isInteger(readyMaxLag) || readyMaxLag < 0)
    problems.push('PARCOURS_READY_MAX_LAG must be a whole number of events (0 or more)');

  const jwtMaxLifetimeSeconds = Number(env.PARCOURS_JWT_MAX_LIFETIME_SECONDS ?? '43200');
  if (
    !Number.isInteger(jwtMaxLifetimeSeconds) ||
    jwtMaxLifetimeSeconds < 60 ||
    jwtMaxLifetimeSeconds > 31 * 24 * 3600
  ) {
    problems.push('PARCOURS_JWT_MAX_LIFETIME_SECONDS must be an integer from 60 to 2678400');
  }

  const deadLetterKeyIsDevelopmentDefault = !env.PARCOURS_DEAD_LETTER_KEY;
  const deadLetterKey = env.PARCOURS_DEAD_LETTER_KEY || DEVELOPMENT_DEAD_LETTER_KEY;
  if (deadLetterKey.length < 32) problems.push('PARCOURS_DEAD_LETTER_KEY must be at least 32 characters');

  const corsOrigins = list(env.PARCOURS_CORS_ORIGINS);
  for (const origin of corsOrigins) {
    if (!isOrigin(origin))
      problems.push(
        `PARCOURS_CORS_ORIGINS entry "${origin}" must be an origin such as https://parcours.departement.fr (scheme, host, port; ` +
          `no path, no *)`,
      );
    else if (production && !origin.startsWith('https://'))
      problems.push(`PARCOURS_CORS_ORIGINS entry "${origin}" must be https when NODE_ENV=production`);
  }

  const trustProxy = loadTrustProxy(env.PARCOURS_TRUST_PROXY, problems);

  const rateLimitFlag = env.PARCOURS_RATE_LIMIT ?? (production ? 'true' : 'false');
  if (!['true', 'false'].includes(rateLimitFlag)) problems.push('PARCOURS_RATE_LIMIT must be true or false');
  const rateLimit: RateLimitConfig = {
    // Off by default outside production: the test suites fire thousands of requests from one address in seconds.
    enabled: rateLimitFlag === 'true',
    windowSeconds: integer(env, 'PARCOURS_RATE_LIMIT_WINDOW_SECONDS', 60, 1, 3600, problems),
    perIdentity: integer(env, 'PARCOURS_RATE_LIMIT_PER_IDENTITY', 1200, 1, 1_000_000, problems),
    perIp: integer(env, 'PARCOURS_RATE_LIMIT_PER_IP', 6000, 1, 1_000_000, problems),
  };

  // The keys of personal data (README: Personal data): checked here so that a bad one stops the boot, not the first read.
  if (env.PARCOURS_MASTER_KEY !== undefined && Buffer.from(env.PARCOURS_MASTER_KEY, 'base64').length !== 32)
    problems.push('PARCOURS_MASTER_KEY must be 32 bytes in base64');
  for (const name of ['PARCOURS_SEARCH_KEY', 'PARCOURS_PARTNER_ID_KEY'] as const) {
    if (env[name] !== undefined && env[name]!.length < 32)
      problems.push(`${name} must be at least 32 characters`);
  }
  if (production) {
    for (const name of ['PARCOURS_MASTER_KEY', 'PARCOURS_SEARCH_KEY', 'PARCOURS_PARTNER_ID_KEY'] as const) {
      if (!env[name])
        problems.push(`${name} is required when NODE_ENV=production (personal data: README, Personal data)`);
    }
    if (env.PARCOURS_JWT_SECRET) {
      problems.push(
        'PARCOURS_JWT_SECRET is refused when NODE_ENV=production: HS256 tokens are for ' +
          'development and tests only; tokens come from the identity provider ' +
          '(PARCOURS_OIDC_ISSUER)',
      );
    }
    if (!env.PARCOURS_OIDC_ISSUER) {
      problems.push(
        'PARCOURS_OIDC_ISSUER and PARCOURS_OIDC_AUDIENCE are required when ' +
          'NODE_ENV=production: HS256 tokens are refused there, bearer tokens come from the ' +
          'identity provider',
      );
    }
    if (store === 'memory')
      problems.push('PARCOURS_STORE=memory keeps nothing and is refused when NODE_ENV=production');
    if (
      kafkaBrokers.length > 0 &&
      (deadLetterKeyIsDevelopmentDefault || deadLetterKey === DEVELOPMENT_DEAD_LETTER_KEY)
    ) {
      problems.push('PARCOURS_DEAD_LETTER_KEY is required with KAFKA_BROKERS when NODE_ENV=production');
    }
  }

  let notifications: NotificationsConfig = {};
  try {
    notifications = loadNotificationsConfig(env);
  } catch (error) {
    if (!(error instanceof NotificationsConfigError)) throw error;
    problems.push(...error.problems);
  }
  const notifyWebhookSecret = env.NOTIFY_WEBHOOK_SECRET || undefined;
  if (notifyWebhookSecret && notifyWebhookSecret.length < 32)
    problems.push('NOTIFY_WEBHOOK_SECRET must be at least 32 characters');

  const tracing = (env.PARCOURS_TRACING ?? 'off') as AppConfig['tracing'];
  if (tracing !== 'off' && tracing !== 'otlp')
    problems.push(`PARCOURS_TRACING must be off or otlp, got "${tracing}"`);

  const workerMetricsPort =
    env.PARCOURS_WORKER_METRICS_PORT === undefined || env.PARCOURS_WORKER_METRICS_PORT === ''
      ? undefined
      : Number(env.PARCOURS_WORKER_METRICS_PORT);
  if (
    workerMetricsPort !== undefined &&
    !(Number.isInteger(workerMetricsPort) && workerMetricsPort >= 0 && workerMetricsPort <= 65535)
  )
    problems.push(
      `PARCOURS_WORKER_METRICS_PORT must be an integer from 0 to 65535, got "${env.PARCOURS_WORKER_METRICS_PORT}"`,
    );

  if (problems.length) throw new ConfigError(problems);
  return {
    tracing,
    workerMetricsPort,
    notifications,
    notifyWebhookSecret,
    host: env.HOST ?? '127.0.0.1',
    port,
    store,
    dataDir: env.PARCOURS_DATA_DIR ?? '.data/pglite',
    databaseUrl,
    pgSchema,
    eventStoreConnectionString,
    kafkaBrokers,
    kafkaClientId: env.KAFKA_CLIENT_ID ?? 'parcours',
    jwtSecret,
    jwtSecretIsDevelopmentDefault,
    hs256Enabled: !production,
    oidc,
    console: consoleConfig,
    corsOrigins,
    trustProxy,
    rateLimit,
    production,
    workerInProcess: worker === 'true',
    pseudonymisationKey,
    projectionBatchSize,
    readyMaxLag,
    jwtMaxLifetimeSeconds,
    deadLetterKey,
    deadLetterKeyIsDevelopmentDefault,
  };
}

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

function integer(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  const value = Number(env[name] ?? String(fallback));
  if (!Number.isInteger(value) || value < min || value > max)
    problems.push(`${name} must be an integer from ${min} to ${max}`);
  return value;
}

function isOrigin(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
}

/** An absolute http(s) URL; https when NODE_ENV=production (tokens and keys must not travel in clear). */
function checkUrl(name: string, value: string, production: boolean, problems: string[]): void {
  if (
    !URL.canParse(value) ||
    !/^https?:$/.test(new URL(value).protocol) ||
    new URL(value).search ||
    new URL(value).hash
  ) {
    problems.push(`${name} must be an absolute http(s) URL without query, got "${value}"`);
  } else if (production && new URL(value).protocol !== 'https:') {
    problems.push(`${name} must be https when NODE_ENV=production`);
  }
}

const OIDC_VARIABLES = [
  'PARCOURS_OIDC_AUDIENCE',
  'PARCOURS_OIDC_JWKS_URI',
  'PARCOURS_OIDC_ALGORITHMS',
  'PARCOURS_OIDC_ROLE_CLAIM',
  'PARCOURS_OIDC_ROLE_MAP',
  'PARCOURS_OIDC_REFERENT_ID_CLAIM',
  'PARCOURS_OIDC_ORGANISATION_ID_CLAIM',
  'PARCOURS_OIDC_TERRITORY_CLAIM',
] as const;

function loadOidc(env: NodeJS.ProcessEnv, production: boolean, problems: string[]): OidcConfig | undefined {
  const issuer = env.PARCOURS_OIDC_ISSUER || undefined;
  if (!issuer) {
    // A provider half configured would silently leave the API on HS256 (or refuse everything): named instead.
    for (const name of OIDC_VARIABLES) if (env[name]) problems.push(`${name} needs PARCOURS_OIDC_ISSUER`);
    return undefined;
  }
  checkUrl('PARCOURS_OIDC_ISSUER', issuer, production, problems);
  const audience = list(env.PARCOURS_OIDC_AUDIENCE);
  if (audience.length === 0)
    problems.push(
      'PARCOURS_OIDC_ISSUER needs PARCOURS_OIDC_AUDIENCE (the audience of the tokens meant for this API)',
    );
  const jwksUri = env.PARCOURS_OIDC_JWKS_URI || undefined;
  if (jwksUri) checkUrl('PARCOURS_OIDC_JWKS_URI', jwksUri, production, problems);

  const algorithms = env.PARCOURS_OIDC_ALGORITHMS ? list(env.PARCOURS_OIDC_ALGORITHMS) : [...OIDC_ALGORITHMS];
  const unknown = algorithms.filter((a) => !(OIDC_ALGORITHMS as readonly string[]).includes(a));
  if (unknown.length || algorithms.length === 0)
    problems.push(
      `PARCOURS_OIDC_ALGORITHMS must list some of ${OIDC_ALGORITHMS.join(', ')}, got "${env.PARCOURS_OIDC_ALGORITHMS}"`,
    );

  const claim = (name: string, fallback: string) => {
    const path = env[name] || fallback;
    if (!isClaimPath(path))
      problems.push(
        `${name} must be a claim name or a dotted path of claim names (letters, digits, _ - :), got "${path}"`,
      );
    return path;
  };
  const claims: ClaimMapping = {
    role: claim('PARCOURS_OIDC_ROLE_CLAIM', DEFAULT_CLAIM_MAPPING.role),
    roleMap: env.PARCOURS_OIDC_ROLE_MAP ? loadRoleMap(env.PARCOURS_OIDC_ROLE_MAP, problems) : undefined,
    referentId: claim('PARCOURS_OIDC_REFERENT_ID_CLAIM', DEFAULT_CLAIM_MAPPING.referentId),
    organisationId: claim('PARCOURS_OIDC_ORGANISATION_ID_CLAIM', DEFAULT_CLAIM_MAPPING.organisationId),
    territory: claim('PARCOURS_OIDC_TERRITORY_CLAIM', DEFAULT_CLAIM_MAPPING.territory),
  };
  return { issuer, audience, jwksUri, algorithms: algorithms as OidcAlgorithm[], claims };
}

const CONSOLE_VARIABLES = [
  'PARCOURS_CONSOLE_CLIENT_SECRET',
  'PARCOURS_CONSOLE_REDIRECT_URI',
  'PARCOURS_CONSOLE_SCOPES',
  'PARCOURS_CONSOLE_RESOURCE',
] as const;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function loadConsole(
  env: NodeJS.ProcessEnv,
  production: boolean,
  withProvider: boolean,
  problems: string[],
): ConsoleConfig | undefined {
  const clientId = env.PARCOURS_CONSOLE_CLIENT_ID || undefined;
  if (!clientId) {
    // Half a console would answer "not configured" while the operator thinks it is: named instead.
    for (const name of CONSOLE_VARIABLES)
      if (env[name]) problems.push(`${name} needs PARCOURS_CONSOLE_CLIENT_ID`);
    return undefined;
  }
  if (!withProvider)
    problems.push(
      'PARCOURS_CONSOLE_CLIENT_ID needs PARCOURS_OIDC_ISSUER: agents sign in to the console through the identity provider',
    );
  const redirectUri = env.PARCOURS_CONSOLE_REDIRECT_URI ?? '';
  let secureCookie = true;
  if (!redirectUri) {
    problems.push(
      'PARCOURS_CONSOLE_CLIENT_ID needs PARCOURS_CONSOLE_REDIRECT_URI (https://<host>/console/callback)',
    );
  } else if (!URL.canParse(redirectUri) || !/^https?:$/.test(new URL(redirectUri).protocol)) {
    problems.push(`PARCOURS_CONSOLE_REDIRECT_URI must be an absolute http(s) URL, got "${redirectUri}"`);
  } else {
    const url = new URL(redirectUri);
    if (url.pathname !== '/console/callback' || url.search || url.hash)
      problems.push(`PARCOURS_CONSOLE_REDIRECT_URI must end with /console/callback, got "${redirectUri}"`);
    // Plain http only on the agent's own machine: the session cookie would otherwise travel in clear.
    if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname))
      problems.push('PARCOURS_CONSOLE_REDIRECT_URI must be https unless the console is on loopback');
    if (url.protocol === 'http:' && production)
      problems.push('PARCOURS_CONSOLE_REDIRECT_URI must be https when NODE_ENV=production');
    secureCookie = url.protocol === 'https:';
  }
  const scopes = env.PARCOURS_CONSOLE_SCOPES || 'openid';
  if (
    !/^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/.test(scopes) ||
    !scopes.split(' ').includes('openid')
  )
    problems.push(
      `PARCOURS_CONSOLE_SCOPES must be scopes separated by spaces, openid among them, got "${scopes}"`,
    );
  const resource = env.PARCOURS_CONSOLE_RESOURCE || undefined;
  if (resource && !URL.canParse(resource) && !/^[\w.:-]+$/.test(resource))
    problems.push(`PARCOURS_CONSOLE_RESOURCE must be a URI or a client id, got "${resource}"`);
  return {
    clientId,
    clientSecret: env.PARCOURS_CONSOLE_CLIENT_SECRET || undefined,
    redirectUri,
    scopes,
    resource,
    secureCookie,
  };
}

/** `provider-name=parcours-role,…`: e.g. `parcours-referent=referent,parcours-cd=departement`. */
function loadRoleMap(value: string, problems: string[]): Record<string, Role> {
  const map: Record<string, Role> = Object.create(null);
  for (const entry of list(value)) {
    const [name, role, ...rest] = entry.split('=').map((part) => part.trim());
    if (!name || rest.length || !(ROLES as readonly string[]).includes(role)) {
      problems.push(
        `PARCOURS_OIDC_ROLE_MAP entry "${entry}" must be provider-role=parcours-role, the latter one of ${ROLES.join(', ')}`,
      );
      continue;
    }
    map[name] = role as Role;
  }
  return map;
}

/** Express's `trust proxy`: hops, or addresses and subnets of the proxies (and loopback, linklocal, uniquelocal). */
function loadTrustProxy(value: string | undefined, problems: string[]): false | number | string[] {
  if (!value || value === 'false') return false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops < 1 || hops > 10)
      problems.push('PARCOURS_TRUST_PROXY as a number of proxy hops must be from 1 to 10');
    return hops;
  }
  const entries = list(value);
  for (const entry of entries) {
    const [address, prefix, ...rest] = entry.split('/');
    const named = ['loopback', 'linklocal', 'uniquelocal'].includes(entry);
    if (!named && (rest.length || !isIP(address) || (prefix !== undefined && !/^\d{1,3}$/.test(prefix)))) {
      problems.push(
        `PARCOURS_TRUST_PROXY entry "${entry}" must be an address, a subnet (address/prefix), loopback, linklocal or uniquelocal`,
      );
    }
  }
  return entries;
}

/** For a process entry point: the configuration, or exit code 2 with every problem named. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): AppConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
}
