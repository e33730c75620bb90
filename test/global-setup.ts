import net from 'node:net';
import { Client } from 'pg';

/**
 * Probes the real servers the integration tests use, once for the run.
 * Off CI, a missing server makes its tests skip with a one-line reason;
 * under CI=true a missing server fails the run.
 */
export const POSTGRES_URL =
  process.env.PARCOURS_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const KAFKA_BROKER = process.env.PARCOURS_TEST_KAFKA_BROKER ?? '127.0.0.1:9092';

async function postgresAnswers(): Promise<string | undefined> {
  const client = new Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return `PostgreSQL at ${POSTGRES_URL} does not answer (${(error as Error).message})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function kafkaAnswers(): Promise<string | undefined> {
  const [host, port] = KAFKA_BROKER.split(':');
  return new Promise((resolve) => {
    const socket = net.connect({ host, port: Number(port), timeout: 3000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    const fail = () => {
      socket.destroy();
      resolve(`no Kafka broker at ${KAFKA_BROKER} (start one with: npm run kafka:start)`);
    };
    socket.once('error', fail);
    socket.once('timeout', fail);
  });
}

export default async function globalSetup(): Promise<void> {
  const missing: Record<string, string | undefined> = {
    PARCOURS_TEST_POSTGRES_MISSING: await postgresAnswers(),
    PARCOURS_TEST_KAFKA_MISSING: await kafkaAnswers(),
  };
  const problems = Object.values(missing).filter((m): m is string => Boolean(m));
  if (problems.length && process.env.CI === 'true') {
    throw new Error(`CI=true and a required server is missing:\n  - ${problems.join('\n  - ')}`);
  }
  for (const [key, reason] of Object.entries(missing)) {
    if (reason) {
      process.env[key] = reason;
      console.log(`\nskipping tests that need it: ${reason}`);
    } else {
      delete process.env[key];
    }
  }
  // Tests stop brokers on purpose: kafkajs's connection errors would drown the output.
  process.env.PARCOURS_KAFKA_LOG = process.env.PARCOURS_KAFKA_LOG ?? 'silent';
  process.env.PARCOURS_TEST_DATABASE_URL = POSTGRES_URL;
  process.env.PARCOURS_TEST_KAFKA_BROKER = KAFKA_BROKER;
}
