import { Consumer, Kafka } from 'kafkajs';
import { describeWithKafka, kafkaBroker, uniqueName } from '../../../test/support/services';
import { createKafka } from './kafka-client';
import { ensureTopic } from './outbound/kafka-sink';

/**
 * Proves the broker started by infra/kafka: what is produced with acks=all is
 * consumed, offsets committed by hand survive a consumer restart, and nothing
 * is lost or read twice across it.
 */
describeWithKafka('Kafka round trip against the real broker', () => {
  let kafka: Kafka;
  const consumers: Consumer[] = [];

  beforeAll(() => {
    kafka = createKafka([kafkaBroker()], uniqueName('round-trip'));
  });
  afterAll(async () => {
    for (const c of consumers) await c.disconnect().catch(() => undefined);
  });

  async function consumeUntil(
    topic: string,
    groupId: string,
    stopAfter: number,
    into: string[],
  ): Promise<Consumer> {
    const consumer = kafka.consumer({ groupId, sessionTimeout: 10000, heartbeatInterval: 1000 });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let handled = 0;
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ topic: t, partition, message }) => {
            if (handled >= stopAfter) return;
            into.push(message.value!.toString());
            handled++;
            // Commit only after the message was handled: the next offset.
            await consumer.commitOffsets([
              { topic: t, partition, offset: (BigInt(message.offset) + 1n).toString() },
            ]);
            if (handled === stopAfter) resolve();
          },
        })
        .catch(reject);
    });
    return consumer;
  }

  it('produces, consumes, commits offsets, restarts the consumer and loses nothing', async () => {
    const topic = uniqueName('round-trip');
    await ensureTopic(kafka, topic, { numPartitions: 1 });

    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const sent = Array.from({ length: 100 }, (_, i) => `message-${i}`);
    await producer.send({ topic, acks: -1, messages: sent.map((value, i) => ({ key: `k${i % 7}`, value })) });
    await producer.disconnect();

    const groupId = uniqueName('group');
    const received: string[] = [];
    const first = await consumeUntil(topic, groupId, 40, received);
    await first.disconnect();
    expect(received).toEqual(sent.slice(0, 40));

    // A new consumer in the same group resumes after the last committed offset.
    await consumeUntil(topic, groupId, 60, received);
    expect(received).toEqual(sent);
  });
});
