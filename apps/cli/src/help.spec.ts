import { runCli } from './main';

const env = { PARCOURS_JWT_SECRET: 'cli-test-secret-of-at-least-32-characters' };

async function run(argv: string[], withEnv: NodeJS.ProcessEnv = env) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    argv,
    (s) => out.push(s),
    (s) => err.push(s),
    withEnv,
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('parcours CLI help', () => {
  it('lists the commands', async () => {
    const { code, out, err } = await run(['--help']);
    expect(code).toBe(0);
    expect(err).toBe('');
    for (const command of ['token', 'indicators', 'projections', 'dead-letters', 'privacy', 'demo-data'])
      expect(out).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    expect((await run(['help'])).out).toBe(out);
  });

  it.each([
    ['token'],
    ['indicators'],
    ['indicators', 'export'],
    ['indicators', 'extract'],
    ['projections'],
    ['projections', 'status'],
    ['projections', 'rebuild'],
    ['projections', 'resume'],
    ['dead-letters'],
    ['dead-letters', 'replay'],
    ['privacy'],
    ['privacy', 'seal-existing'],
    ['demo-data'],
  ])('prints the help of %s %s, on stdout with exit 0', async (...words: string[]) => {
    const { code, out, err } = await run([...words, '--help']);
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out).toContain(`Usage: npm run cli -- ${words.join(' ')} `);
    expect(out).toContain('--help');
  });

  it('describes the options with their defaults', async () => {
    const exported = (await run(['indicators', 'export', '--help'])).out;
    for (const option of [
      '--from <YYYY-MM-DD>',
      '--to <YYYY-MM-DD>',
      '--format <format>',
      '--as-of <YYYY-MM-DD>',
      '--group-by <level>',
      '--out <dir>',
      '--api <url>',
      '--token <token>',
    ]) {
      expect(exported).toContain(option);
    }
    expect(exported).toMatch(/choices: "csv", "json", default: "csv"/);
    expect(exported).toMatch(/default:\s+"departement"/);
    expect((await run(['indicators', 'extract', '--help'])).out).not.toContain('--group-by');
    expect((await run(['token', '--help'])).out).toMatch(/--ttl-hours <n>.*\(default: "8"\)/);
    expect((await run(['projections', 'rebuild', '--help'])).out).toMatch(
      /name\s+projection name \(parcours/,
    );
    expect((await run(['dead-letters', 'replay', '--help'])).out).toContain('--code <ERROR_CODE>');
    expect((await run(['demo-data', '--help'])).out).toMatch(
      /--parcours <n>[\s\S]*--seed <s>[\s\S]*--territories <k>[\s\S]*--append/,
    );
  });

  it('prints the help without reading the configuration', async () => {
    const broken = { ...env, PORT: 'eighty' };
    expect((await run(['projections', 'rebuild', '--help'], broken)).code).toBe(0);
    const refused = await run(['projections', 'status'], broken);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/^error: invalid configuration:\n.*PORT/);
  });
});

describe('parcours CLI refusing a command line', () => {
  /** One line naming the culprit, nothing on stdout, exit 2. */
  async function refused(argv: string[]) {
    const result = await run(argv);
    expect(result).toMatchObject({ code: 2, out: '' });
    expect(result.err.split('\n')).toHaveLength(1);
    return result.err;
  }

  it('refuses a mistyped option, naming it', async () => {
    expect(await refused(['indicators', 'export', '--form', 'csv'])).toBe(
      "error: unknown option '--form' (Did you mean --from?)",
    );
    expect(await refused(['token', '--role', 'departement', '--tll-hours', '2'])).toMatch(
      /unknown option '--tll-hours'/,
    );
    expect(await refused(['projections', 'status', '--format', 'csv'])).toMatch(/unknown option '--format'/);
  });

  it('refuses an unknown command or subcommand', async () => {
    expect(await refused(['fly'])).toMatch(/^error: unknown command 'fly'/);
    expect(await refused(['indicators', 'exprt', '--from', '2025-01-01'])).toBe(
      "error: unknown command 'exprt' (Did you mean export?)",
    );
    expect(await refused(['projections', 'status', 'now'])).toMatch(/too many arguments/);
  });

  it('refuses values out of their choices, and missing values or arguments', async () => {
    expect(
      await refused([
        'indicators',
        'export',
        '--from',
        '2025-01-01',
        '--to',
        '2025-12-31',
        '--format',
        'xml',
      ]),
    ).toMatch(/'--format <format>' argument 'xml' is invalid/);
    expect(
      await refused([
        'indicators',
        'export',
        '--from',
        '2025-01-01',
        '--to',
        '2025-12-31',
        '--group-by',
        'region',
      ]),
    ).toMatch(/--group-by/);
    expect(await refused(['token', '--role', 'mayor'])).toMatch(/--role <role>' argument 'mayor' is invalid/);
    expect(await refused(['indicators', 'export', '--from', '2025-01-01'])).toBe(
      'error: --to YYYY-MM-DD is required (see npm run cli -- indicators export --help)',
    );
    expect(await refused(['token'])).toMatch(/--role is required/);
    expect(await refused(['projections', 'rebuild'])).toMatch(/missing required argument 'name'/);
    expect(await refused(['projections', 'status', '--api'])).toMatch(/'--api <url>' argument missing/);
  });

  it('shows the help of a group named without its subcommand, as an error', async () => {
    const { code, out, err } = await run(['projections']);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain('Usage: npm run cli -- projections');
    expect(err).toMatch(/^\s+rebuild \[options\] <name>/m);
  });

  it('shows the commands when given none, as before', async () => {
    const { code, err } = await run([]);
    expect(code).toBe(0);
    expect(err).toContain('Usage: npm run cli -- <command> [options]');
  });
});
