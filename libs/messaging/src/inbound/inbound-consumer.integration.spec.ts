import { randomInt } from 'node:crypto';
import { Kafka } from 'kafkajs';
import { Client } from 'pg';
import { readTopic, Received, waitUntil } from '../../../../test/support/kafka';
import { describeWithKafka, kafkaBroker, postgresUrl, uniqueName } from '../../../../test/support/services';
import { createKafka } from '../kafka-client';
import { ensureTopic, KafkaSink } from '../outbound/kafka-sink';
import {
  CommandGateway,
  InboundConsumer,
  InboundStatus,
  openDeadLetter,
  replayDeadLetters,
} from './inbound-consumer';

const KEY = 'inbound-consumer-test-key-of-at-least-32-characters';
const itWithPostgres = process.env.PARCOURS_TEST_POSTGRES_MISSING ? it.skip : it;

/** A real data error of PostgreSQL: a NUL byte in jsonb (22P05), as the store met it with a CAF name. */
async function postgresDataError(): Promise<never> {
  const client = new Client({ connectionString: postgresUrl(), application_name: 'parcours-inbound-test' });
  await client.connect();
  try {
    await client.query('select $1::jsonb', ['{"lastName":"Du\\u0000rand"}']);
  } finally {
    await client.end();
  }
  throw new Error('PostgreSQL accepted a NUL byte');
}

/** Stands for the API's write path: records what was applied, fails as each test tells it to. */
class Gateway implements CommandGateway {
  readonly applied: string[] = [];
  readonly attempts = new Map<string, number>();
  readonly behaviour = new Map<string, (attempt: number) => Promise<void>>();

  async execute(
    _id: string | undefined,
    _command: unknown,
    _identity: unknown,
    headers: { idempotencyKey: string },
  ): Promise<unknown> {
    const attempt = (this.attempts.get(headers.idempotencyKey) ?? 0) + 1;
    this.attempts.set(headers.idempotencyKey, attempt);
    await this.behaviour.get(headers.idempotencyKey)?.(attempt);
    this.applied.push(headers.idempotencyKey);
    return {};
  }
}

