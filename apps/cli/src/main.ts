import 'reflect-metadata';
import { ConfigError, loadConfig } from '@parcours/config';
import { parseArgs, UsageError } from './args';
import { MESSAGING_USAGE, messagingCommand } from './messaging.commands';
import { READ_USAGE, readCommand } from './read.commands';
import { TOKEN_USAGE, tokenCommand } from './token.command';

const USAGE = `parcours CLI — npm run cli -- <command> [options]

${TOKEN_USAGE}
${READ_USAGE}
${MESSAGING_USAGE}`;

/** Runs one command; returns the process exit code. Output goes to the given writers. */
export async function runCli(argv: string[], out: (s: string) => void, err: (s: string) => void, env = process.env): Promise<number> {
  const { words, options } = parseArgs(argv);
  try {
    const config = loadConfig(env);
    switch (words[0]) {
      case 'token':
        out(tokenCommand(options, config));
        return 0;
      case 'indicators':
      case 'projections':
        out(await readCommand(words, options, config));
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
    err(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2), (s) => process.stdout.write(`${s}\n`), (s) => process.stderr.write(`${s}\n`)).then((code) => {
    process.exitCode = code;
  });
}
