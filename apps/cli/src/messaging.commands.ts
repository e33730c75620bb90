import type { AppConfig } from '@parcours/config';
import { createKafka, KafkaSink, replayDeadLetters } from '@parcours/messaging';
import { Command } from 'commander';
import { CliContext, optionsOf } from './cli-context';
import { Progress, silentProgress } from './progress';
import { UsageError } from './usage-error';

export async function messagingCommand(
  words: string[],
  options: Record<string, string>,
  config: AppConfig,
  progress: Progress = silentProgress,
): Promise<string> {
  if (words[0] !== 'dead-letters' || words[1] !== 'replay')
    throw new UsageError(`unknown command: ${words.join(' ')}`);
  if (config.kafkaBrokers.length === 0) throw new UsageError('KAFKA_BROKERS is required');
  if (options.code !== undefined && !/^[A-Z0-9_]{1,60}$/.test(options.code))
    throw new UsageError('--code must be an error code such as PARCOURS_NOT_FOUND');
  const kafka = createKafka(config.kafkaBrokers, `${config.kafkaClientId}-cli`);
  const sink = new KafkaSink(kafka);
  try {
    const { replayed, unreadable } = await progress.run(
      { label: `dead-letters replay${options.code ? ` --code ${options.code}` : ''}`, unit: 'letters' },
      () => replayDeadLetters(kafka, sink, { deadLetterKey: config.deadLetterKey, filterCode: options.code }),
      (r) => ({
        text: `${r.replayed} re-injected, ${r.unreadable.length} unreadable`,
        count: r.replayed + r.unreadable.length,
      }),
    );
    const lines = [`${replayed} dead letter(s) re-injected`];
    if (unreadable.length > 0) {
      lines.push(
        `${unreadable.length} dead letter(s) could not be decrypted (another PARCOURS_DEAD_LETTER_KEY?); they stay to be replayed:`,
      );
      for (const u of unreadable) lines.push(`  partition ${u.partition} offset ${u.offset}: ${u.reason}`);
    }
    return lines.join('\n');
  } finally {
    await sink.close();
  }
}

export function registerMessagingCommands(program: Command, cli: CliContext): void {
  const deadLetters = program
    .command('dead-letters')
    .description('Messages from the partners that could not be applied.');
  deadLetters
    .command('replay')
    .description(
      'Re-injects the dead letters (all, or those of one error code) into their ' +
        'original topic, decrypted with PARCOURS_DEAD_LETTER_KEY, from where the last ' +
        'replay stopped.',
    )
    .option(
      '--code <ERROR_CODE>',
      'only the dead letters of this error code, such as PARCOURS_NOT_FOUND, SQLSTATE_22P05 or TRANSIENT_RETRIES_EXHAUSTED (default: all)',
    )
    .addHelpText(
      'after',
      `
Needs KAFKA_BROKERS. Dead letters that do not decrypt are listed and left
for a replay with the right key.`,
    )
    .action((_options, command: Command) =>
      cli.run(command, (config) =>
        messagingCommand(['dead-letters', 'replay'], optionsOf(command), config, cli.progress),
      ),
    );
}
