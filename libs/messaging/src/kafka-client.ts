import { Kafka, logLevel } from 'kafkajs';

/** One kafkajs client per process; kafkajs logs only errors, as JSON lines without payloads. */
export function createKafka(brokers: string[], clientId = 'parcours'): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.ERROR,
    retry: { initialRetryTime: 200, retries: 8 },
  });
}
