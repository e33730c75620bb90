import { authenticate } from '@parcours/auth';
import { runCli } from './main';

const env = { PARCOURS_JWT_SECRET: 'cli-test-secret-of-at-least-32-characters' };

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, (s) => out.push(s), (s) => err.push(s), env);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('parcours CLI', () => {
  it('mints a token the API accepts', async () => {
    const { code, out } = await run('token', '--role', 'referent', '--referent-id', 'ref-1', '--organisation-id', 'org-1', '--sub', 'u-7');
    expect(code).toBe(0);
    expect(authenticate(`Bearer ${out}`, env.PARCOURS_JWT_SECRET)).toMatchObject({ sub: 'u-7', role: 'referent', referentId: 'ref-1' });
  });

  it('refuses a role without the claims it needs, with the usage', async () => {
    const { code, err } = await run('token', '--role', 'slai');
    expect(code).toBe(2);
    expect(err).toMatch(/territory/);
    expect(err).toMatch(/--role/);
  });

  it('answers an unknown command with the usage and a non-zero code', async () => {
    expect((await run('fly')).code).toBe(2);
  });
});
