import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '@parcours/config';
import { isBusinessDate, parametersAt, parisDate } from '@parcours/domain';
import { openStores } from '@parcours/event-store';
import { schemaCheckedStores } from '@parcours/runtime';
import {
  computeIndicators,
  createProjectionRunner,
  exportIndicators,
  GROUP_BYS,
  GroupBy,
  loadFacts,
  PROJECTIONS,
  pseudonymisedExtract,
} from '@parcours/projections';
import { Command, Option } from 'commander';
import { apiFiles, apiJson, ApiTarget, apiTarget } from './api-client';
import { CliContext, optionsOf, withApiOptions } from './cli-context';
import { Progress, ProgressSummary, ProgressTask, silentProgress } from './progress';
import { UsageError } from './usage-error';

const DATE = 'YYYY-MM-DD';
const FORMATS = ['csv', 'json'];
const DEFAULT_FORMAT = 'csv';
const DEFAULT_OUT = '.';
const DEFAULT_GROUP_BY: GroupBy = 'departement';

type Period = { from: string; to: string; asOf?: string; format: 'csv' | 'json'; out: string };

type ReadCommand =
  | { kind: 'export' | 'extract'; period: Period; groupBy: GroupBy }
  | { kind: 'status' }
  | { kind: 'rebuild' | 'resume'; name: string };

function period(options: Record<string, string>, now: Date): Period {
  const { from, to } = options;
  const asOf = options['as-of'];
  for (const name of ['from', 'to'])
    if (options[name] === undefined) throw new UsageError(`--${name} ${DATE} is required`);
  if (!isBusinessDate(from) || !isBusinessDate(to))
    throw new UsageError('--from and --to must be dates YYYY-MM-DD');
  if (from > to) throw new UsageError('--from must not be after --to');
  if (asOf !== undefined && !isBusinessDate(asOf)) throw new UsageError('--as-of must be a date YYYY-MM-DD');
  if (asOf && asOf > parisDate(now)) throw new UsageError('--as-of cannot be in the future');
  const format = (options.format ?? DEFAULT_FORMAT) as 'csv' | 'json';
  if (!FORMATS.includes(format)) throw new UsageError('--format must be csv or json');
  return { from, to, asOf, format, out: options.out ?? DEFAULT_OUT };
}

/** Checks the words and options before anything is opened or sent. */
function parse(words: string[], options: Record<string, string>, now: Date): ReadCommand {
  const [group, action, name] = words;
  if (group === 'indicators' && (action === 'export' || action === 'extract') && words.length === 2) {
    const groupBy = (options['group-by'] ?? DEFAULT_GROUP_BY) as GroupBy;
    if (!GROUP_BYS.includes(groupBy))
      throw new UsageError(`--group-by must be one of ${GROUP_BYS.join(', ')}`);
    return { kind: action, period: period(options, now), groupBy };
  }
  if (group === 'projections' && action === 'status' && words.length === 2) return { kind: 'status' };
  if (group === 'projections' && (action === 'rebuild' || action === 'resume') && words.length === 3) {
    // Through the API the server knows its own names (resume also takes the relay, `kafka-relay`).
    if (!/^[a-z][a-z0-9_-]{0,62}$/.test(name))
      throw new UsageError(
        `unknown projection "${name}" (known: ${PROJECTIONS.map((p) => p.name).join(', ')})`,
      );
    return { kind: action, name };
  }
  throw new UsageError(`unknown command: ${words.join(' ')}`);
}

function write(out: string, files: { name: string; content: string }[]): string[] {
  mkdirSync(out, { recursive: true });
  return files.map((f) => {
    const path = join(out, f.name);
    writeFileSync(path, f.content);
    return path;
  });
}

/** What a command prints, and for long work the summary its last progress line gives. */
type Done = { output: string; summary?: ProgressSummary };

