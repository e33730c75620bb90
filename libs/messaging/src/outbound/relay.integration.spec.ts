import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { PgliteSqlClient, SqlClient, SqlEventStore } from '@parcours/event-store';
import { ParcoursEvent, upcastParcoursEvent } from '@parcours/domain';
import { arbitrarySession, play } from '../../../domain/src/testing/random-sessions';
import { appendParcours } from '../../../projections/src/testing/histories';
import {
  bearer,
  entryBody,
  projectionsCaughtUp,
  seedReferenceData,
  startApi,
  tokens,
} from '../../../../test/support/api';
import { deduplicate, privateBroker, readTopic, Received, waitUntil } from '../../../../test/support/kafka';
import { describeWithKafka, kafkaBroker } from '../../../../test/support/services';
import { createKafka } from '../kafka-client';
import { PARCOURS_TOPIC, toIntegration } from './integration-events';

/**
 * The steps the public contract leaves out (README, Kafka): the procedure's exchanges, the intensive modality,
 * steps before a published one.
 */
/** What the relay must publish: every event the integration mapping makes public. */
const isPublished = (e: { type: string; data: unknown }) => toIntegration(e as ParcoursEvent) !== undefined;
import { KafkaSink } from './kafka-sink';
import { IntegrationRelay } from './relay';

/** Each parcours's messages, deduplicated, in the order they arrived: revisions must be 0, 1, 2... or at least increasing. */
function byParcours(messages: Received[], ids: Set<string>): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const m of deduplicate(messages)) {
    if (!ids.has(m.key)) continue;
    out.set(m.key, [...(out.get(m.key) ?? []), m.value.revision as number]);
  }
  return out;
}

const increasing = (xs: number[]) => xs.every((x, i) => i === 0 || x > xs[i - 1]);

