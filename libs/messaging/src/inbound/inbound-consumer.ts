import type { Identity } from '@parcours/auth';
import { ParcoursCommand, RuleViolation } from '@parcours/domain';
import { createHmac } from 'node:crypto';
import { uuidOfDigest } from '@parcours/runtime';
import { Admin, Consumer, EachMessagePayload, Kafka } from 'kafkajs';
import { ensureTopic, MessageSink } from '../outbound/kafka-sink';
import { deadLetterKeyOf, headerBuffers, sealDeadLetter } from './dead-letters';
import { classifyFailure, Failure } from './failures';
import {
  CAF_TOPIC,
  CafPersonKey,
  DEAD_LETTER_TOPIC,
  decodeInbound,
  FRANCE_TRAVAIL_TOPIC,
  InboundMessage,
  messageIdOf,
} from './inbound-messages';

export * from './dead-letters';
export * from './failures';

/** The write path of the product, as the API uses it (the command handler). */
export interface CommandGateway {
  execute(
    parcoursId: string | undefined,
    command: ParcoursCommand,
    identity: Identity,
    headers: { correlationId: string; idempotencyKey: string },
  ): Promise<unknown>;
}

export const CAF_IDENTITY: Identity = { sub: 'flow:caf', role: 'system' };
export const FRANCE_TRAVAIL_IDENTITY: Identity = { sub: 'flow:france-travail', role: 'system' };

/**
 * Who a CAF message is about (one person, one parcours). The rule: an entry
 * is matched to an existing person by NIR first, then by the CAF key
 * (numéro allocataire + rank) it was linked to; a person with the same names
 * and birth date is only flagged for a human to confirm. Exits and household
 * changes follow the link of their CAF key.
 */
export interface PersonDirectory {
  match(
    person: CafPersonKey & { nir?: string; lastName: string; firstName: string; birthDate: string },
  ): Promise<{ parcoursId?: string; sameNameAndBirth: string[] }>;
  linkedTo(key: CafPersonKey): Promise<string | undefined>;
  link(key: CafPersonKey, parcoursId: string): Promise<void>;
  flag(parcoursId: string, candidates: string[]): Promise<void>;
}

/** Without a directory (tests of the flow alone): every CAF key is its own person. */
export const NO_DIRECTORY: PersonDirectory = {
  match: async () => ({ sameNameAndBirth: [] }),
  linkedTo: async () => undefined,
  link: async () => undefined,
  flag: async () => undefined,
};

/** Only for local use and tests: a deployment sets PARCOURS_PARTNER_ID_KEY (refused in production). */
export const DEVELOPMENT_PARTNER_ID_KEY = 'parcours-development-partner-id-key-do-not-use-in-production';

export function partnerIdKeyFromEnvironment(env: NodeJS.ProcessEnv = process.env): string {
  const key = env.PARCOURS_PARTNER_ID_KEY;
  if (env.NODE_ENV === 'production' && (!key || key === DEVELOPMENT_PARTNER_ID_KEY))
    throw new Error('PARCOURS_PARTNER_ID_KEY is required when NODE_ENV=production');
  if (key !== undefined && key.length < 32)
    throw new Error('PARCOURS_PARTNER_ID_KEY must be at least 32 characters');
  return key || DEVELOPMENT_PARTNER_ID_KEY;
}

/**
 * The parcours id of a new person known to the CAF: an HMAC of numéro
 * allocataire and rank with the Département's key, shaped as a UUID. A plain
 * hash could be recomputed by anyone from a numéro allocataire; published
 * events carry only this id.
 */
export function parcoursIdOfCafPerson(p: CafPersonKey, key: string = partnerIdKeyFromEnvironment()): string {
  return uuidOfDigest(
    createHmac('sha256', key).update(`caf-person\u0000${p.cafNumber}\u0000${p.rank}`).digest(),
  );
}

/** The parcours of a CAF key: the one it was linked to, or the one it names when new. */
const parcoursOfCafKey = async (key: CafPersonKey, people: PersonDirectory) =>
  (await people.linkedTo(key)) ?? parcoursIdOfCafPerson(key);

