import { ConfigError, DEVELOPMENT_JWT_SECRET, loadConfig } from './config';

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
});
