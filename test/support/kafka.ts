import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Kafka } from 'kafkajs';
import { ensureTopic } from '../../libs/messaging/src/outbound/kafka-sink';
import { uniqueName } from './services';

export interface Received {
  key: string;
  messageId: string;
  value: Record<string, unknown>;
  headers: Record<string, string>;
}

/** Reads a topic from the beginning with a fresh consumer group until `done` holds. */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  done: (all: Received[]) => boolean,
  timeoutMs = 60_000,
): Promise<Received[]> {
  await ensureTopic(kafka, topic);
  const consumer = kafka.consumer({ groupId: uniqueName('reader'), sessionTimeout: 10000 });
  const all: Received[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out reading ${topic}: ${all.length} messages`)),
        timeoutMs,
      );
      consumer
        .run({
          eachMessage: async ({ message }) => {
            const headers = Object.fromEntries(
              Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
            );
            let value: Record<string, unknown> = {};
            try {
              value = JSON.parse(message.value?.toString() ?? '{}');
            } catch {
              value = { raw: message.value?.toString() };
            }
            all.push({
              key: message.key?.toString() ?? '',
              messageId: headers['message-id'] ?? '',
              value,
              headers,
            });
            if (done(all)) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return all;
}

/** What a consumer keeps after dropping duplicates by message id (the first occurrence wins). */
export function deduplicate(messages: Received[]): Received[] {
  const seen = new Set<string>();
  return messages.filter((m) => !seen.has(m.messageId) && seen.add(m.messageId));
}

/** A second broker of our own, for tests that stop and restart it. */
export function privateBroker(port: number) {
  const env = {
    ...process.env,
    KAFKA_HOME: `/tmp/parcours-kafka-${port}`,
    KAFKA_PORT: String(port),
    KAFKA_LIBS: `${process.env.HOME}/.cache/parcours-kafka/libs`,
  };
  const run = promisify(execFile);
  return {
    address: `127.0.0.1:${port}`,
    start: (keepData = false) =>
      run('bash', ['infra/kafka/start.sh'], { env: { ...env, KAFKA_KEEP_DATA: keepData ? '1' : '0' } }),
    stop: () => run('bash', ['infra/kafka/stop.sh'], { env }),
  };
}

export async function waitUntil(
  condition: () => Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