/** Applies one partner message through the same command handler as the API. */
export async function applyInbound(
  m: InboundMessage,
  gateway: CommandGateway,
  people: PersonDirectory = NO_DIRECTORY,
): Promise<void> {
  const headers = { correlationId: m.messageId, idempotencyKey: m.messageId };
  switch (m.type) {
    case 'entry': {
      const { cafNumber, rank: _rank, ...person } = m.person;
      const found = await people.match(m.person);
      const id = found.parcoursId ?? parcoursIdOfCafPerson(m.person);
      const household = { ...m.household, cafNumber } as never;
      try {
        await gateway.execute(
          id,
          {
            type: 'Enter',
            person,
            household,
            territory: m.territory,
            demandOn: m.demandOn,
            rightOpenedOn: m.rightOpenedOn,
            enteredOn: m.enteredOn,
          },
          CAF_IDENTITY,
          headers,
        );
      } catch (error) {
        // A person known already comes back: a re-entry, a new cycle of the same parcours. It is another
        // request than the entry, so it has a key of its own: a message delivered again replays it.
        if (!(error instanceof RuleViolation && error.code === 'PARCOURS_ALREADY_EXISTS')) throw error;
        const reentry = {
          type: 'Reenter' as const,
          household,
          territory: m.territory,
          demandOn: m.demandOn,
          rightOpenedOn: m.rightOpenedOn,
          enteredOn: m.enteredOn,
        };
        await gateway.execute(id, reentry, CAF_IDENTITY, {
          ...headers,
          idempotencyKey: `${m.messageId}:reenter`,
        });
      }
      await people.link(m.person, id);
      const others = found.sameNameAndBirth.filter((other) => other !== id);
      if (!found.parcoursId && others.length) await people.flag(id, others);
      return;
    }
    case 'exit':
      await gateway.execute(
        await parcoursOfCafKey(m.person, people),
        { type: 'ExitRsa', exitedOn: m.exitedOn, reason: m.reason as never },
        CAF_IDENTITY,
        headers,
      );
      return;
    case 'household_change':
      await gateway.execute(
        await parcoursOfCafKey(m.person, people),
        {
          type: 'ChangeHousehold',
          household: { ...m.household, cafNumber: m.person.cafNumber } as never,
          changedOn: m.changedOn,
        },
        CAF_IDENTITY,
        headers,
      );
      return;
    case 'registration':
      await gateway.execute(
        m.parcoursId,
        {
          type: 'RegisterWithFranceTravail',
          registeredOn: m.registeredOn,
          franceTravailId: m.franceTravailId,
        },
        FRANCE_TRAVAIL_IDENTITY,
        headers,
      );
      return;
    case 'employment_start':
      await gateway.execute(
        m.parcoursId,
        { type: 'StartEmployment', startedOn: m.startedOn, kind: m.kind as never },
        FRANCE_TRAVAIL_IDENTITY,
        headers,
      );
      return;
    case 'employment_end':
      await gateway.execute(
        m.parcoursId,
        { type: 'EndEmployment', employmentId: m.employmentId, endedOn: m.endedOn },
        FRANCE_TRAVAIL_IDENTITY,
        headers,
      );
      return;
    case 'activity_hours':
      await gateway.execute(
        m.parcoursId,
        {
          type: 'RecordActivityHours',
          contractId: m.contractId,
          weekOf: m.weekOf,
          hours: m.hours,
          source: 'partner',
        },
        FRANCE_TRAVAIL_IDENTITY,
        headers,
      );
      return;
  }
}

export interface InboundOptions {
  /** Who a CAF message is about; each CAF key its own person without it. */
  people?: PersonDirectory;
  /** PARCOURS_DEAD_LETTER_KEY: dead letters are encrypted with it. */
  deadLetterKey: string;
  groupId?: string;
  /** The topics read and written (tests use their own). */
  topics?: { caf?: string; franceTravail?: string; deadLetters?: string };
  /** Attempts at a message failing for a passing (or unknown) reason before it is dead-lettered; 10 by default. */
  maxAttempts?: number;
  /**
   * Pause after the first failed attempt, doubled after each one up to retryMaxMs: by default 250 ms to 15 s,
   * about a minute over 10 attempts.
   */
  retryBaseMs?: number;
  retryMaxMs?: number;
  log?: (message: string) => void;
}

/** A message being retried: its partition waits behind it. */
export interface RetryingMessage {
  topic: string;
  partition: number;
  offset: string;
  attempts: number;
  /** When its first attempt failed (ISO 8601). */
  since: string;
  /** Code and field paths of the last failure, no value. */
  error: string;
}

export interface InboundStatus {
  name: 'kafka-inbound';
  /** retrying: some partition waits behind a message failing for a passing reason; stopped: not started, stopped or crashed. */
  status: 'running' | 'retrying' | 'stopped';
  /**
   * The last passing failure or crash (code, where, attempt), kept after recovery; dead-lettered refusals are not
   * errors of the consumer.
   */
  lastError: string | null;
  retrying: RetryingMessage[];
  /** Messages not yet committed, over every partition of the flows; null when the broker does not tell. */
  lag: number | null;
  /** The same by topic and partition (empty when the broker does not tell). */
  partitions: PartitionLag[];
  /** Messages this process dead-lettered since it started, by rule or failure code. */
  deadLettered: Record<string, number>;
  /** Dead letters the dead-letter topic holds (replayed or not: Kafka's retention drops them); null when unknown. */
  deadLettersHeld: number | null;
}

