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

  it('requires a real JWT secret in production and a database for postgres', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/PARCOURS_JWT_SECRET/);
    expect(() => loadConfig({ PARCOURS_STORE: 'postgres' })).toThrow(/DATABASE_URL/);
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
    const problemsOf = (env: Record<string, string>) => {
      try {
        loadConfig({ NODE_ENV: 'production', ...env });
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };

    it.each([
      ['the published development JWT secret', { PARCOURS_JWT_SECRET: DEVELOPMENT_JWT_SECRET }, /PARCOURS_JWT_SECRET/],
      ['no JWT secret', {}, /PARCOURS_JWT_SECRET/],
      ['the memory store', { PARCOURS_JWT_SECRET: secret, PARCOURS_STORE: 'memory' }, /PARCOURS_STORE=memory/],
      ['Kafka without a dead-letter key', { PARCOURS_JWT_SECRET: secret, KAFKA_BROKERS: 'kafka:9092' }, /PARCOURS_DEAD_LETTER_KEY/],
      ['Kafka with the development dead-letter key', { PARCOURS_JWT_SECRET: secret, KAFKA_BROKERS: 'kafka:9092', PARCOURS_DEAD_LETTER_KEY: DEVELOPMENT_DEAD_LETTER_KEY }, /PARCOURS_DEAD_LETTER_KEY/],
    ])('%s', (_, env, variable) => {
      expect(problemsOf(env as Record<string, string>).join('\n')).toMatch(variable);
    });

    it('starts with a secret, a real store and a key', () => {
      expect(problemsOf({ PARCOURS_JWT_SECRET: secret, KAFKA_BROKERS: 'kafka:9092', PARCOURS_DEAD_LETTER_KEY: key })).toEqual([]);
    });

    it.each([
      ['PARCOURS_READY_MAX_LAG', '-1'],
      ['PARCOURS_JWT_MAX_LIFETIME_SECONDS', '10'],
      ['PARCOURS_DEAD_LETTER_KEY', 'short'],
    ])('%s=%s is refused', (name, value) => {
      expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name));
    });
  });
});
