import type { Identity } from '@parcours/auth';
import { ParcoursCommand, RuleViolation } from '@parcours/domain';
import { deterministicUuid } from '@parcours/runtime';
import { Consumer, EachMessagePayload, IHeaders, Kafka } from 'kafkajs';
import { ensureTopic, MessageSink } from '../outbound/kafka-sink';
import { CAF_TOPIC, CafPersonKey, DEAD_LETTER_TOPIC, decodeInbound, FRANCE_TRAVAIL_TOPIC, InboundMessage, UnprocessableMessage } from './inbound-messages';

/** The write path of the product, as the API uses it (the command handler). */
export interface CommandGateway {
  execute(parcoursId: string | undefined, command: ParcoursCommand, identity: Identity, headers: { correlationId: string; idempotencyKey: string }): Promise<unknown>;
}

export const CAF_IDENTITY: Identity = { sub: 'flow:caf', role: 'system' };
export const FRANCE_TRAVAIL_IDENTITY: Identity = { sub: 'flow:france-travail', role: 'system' };

/** The parcours of a person known to the CAF: the same id for every message about them. */
export const parcoursIdOfCafPerson = (p: CafPersonKey): string => deterministicUuid('caf-person', p.cafNumber, String(p.rank));

/** Refusals that will not change on retry: rules, rights, unknown parcours, bad input. */
function isPermanent(error: unknown): { code: string; message: string } | undefined {
  if (error instanceof RuleViolation) return { code: error.code, message: error.message };
  const status = (error as { getStatus?: () => number })?.getStatus?.();
  if (status && status >= 400 && status < 500 && status !== 409) {
    const body = (error as { getResponse: () => { code?: string; message?: string } }).getResponse();
    return { code: body.code ?? `HTTP_${status}`, message: body.message ?? String(status) };
  }
  return undefined;
}

/** Applies one partner message through the same command handler as the API. */
export async function applyInbound(m: InboundMessage, gateway: CommandGateway): Promise<void> {
  const headers = { correlationId: m.messageId, idempotencyKey: m.messageId };
  switch (m.type) {
    case 'entry': {
      const { cafNumber, rank, ...person } = m.person;
      const id = parcoursIdOfCafPerson(m.person);
      const household = { ...m.household, cafNumber } as never;
      try {
        await gateway.execute(id, { type: 'Enter', person, household, territory: m.territory, demandOn: m.demandOn, rightOpenedOn: m.rightOpenedOn, enteredOn: m.enteredOn }, CAF_IDENTITY, headers);
      } catch (error) {
        // A person known already comes back: a re-entry, a new cycle of the same parcours.
        if (!(error instanceof RuleViolation && error.code === 'PARCOURS_ALREADY_EXISTS')) throw error;
        await gateway.execute(id, { type: 'Reenter', household, territory: m.territory, demandOn: m.demandOn, rightOpenedOn: m.rightOpenedOn, enteredOn: m.enteredOn }, CAF_IDENTITY, headers);
      }
      return;
    }
    case 'exit':
      await gateway.execute(parcoursIdOfCafPerson(m.person), { type: 'ExitRsa', exitedOn: m.exitedOn, reason: m.reason as never }, CAF_IDENTITY, headers);
      return;
    case 'household_change':
      await gateway.execute(parcoursIdOfCafPerson(m.person), { type: 'ChangeHousehold', household: { ...m.household, cafNumber: m.person.cafNumber } as never, changedOn: m.changedOn }, CAF_IDENTITY, headers);
      return;
    case 'registration':
      await gateway.execute(m.parcoursId, { type: 'RegisterWithFranceTravail', registeredOn: m.registeredOn, franceTravailId: m.franceTravailId }, FRANCE_TRAVAIL_IDENTITY, headers);
      return;
    case 'employment_start':
      await gateway.execute(m.parcoursId, { type: 'StartEmployment', startedOn: m.startedOn, kind: m.kind as never }, FRANCE_TRAVAIL_IDENTITY, headers);
      return;
  }
}

export interface InboundOptions {
  groupId?: string;
  log?: (message: string) => void;
}

/**
 * Consumes the CAF/MSA and France Travail flows. Offsets are committed by hand
 * once the command succeeded or the message was dead-lettered: nothing is
 * silently dropped. A message seen twice appends nothing twice (its id is the
 * command's idempotency key). A passing failure (store unreachable) is not
 * committed, so the message comes again.
 */
