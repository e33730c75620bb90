import type { AppConfig } from '@parcours/config';
import { openStores, sealExistingEvents } from '@parcours/event-store';
import { personalDataStoreOf, schemaCheckedStores } from '@parcours/runtime';
import { Command } from 'commander';
import { CliContext } from './cli-context';
import { Progress, silentProgress } from './progress';
import { UsageError } from './usage-error';

/** Commands on personal data run on the store itself (stop the server of an embedded store first). */
export async function privacyCommand(
  words: string[],
  config: AppConfig,
  progress: Progress = silentProgress,
): Promise<string> {
  if (words[1] !== 'seal-existing') throw new UsageError(`unknown privacy command "${words[1] ?? ''}"`);
  if (config.store !== 'embedded' && config.store !== 'postgres')
    throw new UsageError('seal-existing works on the SQL stores (embedded, postgres)');
  const { sealed, read } = await progress.run(
    { label: 'privacy seal-existing', unit: 'events' },
    async () => {
      const stores = schemaCheckedStores(await openStores(config));
      try {
        return await sealExistingEvents(stores.sql, personalDataStoreOf(stores));
      } finally {
        await stores.close();
      }
    },
    (r) => ({ text: `${r.sealed} sealed of ${r.read} read in clear`, count: r.read }),
  );
  return `${sealed} events sealed of ${read} read in clear`;
}

export function registerPrivacyCommands(program: Command, cli: CliContext): void {
  const privacy = program.command('privacy').description('Personal data in the store.');
  privacy
    .command('seal-existing')
    .description('Seals, in place, the personal fields of events written in clear (SQL stores; resumable).')
    .addHelpText(
      'after',
      `
Opens the store itself (embedded or postgres, configured as the server):
stop the server of an embedded store first.`,
    )
    .action((_options, command: Command) =>
      cli.run(command, (config) => privacyCommand(['privacy', 'seal-existing'], config, cli.progress)),
    );
}