/** Messages of one partition of a flow not yet committed by the consumer group. */
export interface PartitionLag {
  topic: string;
  partition: number;
  behind: number;
}

/** The consumer is stopping: the message is left uncommitted, to be read again. */
class Stopping extends Error {}

/** How long status() waits for the broker before answering lag: null. */
const LAG_TIMEOUT_MS = 3000;

/**
 * Consumes the CAF/MSA and France Travail flows. Offsets are committed by hand
 * once the command succeeded or the message was dead-lettered: nothing is
 * silently dropped, and no message holds its partition for long. A refusal
 * that will not change (bad data, a rule) is dead-lettered at once; a passing
 * failure (store unreachable) is retried in place with capped backoff,
 * heart-beating so the group does not rebalance, then dead-lettered with
 * TRANSIENT_RETRIES_EXHAUSTED for a replay once the cause is fixed. A message
 * seen twice appends nothing twice (its id is the command's idempotency key).
 */
export class InboundConsumer {
  private consumer?: Consumer;
  private admin?: Promise<Admin>;
  private state: 'running' | 'stopped' = 'stopped';
  private stopping = false;
  private lastError: string | null = null;
  private readonly retrying = new Map<string, RetryingMessage>();
  private readonly deadLettered: Record<string, number> = {};
  private readonly wakeUps = new Set<() => void>();
  private readonly groupId: string;
  private readonly cafTopic: string;
  private readonly franceTravailTopic: string;
  private readonly deadLetterTopic: string;
  private readonly log: (message: string) => void;

  constructor(
    private readonly kafka: Kafka,
    private readonly gateway: CommandGateway,
    private readonly deadLetters: MessageSink,
    private readonly options: InboundOptions,
  ) {
    this.groupId = options.groupId ?? 'parcours-inbound';
    this.cafTopic = options.topics?.caf ?? CAF_TOPIC;
    this.franceTravailTopic = options.topics?.franceTravail ?? FRANCE_TRAVAIL_TOPIC;
    this.deadLetterTopic = options.topics?.deadLetters ?? DEAD_LETTER_TOPIC;
    this.log = options.log ?? (() => undefined);
  }

