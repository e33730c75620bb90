import { IHeaders, Kafka, Producer } from 'kafkajs';

/** Creates a topic if it does not exist and waits until it has a leader. */
export async function ensureTopic(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

export interface OutgoingMessage {
  key: string;
  value: string;
  headers: IHeaders;
}

/** Where the relay sends: Kafka in production, a test double where a test needs to crash mid-way. */
export interface MessageSink {
  /** Resolves once every message is acknowledged by all in-sync replicas. */
  send(topic: string, messages: OutgoingMessage[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * A kafkajs producer with acks = all and one request in flight, so that a
 * retried send cannot overtake an earlier one: a parcours's events keep their
 * order. After a failure the producer is dropped and reconnected on the next
 * send, which is how publication resumes when the broker comes back.
 */
export class KafkaSink implements MessageSink {
  private producer?: Producer;
  /** Topics known to exist: each is created (with its leader elected) before its first message. */
  private readonly topics = new Set<string>();

  constructor(private readonly kafka: Kafka) {}

  private async connected(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.kafka.producer({
        maxInFlightRequests: 1,
        idempotent: false,
        allowAutoTopicCreation: true,
        retry: { retries: 3 },
      });
      await producer.connect();
      this.producer = producer;
    }
    return this.producer;
  }

  private async ensureTopic(topic: string): Promise<void> {
    if (this.topics.has(topic)) return;
    await ensureTopic(this.kafka, topic);
    this.topics.add(topic);
  }

  async send(topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    try {
      await this.ensureTopic(topic);
      await (await this.connected()).send({ topic, acks: -1, messages });
    } catch (error) {
      const producer = this.producer;
      this.producer = undefined;
      await producer?.disconnect().catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
  }
}
