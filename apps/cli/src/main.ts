import 'reflect-metadata';
import { ConfigError, loadConfig } from '@parcours/config';
import { DataDirectoryLockedError } from '@parcours/event-store';
import { ApiError } from './api-client';
import { parseArgs, UsageError } from './args';
import { MESSAGING_USAGE, messagingCommand } from './messaging.commands';
import { PRIVACY_USAGE, privacyCommand } from './privacy.commands';
import { READ_USAGE, readCommand } from './read.commands';
import { TOKEN_USAGE, tokenCommand } from './token.command';

const USAGE = `parcours CLI — npm run cli -- <command> [options]

${TOKEN_USAGE}
${READ_USAGE}
${MESSAGING_USAGE}
${PRIVACY_USAGE}`;

/** The store is held (by the server, as a rule): say by whom, and how to go through it instead. */
function lockedMessage(error: DataDirectoryLockedError, port: number): string {
  const holder = error.holder ? `process ${error.holder.pid} (${error.holder.role})` : 'another process';
  return [
    `error: ${error.message}`,
    `The embedded store is open in ${holder}; nothing was changed.`,
    `If that is the server, run the command through it: --api http://127.0.0.1:${port} --token "$(npm run -s cli -- token --role departement)"`,
    '(or PARCOURS_API_URL and PARCOURS_API_TOKEN); otherwise wait for that process to end.',
  ].join('\n');
}

/** Runs one command; returns the process exit code. Output goes to the given writers. */
export async function runCli(argv: string[], out: (s: string) => void, err: (s: string) => void, env = process.env): Promise<number> {
  const { words, options } = parseArgs(argv);
  let port = 3000;
  try {
    const config = loadConfig(env);
    port = config.port;
    switch (words[0]) {
      case 'token':
        out(tokenCommand(options, config));
        return 0;
      case 'indicators':
      case 'projections':
        out(await readCommand(words, options, config, env));
        return 0;
      case 'privacy':
        out(await privacyCommand(words, config));
        return 0;
      case 'dead-letters':
        out(await messagingCommand(words, options, config));
        return 0;
      default:
        err(USAGE);
        return words.length === 0 || words[0] === 'help' ? 0 : 2;
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      err(`error: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof DataDirectoryLockedError) {
      err(lockedMessage(error, port));
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
  runCli(process.argv.slice(2), (s) => process.stdout.write(`${s}\n`), (s) => process.stderr.write(`${s}\n`)).then((code) => {
    process.exitCode = code;
  });
}