export async function readCommand(
  words: string[],
  options: Record<string, string>,
  config: AppConfig,
  env: NodeJS.ProcessEnv = process.env,
  now = new Date(),
  progress: Progress = silentProgress,
): Promise<string> {
  const command = parse(words, options, now);
  const api = apiTarget(options, env);
  if (!api) checkDirect(command, config);
  const work = (task?: ProgressTask) => (api ? throughApi(command, api) : direct(command, config, task));
  switch (command.kind) {
    case 'status':
    case 'resume':
      return (await work()).output;
    case 'rebuild':
      return (
        await progress.run(
          { label: `projections rebuild ${command.name}`, unit: 'events' },
          work,
          (done) => done.summary!,
        )
      ).output;
    case 'export':
    case 'extract': {
      const p = command.period;
      const label = `indicators ${command.kind} ${p.from}..${p.to}${p.asOf ? ` as of ${p.asOf}` : ''}`;
      return (await progress.run({ label, unit: 'cycles' }, work, (done) => done.summary!)).output;
    }
  }
}

/** Through a running server, which does the work on its own store. */
async function throughApi(command: ReadCommand, api: ApiTarget): Promise<Done> {
  switch (command.kind) {
    case 'status':
      return { output: JSON.stringify((await apiJson(api, 'GET', 'api/projections')).body, null, 2) };
    case 'resume':
      return {
        output: JSON.stringify(
          (await apiJson(api, 'POST', `api/projections/${encodeURIComponent(command.name)}/resume`)).body,
          null,
          2,
        ),
      };
    case 'rebuild': {
      const { status, body } = await apiJson<{ name?: string; events?: number; status?: string }>(
        api,
        'POST',
        `api/projections/${encodeURIComponent(command.name)}/rebuild`,
      );
      if (status === 202) {
        return {
          output: `projection ${command.name}: the server is rebuilding it (follow with projections status)\n${JSON.stringify(body)}`,
          summary: { text: 'handed to the server' },
        };
      }
      if (typeof body?.events === 'number') {
        return {
          output: `projection ${command.name} rebuilt from ${body.events} events and swapped in`,
          summary: { text: `${body.events} events, by the server`, count: body.events },
        };
      }
      return { output: JSON.stringify(body, null, 2), summary: { text: 'answered by the server' } };
    }
    case 'export':
    case 'extract': {
      const p = command.period;
      const query = {
        from: p.from,
        to: p.to,
        format: p.format,
        asOf: p.asOf,
        groupBy: command.kind === 'export' ? command.groupBy : undefined,
      };
      const paths = write(p.out, await apiFiles(api, `api/indicators/${command.kind}`, query));
      return {
        output: paths.join('\n'),
        summary: { text: `${paths.length} file(s) written, computed by the server` },
      };
    }
  }
}

/** What can be refused before the store is opened. */
function checkDirect(command: ReadCommand, config: AppConfig): void {
  if (command.kind === 'extract' && !config.pseudonymisationKey)
    throw new UsageError('PARCOURS_PSEUDONYMISATION_KEY is required for the extract');
  if (
    (command.kind === 'rebuild' || command.kind === 'resume') &&
    !PROJECTIONS.some((p) => p.name === command.name)
  ) {
    throw new UsageError(
      `unknown projection "${command.name}" (known: ${PROJECTIONS.map((p) => p.name).join(', ')})`,
    );
  }
}

/** On the store itself; on the embedded store this fails with DataDirectoryLockedError while a server holds it. */
async function direct(command: ReadCommand, config: AppConfig, task?: ProgressTask): Promise<Done> {
  // Sealed personal data is opened on the way, as in the API and the worker.
  const stores = schemaCheckedStores(await openStores(config));
  try {
    const runner = createProjectionRunner(stores.eventStore, stores.sql, {
      batchSize: config.projectionBatchSize,
    });
    await runner.migrate();
    switch (command.kind) {
      case 'status':
        return { output: JSON.stringify(await runner.status(), null, 2) };
      case 'resume':
        await runner.resume(command.name);
        return {
          output: JSON.stringify(
            (await runner.status()).find((s) => s.name === command.name),
            null,
            2,
          ),
        };
      case 'rebuild': {
        const events = await runner.rebuild(command.name, undefined, {
          onProgress: (done, total) => task?.tick(done, total),
        });
        return {
          output: `projection ${command.name} rebuilt from ${events} events and swapped in`,
          summary: { text: `${events} events`, count: events },
        };
      }
      case 'export':
      case 'extract': {
        const p = command.period;
        // Figures from read models brought up to date first (safe beside a worker on PostgreSQL: checkpoints are locked);
        // as of a past date too, since the facts are kept with the day each version became known.
        await runner.catchUp('parcours');
        const snapshot = await loadFacts(stores.sql, undefined, p.asOf);
        const files =
          command.kind === 'export'
            ? exportIndicators(computeIndicators(snapshot, p, command.groupBy, undefined, p.asOf), p.format)
            : [
                pseudonymisedExtract(
                  snapshot.facts,
                  p,
                  config.pseudonymisationKey!,
                  parametersAt(snapshot.book.versions, p.to).accompanimentAfterExitMonths,
                  p.format,
                  p.asOf,
                ),
              ];
        const paths = write(p.out, files);
        const cycles = snapshot.facts.length;
        return {
          output: paths.join('\n'),
          summary: { text: `${paths.length} file(s) written from ${cycles} cycles`, count: cycles },
        };
      }
    }
  } finally {
    await stores.close();
  }
}