/** The consumer against the real broker, on topics and a group of its own. */
describeWithKafka(
  'the inbound consumer on the real broker: poison messages, passing failures, dead letters',
  () => {
    jest.setTimeout(120_000);
    const topics = {
      caf: uniqueName('caf-in'),
      franceTravail: uniqueName('ft-in'),
      deadLetters: uniqueName('dead-letters'),
    };
    const run = uniqueName('m').replace(/-/g, '');
    let kafka: Kafka;
    let sink: KafkaSink;
    let gateway: Gateway;
    let consumer: InboundConsumer;

    /** Personal data of this run, none of which may appear in a dead letter. */
    const person = {
      cafNumber: `${randomInt(1_000_000, 9_999_999)}`,
      // Names are letters only: the digits of the run become letters.
      lastName: `Kowalczyk${run.replace(/[0-9]/g, (d) => 'ghijklmnop'[Number(d)])}`,
      firstName: `Apolline${run.replace(/[0-9]/g, (d) => 'qrstuvwxyz'[Number(d)])}`,
      birthDate: `19${randomInt(40, 99)}-0${randomInt(1, 9)}-1${randomInt(0, 9)}`,
      nir: `2${randomInt(40, 99)}0${randomInt(1, 9)}62${randomInt(100_000, 999_999)}${randomInt(10, 99)}`,
    };
    const entry = (n: string, overrides: Record<string, unknown> = {}) => ({
      messageId: `${run}-${n}`,
      type: 'entry',
      person: {
        cafNumber: person.cafNumber,
        rank: 1,
        lastName: person.lastName,
        firstName: person.firstName,
        birthDate: person.birthDate,
        sex: 'female',
        nir: person.nir,
      },
      household: { type: 'single', size: 1 },
      territory: 'ARRAGEOIS',
      demandOn: '2025-01-02',
      rightOpenedOn: '2025-01-03',
      enteredOn: '2025-01-06',
      ...overrides,
    });
    /** Keyed by the numéro allocataire, as the CAF does: one partition, in order. */
    const send = (values: (object | string)[]) =>
      sink.send(
        topics.caf,
        values.map((v) => ({
          key: person.cafNumber,
          value: typeof v === 'string' ? v : JSON.stringify(v),
          headers: { 'x-partner-trace': `${run}-trace` },
        })),
      );
    const applied = (id: string) => async () => gateway.applied.includes(`${run}-${id}`);
    const deadLetterEnd = async (topic = topics.deadLetters) => {
      await ensureTopic(kafka, topic);
      const admin = kafka.admin();
      await admin.connect();
      try {
        return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
      } finally {
        await admin.disconnect();
      }
    };

    beforeAll(async () => {
      kafka = createKafka([kafkaBroker()], 'inbound-consumer-tests');
      sink = new KafkaSink(kafka);
      gateway = new Gateway();
      consumer = new InboundConsumer(kafka, gateway, new KafkaSink(kafka), {
        deadLetterKey: KEY,
        groupId: uniqueName('inbound'),
        topics,
        maxAttempts: 3,
        retryBaseMs: 20,
      });
      await consumer.start();
    });
    afterAll(async () => {
      await consumer?.stop();
      await sink?.close();
    });

    itWithPostgres(
      'dead-letters a poison message at once and moves its partition on; the dead ' +
        'letters hold no personal data; replay re-injects the original',
      async () => {
        // A message whose command PostgreSQL refuses past every schema (22P05), until the fix.
        let fixed = false;
        gateway.behaviour.set(`${run}-store-refuses`, async () => {
          if (!fixed) await postgresDataError();
        });
        const garbage = `{"person":{"lastName":"${person.lastName}","nir":"${person.nir}","birthDate":"${person.birthDate}"`;
        await send([
          entry('before'),
          entry('nul-byte', { person: { ...entry('x').person, lastName: `Du\u0000rand${person.lastName}` } }),
          entry('store-refuses'),
          entry('reserved-territory', { territory: 'constructor' }),
          garbage,
          entry('after'),
        ]);
        await waitUntil(applied('after'), 'the message behind the poison ones');
        expect(gateway.applied.filter((id) => id.startsWith(run))).toEqual([`${run}-before`, `${run}-after`]);
        // Dead-lettered at once: each was tried once.
        expect(gateway.attempts.get(`${run}-store-refuses`)).toBe(1);

        const letters = await readTopic(kafka, topics.deadLetters, (all) => all.length >= 4);
        const byId = (id: string) => letters.find((l) => l.headers['message-id'] === `${run}-${id}`)!.headers;
        expect(byId('nul-byte')).toMatchObject({
          'error-code': 'INVALID_MESSAGE',
          'error-message': '/person/lastName (pattern)',
          attempts: '1',
          'original-topic': topics.caf,
        });
        expect(byId('store-refuses')).toMatchObject({
          'error-code': 'SQLSTATE_22P05',
          'error-message': 'SQLSTATE_22P05',
          attempts: '1',
        });
        expect(byId('reserved-territory')).toMatchObject({
          'error-code': 'INVALID_MESSAGE',
          'error-message': '/territory (pattern)',
        });
        expect(letters.filter((l) => !l.headers['message-id']).map((l) => l.headers['error-code'])).toEqual([
          'MALFORMED_JSON',
        ]);

        // Nothing personal in clear, in the value, the key or the headers.
        const everything = JSON.stringify(letters.map((l: Received) => [l.key, l.value, l.headers]));
        for (const value of Object.values(person)) expect(everything).not.toContain(value);
        expect(everything).not.toContain(`${run}-trace`);
        for (const l of letters)
          expect(Object.keys(l.value).sort()).toEqual(['ciphertext', 'encrypted', 'iv', 'tag']);

        // With another key nothing is replayed, and the letters stay for the right key.
        const wrong = await replayDeadLetters(kafka, sink, {
          deadLetterKey: 'not-the-departement-key-of-32-characters',
          topic: topics.deadLetters,
          groupId: `${topics.deadLetters}-replay`,
        });
        expect(wrong.replayed).toBe(0);
        expect(wrong.unreadable.map((u) => u.reason)).toEqual([
          'WRONG_KEY_OR_DAMAGED',
          'WRONG_KEY_OR_DAMAGED',
          'WRONG_KEY_OR_DAMAGED',
          'WRONG_KEY_OR_DAMAGED',
        ]);

        // The fix, then the replay of that code only: the partner's exact bytes and headers come back and are applied.
        fixed = true;
        const replay = await replayDeadLetters(kafka, sink, {
          deadLetterKey: KEY,
          filterCode: 'SQLSTATE_22P05',
          topic: topics.deadLetters,
          groupId: `${topics.deadLetters}-replay`,
        });
        expect(replay).toEqual({ replayed: 1, unreadable: [] });
        await waitUntil(applied('store-refuses'), 'the replayed message');
        const reinjected = (
          await readTopic(kafka, topics.caf, (all) => all.some((m) => m.headers['replayed-from']))
        ).find((m) => m.headers['replayed-from'])!;
        expect(reinjected).toMatchObject({
          key: person.cafNumber,
          value: entry('store-refuses'),
          headers: { 'x-partner-trace': `${run}-trace` },
        });
        expect(
          openDeadLetter(
            JSON.stringify(letters.find((l) => l.headers['error-code'] === 'MALFORMED_JSON')!.value),
            KEY,
          ).value!.toString(),
        ).toBe(garbage);

        await waitUntil(async () => (await consumer.status()).lag === 0, 'the consumer to commit');
        const status = await consumer.status();
        expect(status).toEqual({
          name: 'kafka-inbound',
          status: 'running',
          lastError: null,
          retrying: [],
          lag: 0,
          partitions: expect.any(Array),
          // Counted by code as they were dead-lettered (the replay does not take them back).
          deadLettered: { INVALID_MESSAGE: 2, SQLSTATE_22P05: 1, MALFORMED_JSON: 1 },
          deadLettersHeld: 4,
        });
        // Every partition of both flows, each committed to its end.
        expect(new Set(status.partitions.map((p) => p.topic))).toEqual(
          new Set([topics.caf, topics.franceTravail]),
        );
        expect(status.partitions.filter((p) => p.behind !== 0)).toEqual([]);
      },
    );

    it('retries a passing failure in place, its partition waiting, and shows it in status(); nothing is dead-lettered', async () => {
      const deadBefore = await deadLetterEnd();
      const seen: InboundStatus[] = [];
      gateway.behaviour.set(`${run}-store-away`, async (attempt) => {
        if (attempt === 2) seen.push(await consumer.status());
        if (attempt < 3)
          throw Object.assign(new Error('terminating connection due to administrator command'), {
            code: '57P01',
          });
      });
      await send([entry('store-away'), entry('behind-store-away')]);
      await waitUntil(applied('behind-store-away'), 'the message behind the retried one');
      expect(gateway.applied.filter((id) => id.includes('store-away'))).toEqual([
        `${run}-store-away`,
        `${run}-behind-store-away`,
      ]);
      expect(gateway.attempts.get(`${run}-store-away`)).toBe(3);
      expect(seen).toEqual([
        {
          name: 'kafka-inbound',
          status: 'retrying',
          lastError: expect.stringMatching(/^SQLSTATE_57P01 on caf-in-\w+\/\d@\d+ \(attempt 1\)$/),
          retrying: [
            {
              topic: topics.caf,
              partition: expect.any(Number),
              offset: expect.any(String),
              attempts: 1,
              since: expect.any(String),
              error: 'SQLSTATE_57P01',
            },
          ],
          lag: expect.any(Number),
          partitions: expect.any(Array),
          deadLettered: expect.any(Object),
          deadLettersHeld: expect.any(Number),
        },
      ]);
      expect(seen[0].lag).toBeGreaterThanOrEqual(2);
      // The lag is that of the retried message's partition: the others are not held.
      const held = seen[0].partitions.filter((p) => p.behind > 0);
      expect(held).toEqual([
        { topic: topics.caf, partition: seen[0].retrying[0].partition, behind: seen[0].lag },
      ]);
      expect(await deadLetterEnd()).toBe(deadBefore);
      await waitUntil(async () => (await consumer.status()).lag === 0, 'the consumer to commit');
      expect((await consumer.status()).status).toBe('running');
    });

    it('dead-letters a failure that does not pass after the bound, with the reason and the last code, and moves on', async () => {
      gateway.behaviour.set(`${run}-store-down`, async () => {
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      });
      gateway.behaviour.set(`${run}-bug`, async () => {
        throw new TypeError(`cannot read ${person.lastName}`);
      });
      await send([entry('store-down'), entry('bug'), entry('behind-bug')]);
      await waitUntil(applied('behind-bug'), 'the message behind the failing ones');
      const letters = await readTopic(
        kafka,
        topics.deadLetters,
        (all) =>
          all.filter((l) => ['store-down', 'bug'].some((id) => l.headers['message-id'] === `${run}-${id}`))
            .length === 2,
      );
      const headers = (id: string) =>
        letters.find((l) => l.headers['message-id'] === `${run}-${id}`)!.headers;
      expect(headers('store-down')).toMatchObject({
        'error-code': 'TRANSIENT_RETRIES_EXHAUSTED',
        'last-error-code': 'ECONNREFUSED',
        attempts: '3',
      });
      expect(headers('bug')).toMatchObject({
        'error-code': 'TRANSIENT_RETRIES_EXHAUSTED',
        'last-error-code': 'TypeError',
        'error-message': 'TypeError',
        attempts: '3',
      });
      expect(JSON.stringify(letters.map((l) => [l.key, l.value, l.headers]))).not.toContain(person.lastName);
      await waitUntil(async () => (await consumer.status()).lag === 0, 'the consumer to commit');
      expect(await consumer.status()).toMatchObject({
        status: 'running',
        retrying: [],
        lag: 0,
        lastError: expect.stringMatching(/^TypeError on /),
      });
    });

    it('says stopped once stopped', async () => {
      await consumer.stop();
      expect(await consumer.status()).toMatchObject({ status: 'stopped', retrying: [], lag: null });
    });

    it('stopped while it retries, leaves the message uncommitted: the next consumer of the group applies it', async () => {
      const own = {
        caf: uniqueName('caf-in'),
        franceTravail: uniqueName('ft-in'),
        deadLetters: uniqueName('dead-letters'),
      };
      const groupId = uniqueName('inbound');
      const failing = new Gateway();
      failing.behaviour.set(`${run}-stuck`, async () => {
        throw Object.assign(new Error('the database system is starting up'), { code: '57P03' });
      });
      const first = new InboundConsumer(kafka, failing, new KafkaSink(kafka), {
        deadLetterKey: KEY,
        groupId,
        topics: own,
        maxAttempts: 1000,
        retryBaseMs: 60_000,
      });
      await first.start();
      await sink.send(own.caf, [
        { key: person.cafNumber, value: JSON.stringify(entry('stuck')), headers: {} },
      ]);
      await waitUntil(async () => (await first.status()).status === 'retrying', 'the retry');
      await first.stop();
      expect(await first.status()).toMatchObject({ status: 'stopped', retrying: [] });

      const gatewayOfNext = new Gateway();
      const next = new InboundConsumer(kafka, gatewayOfNext, new KafkaSink(kafka), {
        deadLetterKey: KEY,
        groupId,
        topics: own,
      });
      await next.start();
      try {
        await waitUntil(
          async () => gatewayOfNext.applied.includes(`${run}-stuck`),
          'the message, by the next consumer',
        );
        expect(await deadLetterEnd(own.deadLetters)).toBe(0);
      } finally {
        await next.stop();
      }
    });
  },
);
