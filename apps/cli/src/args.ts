/** `--name value`, `--name=value` and `--flag` pairs after the command words. */
export function parseArgs(argv: string[]): { words: string[]; options: Record<string, string> } {
  const words: string[] = [];
  const options: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith('--')) {
      // Split on the first '=' only: a URL's query keeps its own.
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      if (eq >= 0) options[name] = arg.slice(eq + 1);
      else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) options[name] = argv[++i];
      else options[name] = 'true';
    } else {
      words.push(arg);
    }
  }
  return { words, options };
}

export class UsageError extends Error {}