function periodCommand(group: Command, kind: 'export' | 'extract', description: string): Command {
  const command = group
    .command(kind)
    .description(description)
    // Required, but checked in period(): commander would name a missing option before an unknown one (--form for --from).
    .option(`--from <${DATE}>`, 'first day of the period (required)')
    .option(`--to <${DATE}>`, 'last day of the period (required)')
    .addOption(new Option('--format <format>', 'file format').choices(FORMATS).default(DEFAULT_FORMAT))
    .option(
      `--as-of <${DATE}>`,
      'figures as the events known on that day gave them (default: today, from the read models)',
    )
    .option('--out <dir>', 'directory the files are written to (created if need be)', DEFAULT_OUT);
  if (kind === 'export')
    command.addOption(
      new Option('--group-by <level>', 'level of the figures').choices(GROUP_BYS).default(DEFAULT_GROUP_BY),
    );
  return withApiOptions(command);
}

export function registerReadCommands(program: Command, cli: CliContext): void {
  const run = (command: Command, words: string[]) =>
    cli.run(command, (config) =>
      readCommand(words, optionsOf(command), config, cli.env, new Date(), cli.progress),
    );

  const indicators = program
    .command('indicators')
    .description('National indicators and the pseudonymised extract.');
  periodCommand(
    indicators,
    'export',
    "Writes the national tables (CALPAE, réseau pour l'emploi, CIE actions, équilibré, DREES OARSA), one file per family.",
  )
    .addHelpText('after', READ_NOTE)
    .action((_options, command: Command) => run(command, ['indicators', 'export']));
  periodCommand(
    indicators,
    'extract',
    'Writes the pseudonymised individual extract (needs PARCOURS_PSEUDONYMISATION_KEY where the store is opened).',
  )
    .addHelpText('after', READ_NOTE)
    .action((_options, command: Command) => run(command, ['indicators', 'extract']));

  const projections = program
    .command('projections')
    .description('The read models: their state, rebuild and resumption.');
  withApiOptions(projections.command('status').description('Position, lag and error of each projection.'))
    .addHelpText('after', READ_NOTE)
    .action((_options, command: Command) => run(command, ['projections', 'status']));
  const known = `projection name (${PROJECTIONS.map((p) => p.name).join(', ')}; through --api, also those the server knows)`;
  withApiOptions(
    projections
      .command('rebuild')
      .description('Rebuilds the read models from the first event into new tables, then swaps them in.')
      .argument('<name>', known),
  )
    .addHelpText('after', READ_NOTE)
    .action((name: string, _options, command: Command) => run(command, ['projections', 'rebuild', name]));
  withApiOptions(
    projections
      .command('resume')
      .description("Clears a projection's failure so that it resumes from its checkpoint (after a fix).")
      .argument('<name>', `${known}, such as kafka-relay`),
  )
    .addHelpText('after', READ_NOTE)
    .action((name: string, _options, command: Command) => run(command, ['projections', 'resume', name]));
}

const READ_NOTE = `
Without --api the command opens the store itself, configured as the server
(PARCOURS_STORE, PARCOURS_DATA_DIR, DATABASE_URL). On the embedded store the
server holds the data directory: while it runs, go through it with
--api URL --token TOKEN (or PARCOURS_API_URL, PARCOURS_API_TOKEN).`;
