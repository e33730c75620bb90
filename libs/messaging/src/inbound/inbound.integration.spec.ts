import { loadConfig } from '@parcours/config';
import type { SqlClient } from '@parcours/event-store';
import { SQL } from '@parcours/runtime';
import { Kafka } from 'kafkajs';
import { messagingCommand } from '../../../../apps/cli/src/messaging.commands';
import {
  bearer,
  seedReferenceData,
  startApi,
  StoreUnderTest,
  TestApi,
  tokens,
} from '../../../../test/support/api';
import { readTopic, Received, waitUntil } from '../../../../test/support/kafka';
import { describeWithKafka, kafkaBroker, uniqueName } from '../../../../test/support/services';
import { createKafka } from '../kafka-client';
import { KafkaSink } from '../outbound/kafka-sink';
import { openDeadLetter, OriginalMessage, parcoursIdOfCafPerson } from './inbound-consumer';
import { CAF_TOPIC, DEAD_LETTER_TOPIC, FRANCE_TRAVAIL_TOPIC } from './inbound-messages';

const store: StoreUnderTest = process.env.PARCOURS_TEST_POSTGRES_MISSING ? 'embedded' : 'postgres';
/** The Département's key the dead letters are sealed with. */
const DEAD_LETTER_KEY = 'partner-flows-test-dead-letter-key-32-characters';

const entry = (run: string, n: number) => ({
  messageId: `${run}-entry-${n}`,
  type: 'entry',
  person: {
    cafNumber: `${run.slice(-6).toUpperCase()}${n}`,
    rank: 1,
    lastName: 'Durand',
    firstName: 'Sam',
    birthDate: '1988-02-03',
    sex: 'male',
  },
  household: { type: 'single', size: 1 },
  territory: 'ARRAGEOIS',
  demandOn: '2025-01-02',
  rightOpenedOn: '2025-01-03',
  enteredOn: '2025-01-06',
});

