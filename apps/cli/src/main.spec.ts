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

describe('parcours CLI on the read side', () => {
  const dir = require('node:fs').mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'parcours-cli-'));
  const embedded = { ...env, PARCOURS_DATA_DIR: `${dir}/data`, PARCOURS_PSEUDONYMISATION_KEY: 'a-key-of-at-least-thirty-two-characters!' };

  async function runIn(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, (s) => out.push(s), (s) => err.push(s), embedded);
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('reports projections, rebuilds them, and writes the export files', async () => {
    const exportedFirst = await runIn('indicators', 'export', '--from', '2025-01-01', '--to', '2025-12-31', '--format', 'json', '--out', `${dir}/first`);
    expect(exportedFirst.code).toBe(0);
    const status = await runIn('projections', 'status');
    expect(status.code).toBe(0);
    expect(JSON.parse(status.out)[0]).toMatchObject({ name: 'parcours', eventsBehind: 0 });
    expect((await runIn('projections', 'rebuild', 'parcours')).out).toMatch(/rebuilt from 0 events/);
    const exported = await runIn('indicators', 'export', '--from', '2025-01-01', '--to', '2025-12-31', '--out', `${dir}/out`);
    expect(exported.code).toBe(0);
    expect(exported.out.split('\n').map((p) => p.split('/').pop())).toEqual([
      'indicators-calpae-2025-01-01-2025-12-31.csv',
      'indicators-reseau_emploi-2025-01-01-2025-12-31.csv',
      'indicators-cie-2025-01-01-2025-12-31.csv',
      'indicators-equilibre-2025-01-01-2025-12-31.csv',
      'indicators-drees-2025-01-01-2025-12-31.csv',
    ]);
    const calpae = require('node:fs').readFileSync(exported.out.split('\n')[0], 'utf8');
    expect(calpae).toMatch(/^calpae,calpae\.new_entrants,1,.*,all,,0,,0,2025-01-01,2025-12-31,/m);
    const extract = await runIn('indicators', 'extract', '--from', '2025-01-01', '--to', '2025-12-31', '--format', 'json', '--out', `${dir}/out`);
    expect(JSON.parse(require('node:fs').readFileSync(extract.out, 'utf8')).rows).toEqual([]);
  });

  it('refuses bad periods and unknown projections with the usage', async () => {
    expect((await runIn('indicators', 'export', '--from', '2025-12-31', '--to', '2025-01-01')).code).toBe(2);
    expect((await runIn('indicators', 'export', '--from', 'yesterday', '--to', '2025-01-01')).err).toMatch(/--from/);
    expect((await runIn('projections', 'rebuild', 'nothing')).code).toBe(2);
  });
});

describe('parcours CLI on the dead letters', () => {
  it('needs a broker', async () => {
    const { code, err } = await run('dead-letters', 'replay');
    expect(code).toBe(2);
    expect(err).toMatch(/KAFKA_BROKERS/);
  });
});
