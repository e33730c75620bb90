import type { AppConfig } from '@parcours/config';
import { createKafka, KafkaSink, replayDeadLetters } from '@parcours/messaging';
import { UsageError } from './args';

export const MESSAGING_USAGE = `dead-letters replay [--code ERROR_CODE]
  Re-injects the dead letters (all, or those of one error code) into their original topic, from where the last replay stopped.`;

export async function messagingCommand(words: string[], options: Record<string, string>, config: AppConfig): Promise<string> {
  if (words[0] !== 'dead-letters' || words[1] !== 'replay') throw new UsageError(`unknown command: ${words.join(' ')}`);
  if (config.kafkaBrokers.length === 0) throw new UsageError('KAFKA_BROKERS is required');
  if (options.code !== undefined && !/^[A-Z_]{1,60}$/.test(options.code)) throw new UsageError('--code must be an error code such as PARCOURS_NOT_FOUND');
  const kafka = createKafka(config.kafkaBrokers, `${config.kafkaClientId}-cli`);
  const sink = new KafkaSink(kafka);
  try {
    const n = await replayDeadLetters(kafka, sink, { filterCode: options.code });
    return `${n} dead letter(s) re-injected`;
  } finally {
    await sink.close();
  }
}