/** The CAF and France Travail flows, consumed by the worker inside a running API, against the real broker. */
describeWithKafka('partner flows from Kafka', () => {
  jest.setTimeout(240_000);
  let api: TestApi;
  let kafka: Kafka;
  let sink: KafkaSink;
  const run = uniqueName('caf').replace(/-/g, '');

  beforeAll(async () => {
    api = await startApi(store, undefined, {
      KAFKA_BROKERS: kafkaBroker(),
      PARCOURS_DEAD_LETTER_KEY: DEAD_LETTER_KEY,
    });
    await seedReferenceData(api);
    kafka = createKafka([kafkaBroker()], 'flow-tests');
    sink = new KafkaSink(kafka);
  });
  afterAll(async () => {
    await sink.close();
    await api.close();
  });

  /**
   * Partners key their messages by person (CAF: numéro allocataire; France Travail: parcours id), so that a person's
   * messages stay in order.
   */
  const keyOf = (v: object | string): string => {
    if (typeof v === 'string') return 'garbage';
    const m = v as { parcoursId?: string; person?: { cafNumber: string } };
    return m.parcoursId ?? m.person?.cafNumber ?? 'none';
  };
  const send = (topic: string, values: (object | string)[], key?: string) =>
    sink.send(
      topic,
      values.map((v) => ({
        key: key ?? keyOf(v),
        value: typeof v === 'string' ? v : JSON.stringify(v),
        headers: {},
      })),
    );

  /** How many rows of a store table (streams or events) belong to these parcours. */
  async function countIn(table: 'streams' | 'events', ids: string[]): Promise<number> {
    const sql = api.app.get<symbol, SqlClient>(SQL);
    const [row] = await sql.query<{ n: number }>(
      `select count(*)::int as n from ${table} where stream_id = any($1::text[])`,
      [ids.map((id) => `parcours-${id}`)],
    );
    return row.n;
  }
  const parcoursCount = (ids: string[]) => countIn('streams', ids);
  const eventCount = (ids: string[]) => countIn('events', ids);

  async function consumerCaughtUp(): Promise<boolean> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      for (const topic of [CAF_TOPIC, FRANCE_TRAVAIL_TOPIC]) {
        const ends = await admin.fetchTopicOffsets(topic);
        const [committed] = await admin.fetchOffsets({ groupId: 'parcours-inbound', topics: [topic] });
        for (const end of ends) {
          const c = committed.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
          if (end.high !== '0' && BigInt(c) < BigInt(end.high)) return false;
        }
      }
      return true;
    } finally {
      await admin.disconnect();
    }
  }

  it('creates 1 000 parcours from a CAF entry flow of 1 000 messages, and none when it is replayed', async () => {
    const messages = Array.from({ length: 1000 }, (_, n) => entry(run, n));
    const ids = messages.map((m) => parcoursIdOfCafPerson(m.person));
    await send(CAF_TOPIC, messages);
    await waitUntil(async () => (await parcoursCount(ids)) === 1000, '1 000 parcours', 180_000);
    await waitUntil(consumerCaughtUp, 'the consumer to commit');
    expect(await eventCount(ids)).toBe(1000);

    await send(CAF_TOPIC, messages);
    await waitUntil(consumerCaughtUp, 'the replay to be consumed', 180_000);
    expect(await parcoursCount(ids)).toBe(1000);
    expect(await eventCount(ids)).toBe(1000);
  });

  it('sends poison messages to the dead letters with their reason, sealed, goes on, and re-injects after a fix', async () => {
    // Personal data of this run only: none may appear in clear in the dead-letter topic.
    const nir = `1880262${String(Date.now()).slice(-6)}${String(Math.floor(Math.random() * 90) + 10)}`;
    // Unique to the run, and a name (letters only): the digits of the run become letters.
    const lastName = `Lefebvre${run.replace(/[0-9]/g, (d) => 'ghijklmnop'[Number(d)])}`;
    const personal = (n: number, person: Record<string, unknown> = {}) => ({
      ...entry(run, n),
      person: { ...entry(run, n).person, lastName, nir, ...person },
    });
    const before = entry(run, 5001);
    const after = entry(run, 5002);
    const unknown = {
      messageId: `${run}-exit-5003`,
      type: 'exit',
      person: { cafNumber: `${run.slice(-6).toUpperCase()}5003`, rank: 1 },
      exitedOn: '2025-03-01',
      reason: 'income',
    };
    const invalid = { ...personal(5004), enteredOn: 'tomorrow' };
    // Regression: a NUL byte in the last name passed the schema, PostgreSQL refused it (22P05) and the partition waited for ever.
    const nulByte = personal(5005, { lastName: `Du\u0000rand${run}` });
    const reserved = { ...personal(5006), territory: 'constructor' };
    const garbage = `{"run": "${run}", "lastName": "${lastName}", "nir": "${nir}", not json`;
    // One key: every message on one partition, the good one behind the poison ones.
    await send(
      CAF_TOPIC,
      [before, garbage, unknown, invalid, nulByte, reserved, after],
      before.person.cafNumber,
    );
    await waitUntil(
      async () => (await parcoursCount([parcoursIdOfCafPerson(after.person)])) === 1,
      'the message after the poison',
      60_000,
    );
    expect(await parcoursCount([parcoursIdOfCafPerson(before.person)])).toBe(1);
    expect(
      await parcoursCount([invalid, nulByte, reserved].map((m) => parcoursIdOfCafPerson(m.person))),
    ).toBe(0);

    /** This run's dead letters: those that open with the key and hold the run's name. */
    const opened = (m: Received): OriginalMessage | undefined => {
      try {
        return openDeadLetter(JSON.stringify(m.value), DEAD_LETTER_KEY);
      } catch {
        return undefined;
      }
    };
    const isOurs = (m: Received) => opened(m)?.value?.toString().includes(run) ?? false;
    const dead = await readTopic(kafka, DEAD_LETTER_TOPIC, (all) => all.filter(isOurs).length >= 5);
    const ours = dead.filter(isOurs);
    const reasons = ours.map((m) => [
      m.headers['message-id'] ?? '(no id)',
      m.headers['error-code'],
      m.headers['error-message'],
    ]);
    expect(reasons.sort()).toEqual(
      [
        ['(no id)', 'MALFORMED_JSON', 'the message is not valid JSON'],
        [unknown.messageId, 'PARCOURS_NOT_FOUND', 'PARCOURS_NOT_FOUND'],
        [invalid.messageId, 'INVALID_MESSAGE', '/enteredOn (pattern); /enteredOn (format)'],
        [nulByte.messageId, 'INVALID_MESSAGE', '/person/lastName (pattern)'],
        [reserved.messageId, 'INVALID_MESSAGE', '/territory (pattern)'],
      ].sort(),
    );
    // No name, NIR or birth date in clear: not in any value, key or header read, nor in ours.
    const clear = JSON.stringify(dead.map((m) => [m.key, m.value, m.headers]));
    expect(clear).not.toContain(lastName);
    expect(clear).not.toContain(nir);
    const oursInClear = JSON.stringify(ours.map((m) => [m.key, m.value, m.headers]));
    for (const value of ['Durand', '1988-02-03', before.person.cafNumber, unknown.person.cafNumber])
      expect(oursInClear).not.toContain(value);

    // The fix: the person's entry arrives; then the exit is replayed from the dead letters, decrypted.
    await send(CAF_TOPIC, [
      { ...entry(run, 5003), person: { ...entry(run, 5003).person, cafNumber: unknown.person.cafNumber } },
    ]);
    const exitedId = parcoursIdOfCafPerson(unknown.person);
    await waitUntil(async () => (await parcoursCount([exitedId])) === 1, 'the late entry');
    // As the operator does it: `npm run cli -- dead-letters replay --code PARCOURS_NOT_FOUND`, with the Département's key.
    const replay = await messagingCommand(
      ['dead-letters', 'replay'],
      { code: 'PARCOURS_NOT_FOUND' },
      loadConfig({ KAFKA_BROKERS: kafkaBroker(), PARCOURS_DEAD_LETTER_KEY: DEAD_LETTER_KEY }),
    );
    expect(Number(/^(\d+) dead letter\(s\) re-injected/.exec(replay)?.[1])).toBeGreaterThanOrEqual(1);
    await waitUntil(async () => (await eventCount([exitedId])) === 2, 'the replayed exit');
    const state = await api.http
      .get(`/api/parcours/${exitedId}`)
      .set(bearer(tokens.departement()))
      .expect(200);
    expect(state.body).toMatchObject({ status: 'exited', exitedOn: '2025-03-01' });
  });

  it('takes the France Travail registration and employment start', async () => {
    const person = entry(run, 7001);
    await send(CAF_TOPIC, [person]);
    const id = parcoursIdOfCafPerson(person.person);
    await waitUntil(async () => (await parcoursCount([id])) === 1, 'the entry');
    await send(FRANCE_TRAVAIL_TOPIC, [
      {
        messageId: `${run}-ft-1`,
        type: 'registration',
        parcoursId: id,
        registeredOn: '2025-01-04',
        franceTravailId: 'FT123',
      },
      {
        messageId: `${run}-ft-2`,
        type: 'employment_start',
        parcoursId: id,
        startedOn: '2025-04-01',
        kind: 'permanent',
      },
    ]);
    await waitUntil(async () => (await eventCount([id])) === 3, 'both France Travail messages');
    const history = await api.http
      .get(`/api/parcours/${id}/history`)
      .set(bearer(tokens.departement()))
      .expect(200);
    expect(history.body.map((e: { type: string; actor: string }) => [e.type, e.actor])).toEqual([
      ['ParcoursEntered', 'flow:caf'],
      ['FranceTravailRegistered', 'flow:france-travail'],
      ['EmploymentStarted', 'flow:france-travail'],
    ]);
  });
});
