import type { AppConfig } from '@parcours/config';
import type { Command } from 'commander';
import type { Progress } from './progress';

/** What the commands' actions get from runCli. */
export interface CliContext {
  env: NodeJS.ProcessEnv;
  /** Progress of long work, on stderr. */
  progress: Progress;
  /** Loads the configuration as the server does, runs the work, and prints its result on stdout. */
  run(command: Command, work: (config: AppConfig) => Promise<string> | string): Promise<void>;
}

/** The options commander parsed, under their long names (`as-of`, `group-by`), as the command functions take them. */
export function optionsOf(command: Command): Record<string, string> {
  const values = command.opts();
  const options: Record<string, string> = {};
  for (const option of command.options) {
    const value = values[option.attributeName()];
    if (option.long && value !== undefined) options[option.long.slice(2)] = String(value);
  }
  return options;
}

/** `--api` and `--token`, for the commands a running server can do in the CLI's place. */
export function withApiOptions(command: Command): Command {
  return command
    .option(
      '--api <url>',
      "a running server's URL to send the command to, such as http://127.0.0.1:3000 " +
        '(default: $PARCOURS_API_URL; none: the CLI opens the store)',
    )
    .option('--token <token>', 'Département bearer token for --api (default: $PARCOURS_API_TOKEN)');
}
