import { IHeaders, Kafka, Producer } from 'kafkajs';

/** Errors a broker answers while a topic it has just created is not yet known to every part of it. */
const TOPIC_NOT_READY = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

/**
 * Creates a topic if it does not exist and waits until every partition has a
 * leader. A broker may answer "does not host this topic-partition" for a short
 * while after the creation (kafkajs's own wait only retries a missing leader),
 * so both answers are waited out, within `timeoutMs`.
 */
export async function ensureTopic(
  kafka: Kafka,
  topic: string,
  { numPartitions, timeoutMs = 30_000 }: { numPartitions?: number; timeoutMs?: number } = {},
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const deadline = Date.now() + timeoutMs;
  try {
    for (let delay = 50; ; delay = Math.min(delay * 2, 1_000)) {
      try {
        await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
        const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
        if (topics[0]?.partitions.length && topics[0].partitions.every((p) => p.leader >= 0)) return;
      } catch (error) {
        if (!TOPIC_NOT_READY.has((error as { type?: string }).type ?? '') || Date.now() > deadline)
          throw error;
      }
      if (Date.now() > deadline) throw new Error(`kafka: topic ${topic} has no leader after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
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
