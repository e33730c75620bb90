import type { AppConfig } from '@parcours/config';
import { createKafka, KafkaSink, replayDeadLetters } from '@parcours/messaging';
import { UsageError } from './args';

export const MESSAGING_USAGE = `dead-letters replay [--code ERROR_CODE]
  Re-injects the dead letters (all, or those of one error code such as PARCOURS_NOT_FOUND, SQLSTATE_22P05 or
  TRANSIENT_RETRIES_EXHAUSTED) into their original topic, decrypted with PARCOURS_DEAD_LETTER_KEY, from where the
  last replay stopped. Dead letters that do not decrypt are listed and left for a replay with the right key.`;

export async function messagingCommand(words: string[], options: Record<string, string>, config: AppConfig): Promise<string> {
  if (words[0] !== 'dead-letters' || words[1] !== 'replay') throw new UsageError(`unknown command: ${words.join(' ')}`);
  if (config.kafkaBrokers.length === 0) throw new UsageError('KAFKA_BROKERS is required');
  if (options.code !== undefined && !/^[A-Z0-9_]{1,60}$/.test(options.code)) throw new UsageError('--code must be an error code such as PARCOURS_NOT_FOUND');
  const kafka = createKafka(config.kafkaBrokers, `${config.kafkaClientId}-cli`);
  const sink = new KafkaSink(kafka);
  try {
    const { replayed, unreadable } = await replayDeadLetters(kafka, sink, { deadLetterKey: config.deadLetterKey, filterCode: options.code });
    const lines = [`${replayed} dead letter(s) re-injected`];
    if (unreadable.length > 0) {
      lines.push(`${unreadable.length} dead letter(s) could not be decrypted (another PARCOURS_DEAD_LETTER_KEY?); they stay to be replayed:`);
      for (const u of unreadable) lines.push(`  partition ${u.partition} offset ${u.offset}: ${u.reason}`);
    }
    return lines.join('\n');
  } finally {
    await sink.close();
  }
}