describeWithKafka('Kafka relay against the real broker', () => {
  jest.setTimeout(180_000);

  it('publishes commands made through the API, in order per parcours, each once after deduplication', async () => {
    const api = await startApi('embedded', undefined, { KAFKA_BROKERS: kafkaBroker() });
    try {
      await seedReferenceData(api);
      const system = bearer(tokens.system());
      const slai = bearer(tokens.slai());
      const ids: string[] = [];
      for (let i = 0; i < 3; i++)
        ids.push((await api.http.post('/api/parcours').set(system).send(entryBody()).expect(201)).body.id);
      // Interleave the parcours, so that order per parcours is not the order of the log by accident.
      for (const id of ids)
        await api.http
          .post(`/api/parcours/${id}/orientations`)
          .set(slai)
          .send({
            track: 'social',
            organisationId: 'org-ccas',
            decidedOn: '2025-01-20',
            notifiedOn: '2025-01-21',
          })
          .expect(201);
      for (const id of ids)
        await api.http
          .post(`/api/parcours/${id}/referent`)
          .set(slai)
          .send({ referentId: 'ref-ccas-1', assignedOn: '2025-01-22' })
          .expect(201);
      for (const id of ids)
        await api.http
          .post(`/api/parcours/${id}/exit`)
          .set(system)
          .send({ exitedOn: '2025-05-31', reason: 'income' })
          .expect(201);
      await projectionsCaughtUp(api);

      const wanted = new Set(ids);
      const messages = await readTopic(
        createKafka([kafkaBroker()], 'reader'),
        PARCOURS_TOPIC,
        (all) => deduplicate(all).filter((m) => wanted.has(m.key)).length >= 12,
      );
      const per = byParcours(messages, wanted);
      for (const id of ids) expect([id, per.get(id)]).toEqual([id, [0, 1, 2, 3]]);
      const types = deduplicate(messages)
        .filter((m) => m.key === ids[0])
        .map((m) => m.value.type);
      expect(types).toEqual([
        'parcours.entered',
        'parcours.oriented',
        'parcours.referent_assigned',
        'parcours.rsa_exited',
      ]);
      const first = deduplicate(messages).find((m) => m.key === ids[0])!;
      expect(first.headers).toMatchObject({ type: 'parcours.entered', version: '1' });
      expect(first.messageId).toBe(first.value.messageId);
      expect(JSON.stringify(first.value)).not.toMatch(/Martin|Léa|1990-04-12/);
    } finally {
      await api.close();
    }
  });

  async function embeddedStore(): Promise<{ sql: SqlClient; store: SqlEventStore }> {
    const sql = await PgliteSqlClient.open({ schema: 'relay' });
    const store = new SqlEventStore(sql);
    await store.migrate();
    return { sql, store };
  }

  it('republishes after a crash between publish and checkpoint: duplicates, no loss', async () => {
    const { sql, store } = await embeddedStore();
    const kafka = createKafka([kafkaBroker()], 'relay-crash');
    const ids = new Set<string>();
    let expected = 0;
    for (const steps of fc.sample(arbitrarySession, { numRuns: 4, seed: 11 })) {
      const id = randomUUID();
      const { events } = play(steps, id);
      if (!events.length) continue;
      await appendParcours(store, id, events);
      ids.add(id);
      expected += events.filter(isPublished).length;
    }
    let crashes = 1;
    const crashing = new IntegrationRelay(store, sql, new KafkaSink(kafka), {
      batchSize: 1000,
      afterPublish: async () => {
        if (crashes-- > 0) throw new Error('worker killed after publishing, before its checkpoint');
      },
    });
    await crashing.migrate();
    await expect(crashing.publishBatch()).rejects.toThrow('worker killed');
    expect(await crashing.position()).toBeUndefined();
    while ((await crashing.publishBatch()) > 0);
    await crashing.stop();
    await sql.close();

    const messages = await readTopic(
      kafka,
      PARCOURS_TOPIC,
      (all) => all.filter((m) => ids.has(m.key)).length >= 2 * expected,
    );
    const ours = messages.filter((m) => ids.has(m.key));
    expect(ours.length).toBe(2 * expected); // everything twice: the batch was published again
    expect(deduplicate(ours).length).toBe(expected);
    for (const revisions of byParcours(messages, ids).values()) expect(increasing(revisions)).toBe(true);
  });

  it('catches up after the broker was stopped under load, losing nothing', async () => {
    const broker = privateBroker(9192);
    // A broker left running by an interrupted run would keep its old messages: start from an empty one.
    await broker.stop().catch(() => undefined);
    await broker.start();
    try {
      const { sql, store } = await embeddedStore();
      const kafka = createKafka([broker.address], 'relay-outage');
      const relay = new IntegrationRelay(store, sql, new KafkaSink(kafka), { batchSize: 50, idleMs: 50 });
      await relay.migrate();
      relay.start();
      const ids = new Set<string>();
      try {
        const writer = (async () => {
          for (let i = 0; i < 60; i++) {
            const id = randomUUID();
            ids.add(id);
            const { events } = play(fc.sample(arbitrarySession, { numRuns: 1, seed: 100 + i })[0], id);
            if (events.length) await appendParcours(store, id, events.slice(0, 6));
            else ids.delete(id);
            await new Promise((r) => setTimeout(r, 50));
          }
        })();
        await new Promise((r) => setTimeout(r, 700));
        await broker.stop();
        await new Promise((r) => setTimeout(r, 3000));
        await broker.start(true);
        await writer;
        await waitUntil(
          async () => (await store.countAfter(await relay.position())) === 0,
          'the relay to catch up',
          90_000,
        );
      } finally {
        await relay.stop();
      }
      // What must have been published: every event of the log that is part of the public contract.
      const expected: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await store.readAll({ after, maxCount: 1000 });
        if (!page.events.length) break;
        after = page.position;
        for (const e of page.events) if (isPublished(upcastParcoursEvent(e))) expected.push(e.id);
      }
      const messages = await readTopic(
        kafka,
        PARCOURS_TOPIC,
        (m) => deduplicate(m).length >= expected.length,
        60_000,
      );
      const delivered = new Set(deduplicate(messages).map((m) => m.messageId));
      for (const id of expected) expect(delivered.has(id)).toBe(true);
      const published = expected.length;
      expect(delivered.size).toBe(published);
      for (const revisions of byParcours(messages, ids).values()) expect(increasing(revisions)).toBe(true);
      await sql.close();
    } finally {
      await broker.stop();
    }
  });
});
