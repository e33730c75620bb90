import type { SqlClient } from '@parcours/event-store';
import { SQL } from '@parcours/runtime';
import { Kafka } from 'kafkajs';
import { bearer, seedReferenceData, startApi, StoreUnderTest, TestApi, tokens } from '../../../../test/support/api';
import { readTopic, waitUntil } from '../../../../test/support/kafka';
import { describeWithKafka, kafkaBroker, uniqueName } from '../../../../test/support/services';
import { createKafka } from '../kafka-client';
import { KafkaSink } from '../outbound/kafka-sink';
import { parcoursIdOfCafPerson, replayDeadLetters } from './inbound-consumer';
import { CAF_TOPIC, DEAD_LETTER_TOPIC, FRANCE_TRAVAIL_TOPIC } from './inbound-messages';

const store: StoreUnderTest = process.env.PARCOURS_TEST_POSTGRES_MISSING ? 'embedded' : 'postgres';

const entry = (run: string, n: number) => ({
  messageId: `${run}-entry-${n}`,
  type: 'entry',
  person: { cafNumber: `${run.slice(-6).toUpperCase()}${n}`, rank: 1, lastName: 'Durand', firstName: 'Sam', birthDate: '1988-02-03', sex: 'male' },
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
    api = await startApi(store, undefined, { KAFKA_BROKERS: kafkaBroker() });
    await seedReferenceData(api);
    kafka = createKafka([kafkaBroker()], 'flow-tests');
    sink = new KafkaSink(kafka);
  });
  afterAll(async () => {
    await sink.close();
    await api.close();
  });

  /** Partners key their messages by person (CAF: numéro allocataire; France Travail: parcours id), so that a person's messages stay in order. */
  const keyOf = (v: object | string): string => {
    if (typeof v === 'string') return 'garbage';
    const m = v as { parcoursId?: string; person?: { cafNumber: string } };
    return m.parcoursId ?? m.person?.cafNumber ?? 'none';
  };
  const send = (topic: string, values: (object | string)[]) =>
    sink.send(topic, values.map((v) => ({ key: keyOf(v), value: typeof v === 'string' ? v : JSON.stringify(v), headers: {} })));

  /** How many rows of a store table (streams or events) belong to these parcours. */
  async function countIn(table: 'streams' | 'events', ids: string[]): Promise<number> {
    const sql = api.app.get<symbol, SqlClient>(SQL);
    const [row] = await sql.query<{ n: number }>(`select count(*)::int as n from ${table} where stream_id = any($1::text[])`, [ids.map((id) => `parcours-${id}`)]);
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

  it('sends a poison message to the dead letters with its reason, goes on, and re-injects after a fix', async () => {
    const before = entry(run, 5001);
    const after = entry(run, 5002);
    const unknown = { messageId: `${run}-exit-5003`, type: 'exit', person: { cafNumber: `${run.slice(-6).toUpperCase()}5003`, rank: 1 }, exitedOn: '2025-03-01', reason: 'income' };
    const invalid = { ...entry(run, 5004), enteredOn: 'tomorrow' };
    const garbage = `{"run": "${run}", not json`;
    await send(CAF_TOPIC, [before, garbage, unknown, invalid, after]);
    await waitUntil(async () => (await parcoursCount([parcoursIdOfCafPerson(after.person)])) === 1, 'the message after the poison', 60_000);
    expect(await parcoursCount([parcoursIdOfCafPerson(before.person)])).toBe(1);

    const isOurs = (m: { value: Record<string, unknown> }) => m.value.messageId === unknown.messageId || m.value.messageId === invalid.messageId || m.value.raw === garbage;
    const dead = await readTopic(kafka, DEAD_LETTER_TOPIC, (all) => all.filter(isOurs).length >= 3);
    const ours = dead.filter(isOurs);
    expect(ours.map((m) => m.headers['error-code']).sort()).toEqual(['INVALID_MESSAGE', 'MALFORMED_JSON', 'PARCOURS_NOT_FOUND']);
    expect(ours.find((m) => m.headers['error-code'] === 'INVALID_MESSAGE')!.headers['error-message']).toMatch(/enteredOn/);

    // The fix: the person's entry arrives; then the exit is replayed from the dead letters.
    await send(CAF_TOPIC, [{ ...entry(run, 5003), person: { ...entry(run, 5003).person, cafNumber: unknown.person.cafNumber } }]);
    const exitedId = parcoursIdOfCafPerson(unknown.person);
    await waitUntil(async () => (await parcoursCount([exitedId])) === 1, 'the late entry');
    expect(await replayDeadLetters(kafka, sink, { filterCode: 'PARCOURS_NOT_FOUND' })).toBeGreaterThanOrEqual(1);
    await waitUntil(async () => (await eventCount([exitedId])) === 2, 'the replayed exit');
    const state = await api.http.get(`/api/parcours/${exitedId}`).set(bearer(tokens.departement())).expect(200);
    expect(state.body).toMatchObject({ status: 'exited', exitedOn: '2025-03-01' });
  });

  it('takes the France Travail registration and employment start', async () => {
    const person = entry(run, 7001);
    await send(CAF_TOPIC, [person]);
    const id = parcoursIdOfCafPerson(person.person);
    await waitUntil(async () => (await parcoursCount([id])) === 1, 'the entry');
    await send(FRANCE_TRAVAIL_TOPIC, [
      { messageId: `${run}-ft-1`, type: 'registration', parcoursId: id, registeredOn: '2025-01-04', franceTravailId: 'FT123' },
      { messageId: `${run}-ft-2`, type: 'employment_start', parcoursId: id, startedOn: '2025-04-01', kind: 'permanent' },
    ]);
    await waitUntil(async () => (await eventCount([id])) === 3, 'both France Travail messages');
    const history = await api.http.get(`/api/parcours/${id}/history`).set(bearer(tokens.departement())).expect(200);
    expect(history.body.map((e: { type: string; actor: string }) => [e.type, e.actor])).toEqual([
      ['ParcoursEntered', 'flow:caf'],
      ['FranceTravailRegistered', 'flow:france-travail'],
      ['EmploymentStarted', 'flow:france-travail'],
    ]);
  });
});
