import type { AppConfig } from '@parcours/config';
import { Command } from 'commander';
import { CliContext, optionsOf } from './cli-context';
import { Progress, silentProgress } from './progress';
import { UsageError } from './usage-error';

const DEFAULT_SEED = '1';
const DEFAULT_TERRITORIES = '4';
const MAX_PARCOURS = 1_000_000;

function integer(options: Record<string, string>, name: string, min: number, max: number): number {
  const text = options[name];
  const value = Number(text);
  if (!/^\d+$/.test(text ?? '') || value < min || value > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
  return value;
}

/** Checks the command line before the store is opened, then writes the demo parcours. */
export async function demoDataCommand(
  options: Record<string, string>,
  config: AppConfig,
  progress: Progress = silentProgress,
): Promise<string> {
  if (options.parcours === undefined) throw new UsageError('--parcours <n> is required');
  const parsed = {
    parcours: integer(options, 'parcours', 1, MAX_PARCOURS),
    seed: integer({ seed: DEFAULT_SEED, ...options }, 'seed', 0, 2 ** 31 - 1),
    territories: integer({ territories: DEFAULT_TERRITORIES, ...options }, 'territories', 1, 999),
    append: options.append === 'true',
  };
  if (config.store === 'memory')
    throw new UsageError('PARCOURS_STORE=memory keeps nothing: demo data needs a store that lasts');
  // Loaded here only: the generator needs fast-check, a development dependency.
  const { demoData } = await import('./demo-data');
  return demoData(parsed, config, progress);
}

export function registerDemoDataCommand(program: Command, cli: CliContext): void {
  program
    .command('demo-data')
    .description(
      "Fills the configured store with realistic parcours made by the product's own random sessions " +
        '(deterministic for a seed), as the API would write them: one stream per parcours.',
    )
    .option('--parcours <n>', `number of parcours to write, up to ${MAX_PARCOURS} (required)`)
    .option('--seed <s>', 'seed of the generator: the same seed gives the same parcours', DEFAULT_SEED)
    .option('--territories <k>', 'parcours spread over the territories T1 … Tk', DEFAULT_TERRITORIES)
    .option(
      '--append',
      'write beside the events already in the store (another seed; the same seed completes an interrupted run)',
    )
    .addHelpText(
      'after',
      `
Opens the store itself, configured as the server (PARCOURS_STORE,
PARCOURS_DATA_DIR, DATABASE_URL, PARCOURS_PG_SCHEMA): stop the server of an
embedded store first. A store that already holds events is refused unless
--append is given. Parcours are generated and appended in batches, so a
département-sized run (--parcours 50000) keeps to a bounded memory; the read
models catch up when the server or the worker runs (or: projections rebuild).
Needs the development dependencies (fast-check).

Example: npm run cli -- demo-data --parcours 2000 --seed 7 --territories 6`,
    )
    .action((_options, command: Command) =>
      cli.run(command, (config) => demoDataCommand(optionsOf(command), config, cli.progress)),
    );
}
