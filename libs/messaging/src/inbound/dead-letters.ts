import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { IHeaders, Kafka } from 'kafkajs';
import { ensureTopic, MessageSink } from '../outbound/kafka-sink';
import { DEAD_LETTER_TOPIC } from './inbound-messages';

/**
 * Dead letters keep the partner's message so that it can be replayed after a
 * fix, but a CAF message holds a name, a birth date, maybe a NIR. So the
 * original (topic, key, value, headers) is encrypted with AES-256-GCM under a
 * key of the Département (PARCOURS_DEAD_LETTER_KEY); the dead letter's key is
 * a keyed hash of the original key (the numéro allocataire is personal too);
 * headers carry only ids, offsets, an error code and field paths.
 */
export interface SealedDeadLetter {
  encrypted: 'v1';
  iv: string;
  tag: string;
  ciphertext: string;
}

/** The message as the partner sent it. */
export interface OriginalMessage {
  topic: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer>;
}

/** A dead letter that cannot be opened: not encrypted, damaged, or sealed under another key. */
export class UnreadableDeadLetter extends Error {
  constructor(readonly reason: 'NOT_ENCRYPTED' | 'WRONG_KEY_OR_DAMAGED') {
    super(reason);
    this.name = 'UnreadableDeadLetter';
  }
}

const derive = (secret: string, purpose: string): Buffer =>
  Buffer.from(hkdfSync('sha256', secret, 'parcours.dead-letters', purpose, 32));

const b64 = (b: Buffer | null): string | null => (b === null ? null : b.toString('base64'));
const unb64 = (s: string | null): Buffer | null => (s === null ? null : Buffer.from(s, 'base64'));

/** kafkajs header values (string, Buffer or arrays of them) as Buffers. */
export function headerBuffers(headers: IHeaders | undefined): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [name, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue;
    const first = Array.isArray(v) ? v[0] : v;
    out[name] = Buffer.isBuffer(first) ? first : Buffer.from(String(first));
  }
  return out;
}

export function sealDeadLetter(original: OriginalMessage, secret: string): string {
  const plain = JSON.stringify({
    topic: original.topic,
    key: b64(original.key),
    value: b64(original.value),
    headers: Object.fromEntries(Object.entries(original.headers).map(([k, v]) => [k, v.toString('base64')])),
  });
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', derive(secret, 'aes-256-gcm v1'), iv);
  const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  const sealed: SealedDeadLetter = {
    encrypted: 'v1',
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  };
  return JSON.stringify(sealed);
}

/** Decrypts a dead letter's value; throws UnreadableDeadLetter. */
export function openDeadLetter(value: Buffer | string | null, secret: string): OriginalMessage {
  let sealed: SealedDeadLetter;
  try {
    sealed = JSON.parse(String(value ?? ''));
  } catch {
    throw new UnreadableDeadLetter('NOT_ENCRYPTED');
  }
  if (
    sealed?.encrypted !== 'v1' ||
    typeof sealed.iv !== 'string' ||
    typeof sealed.tag !== 'string' ||
    typeof sealed.ciphertext !== 'string'
  ) {
    throw new UnreadableDeadLetter('NOT_ENCRYPTED');
  }
  let plain: { topic: string; key: string | null; value: string | null; headers: Record<string, string> };
  try {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      derive(secret, 'aes-256-gcm v1'),
      Buffer.from(sealed.iv, 'base64'),
    );
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    plain = JSON.parse(
      Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString(
        'utf8',
      ),
    );
  } catch {
    throw new UnreadableDeadLetter('WRONG_KEY_OR_DAMAGED');
  }
  return {
    topic: plain.topic,
    key: unb64(plain.key),
    value: unb64(plain.value),
    headers: Object.fromEntries(
      Object.entries(plain.headers ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
    ),
  };
}

/**
 * The dead letter's key: a keyed hash of the partner's key, so that one
 * person's dead letters stay together without the numéro allocataire in clear
 * (a plain hash of a short number is reversed by trying them all).
 */
export function deadLetterKeyOf(key: Buffer | null, secret: string): string {
  return key === null
    ? ''
    : createHmac('sha256', derive(secret, 'partition key v1')).update(key).digest('hex').slice(0, 32);
}

export interface ReplayOptions {
  /** PARCOURS_DEAD_LETTER_KEY: the key the dead letters were sealed with. */
  deadLetterKey: string;
  /** Consumer group keeping where the last replay stopped. */
  groupId?: string;
  /** Replay only the dead letters of this error code. */
  filterCode?: string;
  /** The dead-letter topic (tests use their own). */
  topic?: string;
}

export interface ReplayResult {
  replayed: number;
  /** Dead letters that could not be decrypted: not replayed, and the replay's position stays before them. */
  unreadable: { partition: number; offset: string; reason: string }[];
}

/**
 * Re-injects dead letters into their original topic (after a fix), decrypted
 * to the bytes the partner sent, from where the last replay stopped. A dead
 * letter that does not decrypt (wrong key) is reported; the position of its
 * partition is not moved past it, so a replay with the right key finds it
 * again (the letters after it are then re-injected twice, which the
 * consumer's idempotency absorbs).
 */
export async function replayDeadLetters(
  kafka: Kafka,
  sink: MessageSink,
  options: ReplayOptions,
): Promise<ReplayResult> {
  const topic = options.topic ?? DEAD_LETTER_TOPIC;
  await ensureTopic(kafka, topic);
  const admin = kafka.admin();
  await admin.connect();
  // One position per code replayed: a replay of one code must not move past the letters of the others.
  const groupId =
    options.groupId ?? `parcours-dead-letter-replay${options.filterCode ? `-${options.filterCode}` : ''}`;
  let ends: { partition: number; high: string }[];
  let committed: { partitions: { partition: number; offset: string }[] } | undefined;
  try {
    ends = await admin.fetchTopicOffsets(topic);
    [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  } finally {
    await admin.disconnect();
  }
  const start = new Map(
    (committed?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset === '-1' ? '0' : p.offset)]),
  );
  // A partition is done when the replay reached the end it had when the replay began.
  const remaining = new Map(
    ends.map((e) => [e.partition, BigInt(e.high) > (start.get(e.partition) ?? 0n) ? BigInt(e.high) : 0n]),
  );
  const blocked = new Set<number>();
  const result: ReplayResult = { replayed: 0, unreadable: [] };
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if ([...remaining.values()].every((v) => v <= 0n)) resolve();
      };
      check();
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const code = message.headers?.['error-code']?.toString();
            if (!options.filterCode || code === options.filterCode) {
              try {
                const original = openDeadLetter(message.value, options.deadLetterKey);
                await sink.send(original.topic, [
                  {
                    // decodeInbound reads the value as UTF-8 too: the consumer sees exactly what the partner sent.
                    key: original.key?.toString('utf8') ?? '',
                    value: original.value?.toString('utf8') ?? '',
                    headers: {
                      ...original.headers,
                      'replayed-from': `${topic}/${partition}@${message.offset}`,
                    },
                  },
                ]);
                result.replayed++;
              } catch (error) {
                if (!(error instanceof UnreadableDeadLetter)) throw error;
                result.unreadable.push({ partition, offset: message.offset, reason: error.reason });
                blocked.add(partition);
              }
            }
            if (!blocked.has(partition))
              await consumer.commitOffsets([
                { topic, partition, offset: (BigInt(message.offset) + 1n).toString() },
              ]);
            if (BigInt(message.offset) + 1n >= (remaining.get(partition) ?? 0n)) remaining.set(partition, 0n);
            check();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return result;
}