  async start(): Promise<void> {
    this.stopping = false;
    try {
      const consumer = this.kafka.consumer({
        groupId: this.groupId,
        sessionTimeout: 30000,
        heartbeatInterval: 3000,
      });
      this.consumer = consumer;
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (payload.error instanceof Stopping) return;
        this.lastError = `consumer crashed: ${classifyFailure(payload.error).detail}`;
        if (!payload.restart) this.state = 'stopped';
      });
      // Subscribing to a topic being auto-created fails: make sure the flows' topics exist first.
      for (const topic of [this.cafTopic, this.franceTravailTopic]) await ensureTopic(this.kafka, topic);
      await consumer.connect();
      await consumer.subscribe({ topics: [this.cafTopic, this.franceTravailTopic], fromBeginning: true });
      // One partition retrying a message must not hold the others.
      await consumer.run({
        autoCommit: false,
        partitionsConsumedConcurrently: 3,
        eachMessage: (payload) => this.handle(payload),
      });
      this.state = 'running';
    } catch (error) {
      this.lastError = `consumer not started: ${classifyFailure(error).detail}`;
      throw error;
    }
  }

  /** The flows' health, for /ready and GET /api/projections. */
  async status(): Promise<InboundStatus> {
    const retrying = [...this.retrying.values()].map((r) => ({ ...r }));
    const offsets = this.stopping || !this.consumer ? null : await this.offsets();
    const partitions = offsets?.partitions ?? null;
    return {
      name: 'kafka-inbound',
      status: this.state === 'stopped' ? 'stopped' : retrying.length > 0 ? 'retrying' : 'running',
      lastError: this.lastError,
      retrying,
      lag: partitions && partitions.reduce((sum, p) => sum + p.behind, 0),
      partitions: partitions ?? [],
      deadLettered: { ...this.deadLettered },
      deadLettersHeld: offsets?.deadLettersHeld ?? null,
    };
  }

  private async handle({ topic, partition, message, heartbeat }: EachMessagePayload): Promise<void> {
    const flow =
      topic === this.cafTopic ? CAF_TOPIC : topic === this.franceTravailTopic ? FRANCE_TRAVAIL_TOPIC : topic;
    const where = `${topic}/${partition}@${message.offset}`;
    const maxAttempts = this.options.maxAttempts ?? 10;
    let failure: Failure | undefined;
    let attempts = 0;
    try {
      for (;;) {
        attempts++;
        try {
          await applyInbound(decodeInbound(flow, message.value), this.gateway, this.options.people);
          failure = undefined;
          break;
        } catch (error) {
          failure = classifyFailure(error);
          if (failure.kind === 'permanent' || attempts >= maxAttempts) break;
          this.lastError = `${failure.detail} on ${where} (attempt ${attempts})`;
          const key = `${topic}/${partition}`;
          const since = this.retrying.get(key)?.since ?? new Date().toISOString();
          this.retrying.set(key, {
            topic,
            partition,
            offset: message.offset,
            attempts,
            since,
            error: failure.detail,
          });
          if (attempts === 1) this.log(`retrying ${where}: ${failure.detail}`);
          await this.pause(attempts, heartbeat);
        }
      }
    } finally {
      this.retrying.delete(`${topic}/${partition}`);
    }
    if (failure) {
      const exhausted = failure.kind !== 'permanent';
      const code = exhausted ? 'TRANSIENT_RETRIES_EXHAUSTED' : failure.code;
      const messageId = messageIdOf(message.value);
      await this.deadLetters.send(this.deadLetterTopic, [
        {
          key: deadLetterKeyOf(message.key, this.options.deadLetterKey),
          value: sealDeadLetter(
            { topic, key: message.key, value: message.value, headers: headerBuffers(message.headers) },
            this.options.deadLetterKey,
          ),
          headers: {
            ...(messageId ? { 'message-id': messageId } : {}),
            'original-topic': topic,
            'original-partition': String(partition),
            'original-offset': message.offset,
            'error-code': code,
            'error-message': failure.detail.slice(0, 1000),
            ...(exhausted ? { 'last-error-code': failure.code } : {}),
            attempts: String(attempts),
            'failed-at': new Date().toISOString(),
            'content-type': 'application/json; encrypted=v1',
          },
        },
      ]);
      this.deadLettered[code] = (this.deadLettered[code] ?? 0) + 1;
      this.log(
        `dead-lettered ${where}: ${code}${exhausted ? ` after ${attempts} attempts (${failure.code})` : ''}`,
      );
    }
    await this.consumer!.commitOffsets([
      { topic, partition, offset: (BigInt(message.offset) + 1n).toString() },
    ]);
    await heartbeat();
  }

  /** Waits before the next attempt, heart-beating so the group keeps this consumer; cut short by stop(). */
  private async pause(attempts: number, heartbeat: () => Promise<void>): Promise<void> {
    const base = this.options.retryBaseMs ?? 250;
    let left = Math.min(this.options.retryMaxMs ?? 15_000, base * 2 ** (attempts - 1));
    while (left > 0) {
      if (this.stopping) throw new Stopping('the consumer is stopping');
      const step = Math.min(left, 1000);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.wakeUps.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, step);
        this.wakeUps.add(wake);
      });
      left -= step;
      await heartbeat();
    }
    if (this.stopping) throw new Stopping('the consumer is stopping');
  }

  /**
   * For each of the flows' partitions, the end offset minus the group's committed offset; and the messages the
   * dead-letter topic holds.
   */
  private async offsets(): Promise<{ partitions: PartitionLag[]; deadLettersHeld: number } | null> {
    const measure = async () => {
      // One admin connection, shared by concurrent calls.
      this.admin ??= this.connectAdmin();
      const admin = await this.admin;
      const lags: PartitionLag[] = [];
      for (const topic of [this.cafTopic, this.franceTravailTopic]) {
        const ends = await admin.fetchTopicOffsets(topic);
        const [committed] = await admin.fetchOffsets({ groupId: this.groupId, topics: [topic] });
        for (const end of ends) {
          const offset = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
          const from = offset === '-1' ? BigInt(end.low) : BigInt(offset);
          const behind = BigInt(end.high) > from ? Number(BigInt(end.high) - from) : 0;
          lags.push({ topic, partition: end.partition, behind });
        }
      }
      // The dead-letter topic is created at the first dead letter.
      const held = (await admin.listTopics()).includes(this.deadLetterTopic)
        ? (await admin.fetchTopicOffsets(this.deadLetterTopic)).reduce(
            (n, o) => n + Number(o.high) - Number(o.low),
            0,
          )
        : 0;
      return { partitions: lags, deadLettersHeld: held };
    };
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        measure(),
        new Promise<never>(
          (_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), LAG_TIMEOUT_MS)),
        ),
      ]);
    } catch {
      await this.dropAdmin();
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  private async connectAdmin(): Promise<Admin> {
    const admin = this.kafka.admin({ retry: { retries: 1 } });
    await admin.connect();
    return admin;
  }

  private async dropAdmin(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.then((a) => a.disconnect()).catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const wake of [...this.wakeUps]) wake();
    await this.consumer?.disconnect().catch(() => undefined);
    this.state = 'stopped';
    await this.dropAdmin();
    await this.deadLetters.close();
  }
}