export class InboundConsumer {
  private consumer?: Consumer;

  constructor(
    private readonly kafka: Kafka,
    private readonly gateway: CommandGateway,
    private readonly deadLetters: MessageSink,
    private readonly options: InboundOptions = {},
  ) {}

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({ groupId: this.options.groupId ?? 'parcours-inbound', sessionTimeout: 30000, heartbeatInterval: 3000 });
    this.consumer = consumer;
    // Subscribing to a topic being auto-created fails: make sure the flows' topics exist first.
    for (const topic of [CAF_TOPIC, FRANCE_TRAVAIL_TOPIC]) await ensureTopic(this.kafka, topic);
    await consumer.connect();
    await consumer.subscribe({ topics: [CAF_TOPIC, FRANCE_TRAVAIL_TOPIC], fromBeginning: true });
    await consumer.run({ autoCommit: false, eachMessage: (payload) => this.handle(payload) });
  }

  private async handle({ topic, partition, message, heartbeat }: EachMessagePayload): Promise<void> {
    let failure: { code: string; message: string } | undefined;
    try {
      await applyInbound(decodeInbound(topic, message.value), this.gateway);
    } catch (error) {
      failure = error instanceof UnprocessableMessage ? { code: error.code, message: error.message } : isPermanent(error);
      if (!failure) throw error;
    }
    if (failure) {
      await this.deadLetters.send(DEAD_LETTER_TOPIC, [
        {
          key: message.key?.toString() ?? '',
          value: message.value?.toString() ?? '',
          headers: {
            ...stringHeaders(message.headers),
            'original-topic': topic,
            'original-partition': String(partition),
            'original-offset': message.offset,
            'error-code': failure.code,
            'error-message': failure.message.slice(0, 1000),
            'failed-at': new Date().toISOString(),
          },
        },
      ]);
      this.options.log?.(`dead-lettered ${topic}/${partition}@${message.offset}: ${failure.code}`);
    }
    await this.consumer!.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
    await heartbeat();
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    await this.deadLetters.close();
  }
}

function stringHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (v !== undefined && !k.startsWith('original-') && !k.startsWith('error-')) out[k] = v.toString();
  return out;
}

/**
 * Re-injects dead letters into their original topic (after a fix), from where
 * the last replay stopped. Returns how many were replayed.
 */
export async function replayDeadLetters(kafka: Kafka, sink: MessageSink, options: { groupId?: string; filterCode?: string } = {}): Promise<number> {
  await ensureTopic(kafka, DEAD_LETTER_TOPIC);
  const admin = kafka.admin();
  await admin.connect();
  const groupId = options.groupId ?? 'parcours-dead-letter-replay';
  const ends = await admin.fetchTopicOffsets(DEAD_LETTER_TOPIC);
  const [committed] = await admin.fetchOffsets({ groupId, topics: [DEAD_LETTER_TOPIC] });
  await admin.disconnect();
  const start = new Map((committed?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset === '-1' ? '0' : p.offset)]));
  // A partition is done when the replay reached the end it had when the replay began.
  const remaining = new Map(ends.map((e) => [e.partition, BigInt(e.high) > (start.get(e.partition) ?? 0n) ? BigInt(e.high) : 0n]));
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topic: DEAD_LETTER_TOPIC, fromBeginning: true });
  let replayed = 0;
  const done = new Promise<void>((resolve) => {
    const check = () => {
      if ([...remaining.values()].every((v) => v <= 0n)) resolve();
    };
    check();
    consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const h = message.headers ?? {};
        const original = h['original-topic']?.toString();
        if (original && (!options.filterCode || h['error-code']?.toString() === options.filterCode)) {
          await sink.send(original, [{ key: message.key?.toString() ?? '', value: message.value?.toString() ?? '', headers: { ...stringHeaders(h), 'replayed-from': `${DEAD_LETTER_TOPIC}/${partition}@${message.offset}` } }]);
          replayed++;
        }
        await consumer.commitOffsets([{ topic: DEAD_LETTER_TOPIC, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
        if (BigInt(message.offset) + 1n >= (remaining.get(partition) ?? 0n)) remaining.set(partition, 0n);
        check();
      },
    });
  });
  await done;
  await consumer.disconnect();
  return replayed;
}
