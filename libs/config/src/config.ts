/**
 * Configuration from environment variables, validated once at boot: a bad
 * value stops the process with a message naming the variable, instead of
 * failing later in the middle of a request.
 */
export type StoreKind = 'embedded' | 'postgres' | 'eventstoredb' | 'memory';

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
  jwtSecret: string;
  /** True when the JWT secret is the development one (refused in production). */
  jwtSecretIsDevelopmentDefault: boolean;
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
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Only for local use: a deployment must set PARCOURS_JWT_SECRET. */
export const DEVELOPMENT_JWT_SECRET = 'parcours-development-secret-do-not-use-in-production';

/** Only for local use: a deployment with Kafka must set PARCOURS_DEAD_LETTER_KEY. */
export const DEVELOPMENT_DEAD_LETTER_KEY = 'parcours-development-dead-letter-key-not-for-production';

const STORES: StoreKind[] = ['embedded', 'postgres', 'eventstoredb', 'memory'];

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const production = env.NODE_ENV === 'production';

  const port = Number(env.PORT ?? '3000');
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`PORT must be an integer from 0 to 65535, got "${env.PORT}"`);

  const store = (env.PARCOURS_STORE ?? 'embedded') as StoreKind;
  if (!STORES.includes(store)) problems.push(`PARCOURS_STORE must be one of ${STORES.join(', ')}, got "${env.PARCOURS_STORE}"`);

  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) problems.push('DATABASE_URL must start with postgres:// or postgresql://');
  if (store === 'postgres' && !databaseUrl) problems.push('PARCOURS_STORE=postgres needs DATABASE_URL');

  const eventStoreConnectionString = env.EVENTSTORE_CONNECTION_STRING || undefined;
  if (store === 'eventstoredb' && !eventStoreConnectionString) problems.push('PARCOURS_STORE=eventstoredb needs EVENTSTORE_CONNECTION_STRING');
  if (store === 'eventstoredb' && !databaseUrl) problems.push('PARCOURS_STORE=eventstoredb needs DATABASE_URL for the read models');

  const pgSchema = env.PARCOURS_PG_SCHEMA ?? 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(pgSchema)) problems.push('PARCOURS_PG_SCHEMA must be a lower-case SQL identifier');

  const kafkaBrokers = (env.KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()).filter(Boolean);
  for (const b of kafkaBrokers) if (!/^[\w.-]+:\d{1,5}$/.test(b)) problems.push(`KAFKA_BROKERS entry "${b}" must be host:port`);

  const jwtSecretIsDevelopmentDefault = !env.PARCOURS_JWT_SECRET;
  const jwtSecret = env.PARCOURS_JWT_SECRET || DEVELOPMENT_JWT_SECRET;
  if (production && jwtSecretIsDevelopmentDefault) problems.push('PARCOURS_JWT_SECRET is required when NODE_ENV=production');
  if (jwtSecret.length < 32) problems.push('PARCOURS_JWT_SECRET must be at least 32 characters');

  const worker = env.PARCOURS_WORKER_IN_PROCESS ?? 'true';
  if (!['true', 'false'].includes(worker)) problems.push('PARCOURS_WORKER_IN_PROCESS must be true or false');

  const pseudonymisationKey = env.PARCOURS_PSEUDONYMISATION_KEY || undefined;
  if (pseudonymisationKey && pseudonymisationKey.length < 32) problems.push('PARCOURS_PSEUDONYMISATION_KEY must be at least 32 characters');

  const projectionBatchSize = Number(env.PARCOURS_PROJECTION_BATCH_SIZE ?? '500');
  if (!Number.isInteger(projectionBatchSize) || projectionBatchSize < 1 || projectionBatchSize > 10000) {
    problems.push('PARCOURS_PROJECTION_BATCH_SIZE must be an integer from 1 to 10000');
  }

  const readyMaxLag = Number(env.PARCOURS_READY_MAX_LAG ?? '10000');
  if (!Number.isInteger(readyMaxLag) || readyMaxLag < 0) problems.push('PARCOURS_READY_MAX_LAG must be a whole number of events (0 or more)');

  const jwtMaxLifetimeSeconds = Number(env.PARCOURS_JWT_MAX_LIFETIME_SECONDS ?? '43200');
  if (!Number.isInteger(jwtMaxLifetimeSeconds) || jwtMaxLifetimeSeconds < 60 || jwtMaxLifetimeSeconds > 31 * 24 * 3600) {
    problems.push('PARCOURS_JWT_MAX_LIFETIME_SECONDS must be an integer from 60 to 2678400');
  }

  const deadLetterKeyIsDevelopmentDefault = !env.PARCOURS_DEAD_LETTER_KEY;
  const deadLetterKey = env.PARCOURS_DEAD_LETTER_KEY || DEVELOPMENT_DEAD_LETTER_KEY;
  if (deadLetterKey.length < 32) problems.push('PARCOURS_DEAD_LETTER_KEY must be at least 32 characters');

  if (production) {
    if (env.PARCOURS_JWT_SECRET === DEVELOPMENT_JWT_SECRET) problems.push('PARCOURS_JWT_SECRET must not be the published development secret when NODE_ENV=production');
    if (store === 'memory') problems.push('PARCOURS_STORE=memory keeps nothing and is refused when NODE_ENV=production');
    if (kafkaBrokers.length > 0 && (deadLetterKeyIsDevelopmentDefault || deadLetterKey === DEVELOPMENT_DEAD_LETTER_KEY)) {
      problems.push('PARCOURS_DEAD_LETTER_KEY is required with KAFKA_BROKERS when NODE_ENV=production');
    }
  }

  if (problems.length) throw new ConfigError(problems);
  return {
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
