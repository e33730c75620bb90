import { Kafka, logLevel } from 'kafkajs';

/**
 * A kafkajs client; kafkajs logs only errors, as JSON lines without payloads
 * (PARCOURS_KAFKA_LOG=silent turns them off, as the tests do while they stop brokers on purpose).
 */
export function createKafka(brokers: string[], clientId = 'parcours'): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: process.env.PARCOURS_KAFKA_LOG === 'silent' ? logLevel.NOTHING : logLevel.ERROR,
    retry: { initialRetryTime: 200, retries: 8 },
  });
}
