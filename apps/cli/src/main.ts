import 'reflect-metadata';
import { AppConfig, ConfigError, loadConfig } from '@parcours/config';
import { DataDirectoryLockedError } from '@parcours/event-store';
import { Command, CommanderError } from 'commander';
import { ApiError } from './api-client';
import { CliContext } from './cli-context';
import { registerDemoDataCommand } from './demo-data.commands';
import { registerMessagingCommands } from './messaging.commands';
import { registerPrivacyCommands } from './privacy.commands';
import { lineProgress, terminalProgress } from './progress';
import { registerReadCommands } from './read.commands';
import { registerTokenCommand } from './token.command';
import { UsageError } from './usage-error';

/** How the process shows progress: plain lines through `err` unless told that stderr is a terminal. */
export interface CliTerminal {
  /** process.stderr.isTTY */
  isTTY?: boolean;
  /** Raw writes to stderr (no newline added), for the progress line redrawn in place. */
  write?: (s: string) => void;
}

/** The store is held (by the server, as a rule): say by whom, and how to go through it instead. */
function lockedMessage(error: DataDirectoryLockedError, port: number): string {
  const holder = error.holder ? `process ${error.holder.pid} (${error.holder.role})` : 'another process';
  return [
    `error: ${error.message}`,
    `The embedded store is open in ${holder}; nothing was changed.`,
    `If that is the server, run the command through it: --api http://127.0.0.1:${port} ` +
      `--token "$(npm run -s cli -- token --role departement)"`,
    '(or PARCOURS_API_URL and PARCOURS_API_TOKEN); otherwise wait for that process to end.',
  ].join('\n');
}

/** `indicators export`: the words of a command, for the hint after a usage error. */
function pathOf(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** The commander program; a new one per run, since commander keeps the parsed values on it. */
function buildProgram(cli: CliContext, out: (s: string) => void, err: (s: string) => void): Command {
  // Commander ends what it writes with a newline; the writers add their own.
  const chomp = (s: string) => s.replace(/\n$/, '');
  const program = new Command('npm run cli --')
    .description(
      'Parcours command line: tokens, indicators, projections, dead letters, personal data and demo data, ' +
        'with the configuration of the server.',
    )
    .usage('<command> [options]')
    // Set before the commands are added, which inherit them.
    .exitOverride()
    .configureOutput({
      writeOut: (s) => out(chomp(s)),
      writeErr: (s) => err(chomp(s)),
      // One line, suggestion included: "error: unknown option '--form' (Did you mean --format?)".
      outputError: (s, write) => write(`${s.trim().replace(/\s*\n\s*/g, ' ')}\n`),
    })
    .allowExcessArguments(false)
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      '\nEach command describes its options: npm run cli -- <command> [subcommand] --help',
    );
  registerTokenCommand(program, cli);
  registerReadCommands(program, cli);
  registerMessagingCommands(program, cli);
  registerPrivacyCommands(program, cli);
  registerDemoDataCommand(program, cli);
  return program;
}

/**
 * Runs one command line; returns the process exit code (0, 1 when the work
 * failed, 2 when the command line or the configuration is refused). Output
 * goes to the given writers: results to `out`, help to `out` when asked for,
 * errors and progress to `err`.
 */
export async function runCli(
  argv: string[],
  out: (s: string) => void,
  err: (s: string) => void,
  env = process.env,
  terminal: CliTerminal = {},
): Promise<number> {
  let config: AppConfig | undefined;
  let usageHint = '';
  const cli: CliContext = {
    env,
    progress: terminal.isTTY && terminal.write ? terminalProgress(terminal.write) : lineProgress(err),
    async run(command, work) {
      usageHint = ` (see npm run cli -- ${pathOf(command)} --help)`;
      config = loadConfig(env);
      out(await work(config));
    },
  };
  const program = buildProgram(cli, out, err);
  try {
    if (argv.length === 0) {
      // As before commander: the bare command shows what there is to run.
      program.outputHelp({ error: true });
      return 0;
    }
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help asked for exits 0; a group without its subcommand (help on stderr) or a refused line exits 2.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof UsageError) {
      err(`error: ${error.message}${usageHint}`);
      return 2;
    }
    if (error instanceof ConfigError) {
      err(`error: ${error.message}`);
      return 2;
    }
    if (error instanceof DataDirectoryLockedError) {
      err(lockedMessage(error, config?.port ?? 3000));
      return 1;
    }
    if (error instanceof ApiError) {
      err(`error: ${error.message}`);
      return 1;
    }
    err(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

if (require.main === module) {
  runCli(
    process.argv.slice(2),
    (s) => process.stdout.write(`${s}\n`),
    (s) => process.stderr.write(`${s}\n`),
    process.env,
    { isTTY: process.stderr.isTTY, write: (s) => process.stderr.write(s) },
  ).then((code) => {
    process.exitCode = code;
  });
}
