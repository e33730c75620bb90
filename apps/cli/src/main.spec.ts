import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { authenticate } from '@parcours/auth';
import { runCli } from './main';

const env = { PARCOURS_JWT_SECRET: 'cli-test-secret-of-at-least-32-characters' };

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    argv,
    (s) => out.push(s),
    (s) => err.push(s),
    env,
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('parcours CLI', () => {
  it('mints a token the API accepts', async () => {
    const { code, out } = await run(
      'token',
      '--role',
      'referent',
      '--referent-id',
      'ref-1',
      '--organisation-id',
      'org-1',
      '--sub',
      'u-7',
    );
    expect(code).toBe(0);
    expect(authenticate(`Bearer ${out}`, env.PARCOURS_JWT_SECRET)).toMatchObject({
      sub: 'u-7',
      role: 'referent',
      referentId: 'ref-1',
    });
  });

  it('refuses a role without the claims it needs, on one line pointing to the help', async () => {
    const { code, err } = await run('token', '--role', 'slai');
    expect(code).toBe(2);
    expect(err).toMatch(/territory/);
    expect(err).toMatch(/--role/);
    expect(err).toMatch(/^error: .*\(see npm run cli -- token --help\)$/);
  });

  it('answers an unknown command with a non-zero code', async () => {
    expect((await run('fly')).code).toBe(2);
  });
});

describe('parcours CLI on the read side', () => {
  const dir = fs.mkdtempSync(path.join(tmpdir(), 'parcours-cli-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const embedded = {
    ...env,
    PARCOURS_DATA_DIR: `${dir}/data`,
    PARCOURS_PSEUDONYMISATION_KEY: 'a-key-of-at-least-thirty-two-characters!',
  };

  async function runIn(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(
      argv,
      (s) => out.push(s),
      (s) => err.push(s),
      embedded,
    );
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('reports projections, rebuilds them, and writes the export files', async () => {
    const exportedFirst = await runIn(
      'indicators',
      'export',
      '--from',
      '2025-01-01',
      '--to',
      '2025-12-31',
      '--format',
      'json',
      '--out',
      `${dir}/first`,
    );
    expect(exportedFirst.code).toBe(0);
    const status = await runIn('projections', 'status');
    expect(status.code).toBe(0);
    expect(JSON.parse(status.out)[0]).toMatchObject({ name: 'parcours', eventsBehind: 0 });
    const rebuilt = await runIn('projections', 'rebuild', 'parcours');
    expect(rebuilt.out).toMatch(/rebuilt from 0 events/);
    // Progress goes to stderr, stdout keeps the result alone.
    expect(rebuilt.err).toMatch(
      /^projections rebuild parcours: started\nprojections rebuild parcours: 0 events in [\d.]+ m?s$/,
    );
    const exported = await runIn(
      'indicators',
      'export',
      '--from',
      '2025-01-01',
      '--to',
      '2025-12-31',
      '--out',
      `${dir}/out`,
    );
    expect(exported.code).toBe(0);
    expect(exported.err).toMatch(
      /^indicators export 2025-01-01\.\.2025-12-31: 5 file\(s\) written from 0 cycles in /m,
    );
    expect(exported.out.split('\n').map((p) => p.split('/').pop())).toEqual([
      'indicators-calpae-2025-01-01-2025-12-31.csv',
      'indicators-reseau_emploi-2025-01-01-2025-12-31.csv',
      'indicators-cie-2025-01-01-2025-12-31.csv',
      'indicators-equilibre-2025-01-01-2025-12-31.csv',
      'indicators-drees-2025-01-01-2025-12-31.csv',
    ]);
    const calpae = fs.readFileSync(exported.out.split('\n')[0], 'utf8');
    expect(calpae).toMatch(/^calpae,calpae\.new_entrants,1,.*,all,,0,,0,2025-01-01,2025-12-31,/m);
    const extract = await runIn(
      'indicators',
      'extract',
      '--from',
      '2025-01-01',
      '--to',
      '2025-12-31',
      '--format',
      'json',
      '--out',
      `${dir}/out`,
    );
    expect(JSON.parse(fs.readFileSync(extract.out, 'utf8')).rows).toEqual([]);
  });

  it('refuses bad periods and unknown projections before opening the store', async () => {
    expect((await runIn('indicators', 'export', '--from', '2025-12-31', '--to', '2025-01-01')).code).toBe(2);
    expect((await runIn('indicators', 'export', '--from', 'yesterday', '--to', '2025-01-01')).err).toMatch(
      /--from/,
    );
    const unknown = await runIn('projections', 'rebuild', 'nothing');
    expect(unknown).toMatchObject({
      code: 2,
      err:
        'error: unknown projection "nothing" (known: parcours, person-index, record-lateness, sanction-procedures) ' +
        '(see npm run cli -- projections rebuild --help)',
    });
  });
});

describe('parcours CLI on the dead letters', () => {
  it('needs a broker', async () => {
    const { code, err } = await run('dead-letters', 'replay');
    expect(code).toBe(2);
    expect(err).toMatch(/KAFKA_BROKERS/);
  });
});

describe('parcours CLI beside a running server', () => {
  const root = fs.mkdtempSync(path.join(tmpdir(), 'parcours-cli-server-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  async function runWith(extraEnv: Record<string, string>, ...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(
      argv,
      (s) => out.push(s),
      (s) => err.push(s),
      { ...env, ...extraEnv },
    );
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('refuses, from another process, a data directory the server holds, and leaves it intact; direct mode once it is free', async () => {
    const { PgliteSqlClient, SqlEventStore } = await import('@parcours/event-store');
    const dataDir = path.join(root, 'pglite');
    // The server's side: the directory open, one event written.
    const sql = await PgliteSqlClient.open({ dataDir, schema: 'public', role: 'server' });
    const store = new SqlEventStore(sql);
    await store.migrate();
    await store.appendToStream('lock-test', [
      { id: '0b6f1a52-7d5e-4c61-9a57-3f0f1b0e2a11', type: 'LockTestWritten', data: {} },
    ]);

    // The README's command, run as a user would while the server runs.
    const cli = await new Promise<{ code: number; stderr: string }>((done) => {
      execFile(
        process.execPath,
        [
          '-r',
          'ts-node/register/transpile-only',
          '-r',
          'tsconfig-paths/register',
          'apps/cli/src/main.ts',
          'projections',
          'rebuild',
          'parcours',
        ],
        {
          cwd: path.resolve(__dirname, '../../..'),
          env: { ...process.env, ...env, PARCOURS_DATA_DIR: dataDir },
        },
        (error, _stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stderr }),
      );
    });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(`is locked: held by server (pid ${process.pid} on `);
    expect(cli.stderr).toContain('--api http://127.0.0.1:3000 --token');

    // The server goes on serving, then stops; the directory opens again with its event.
    expect((await store.readStream('lock-test')).map((e) => e.type)).toEqual(['LockTestWritten']);
    await sql.close();
    const status = await runWith({ PARCOURS_DATA_DIR: dataDir }, 'projections', 'status');
    expect(status.code).toBe(0);
    expect(JSON.parse(status.out)[0]).toMatchObject({ name: 'parcours', eventsBehind: 1 });
    const resumed = await runWith({ PARCOURS_DATA_DIR: dataDir }, 'projections', 'resume', 'parcours');
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.out)).toMatchObject({ name: 'parcours', error: null });
    expect((await runWith({ PARCOURS_DATA_DIR: dataDir }, 'projections', 'resume', 'nothing')).code).toBe(2);
  });

  it('works through the API of a running server, opening no store itself', async () => {
    const { startApi, seedReferenceData, followedParcours, projectionsCaughtUp, tokens, NOW } =
      await import('../../../test/support/api');
    const api = await startApi('embedded', () => NOW, {
      PARCOURS_PSEUDONYMISATION_KEY: 'a-key-of-at-least-thirty-two-characters!',
    });
    try {
      await api.app.listen(0, '127.0.0.1');
      const url = `http://127.0.0.1:${api.app.getHttpServer().address().port}`;
      await seedReferenceData(api);
      await followedParcours(api);
      await projectionsCaughtUp(api);
      const untouched = path.join(root, 'never-opened');
      const through = { PARCOURS_DATA_DIR: untouched };

      const status = await runWith(
        through,
        'projections',
        'status',
        '--api',
        url,
        '--token',
        tokens.departement(),
      );
      expect(status.code).toBe(0);
      expect(JSON.parse(status.out)).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: 'parcours', eventsBehind: 0 })]),
      );
      // The same from the environment.
      const byEnv = await runWith(
        { ...through, PARCOURS_API_URL: `${url}/`, PARCOURS_API_TOKEN: tokens.departement() },
        'projections',
        'status',
      );
      expect(JSON.parse(byEnv.out)).toEqual(JSON.parse(status.out));

      const exported = await runWith(
        through,
        'indicators',
        'export',
        '--from',
        '2025-01-01',
        '--to',
        '2025-12-31',
        '--out',
        `${root}/api-out`,
        '--api',
        url,
        '--token',
        tokens.departement(),
      );
      expect(exported.code).toBe(0);
      expect(exported.out.split('\n').map((p) => path.basename(p))).toEqual([
        'indicators-calpae-2025-01-01-2025-12-31.csv',
        'indicators-reseau_emploi-2025-01-01-2025-12-31.csv',
        'indicators-cie-2025-01-01-2025-12-31.csv',
        'indicators-equilibre-2025-01-01-2025-12-31.csv',
        'indicators-drees-2025-01-01-2025-12-31.csv',
      ]);
      expect(fs.readFileSync(exported.out.split('\n')[0], 'utf8')).toMatch(
        /^calpae,calpae\.new_entrants,1,.*,all,,1,/m,
      );
      const extract = await runWith(
        through,
        'indicators',
        'extract',
        '--from',
        '2025-01-01',
        '--to',
        '2025-12-31',
        '--format',
        'json',
        '--out',
        `${root}/api-out`,
        '--api',
        url,
        '--token',
        tokens.departement(),
      );
      expect(extract.code).toBe(0);
      expect(JSON.parse(fs.readFileSync(extract.out, 'utf8')).rows).toHaveLength(1);

      const referent = await runWith(
        through,
        'projections',
        'status',
        '--api',
        url,
        '--token',
        tokens.referent(),
      );
      expect(referent.code).toBe(1);
      expect(referent.err).toMatch(/the server answered 403 to GET \/api\/projections/);
      expect(fs.existsSync(untouched)).toBe(false);
    } finally {
      await api.close();
    }
  });

  it('sends rebuild and resume to the server and prints its answer; refuses to go on without a token or a server', async () => {
    // The server's contract, played by a stub: rebuild answers 200 when done or 202 while it runs.
    const seen: string[] = [];
    let rebuildAnswer: [number, object] = [200, { name: 'parcours', events: 12 }];
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization}`);
      const [status, body] = req.url?.endsWith('/rebuild')
        ? rebuildAnswer
        : [200, { name: 'parcours', kind: 'projection', status: 'running', error: null }];
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const rebuilt = await runWith({}, 'projections', 'rebuild', 'parcours', '--api', url, '--token', 'tok');
      expect(rebuilt).toMatchObject({
        code: 0,
        out: 'projection parcours rebuilt from 12 events and swapped in',
      });
      expect(rebuilt.err).toMatch(/^projections rebuild parcours: 12 events, by the server in /m);
      rebuildAnswer = [202, { name: 'parcours', status: 'rebuilding' }];
      expect(
        (await runWith({}, 'projections', 'rebuild', 'parcours', '--api', url, '--token', 'tok')).out,
      ).toMatch(/the server is rebuilding it/);
      const resumed = await runWith({}, 'projections', 'resume', 'parcours', '--api', url, '--token', 'tok');
      expect(resumed.code).toBe(0);
      expect(JSON.parse(resumed.out)).toMatchObject({ name: 'parcours', status: 'running' });
      expect(seen).toEqual([
        'POST /api/projections/parcours/rebuild Bearer tok',
        'POST /api/projections/parcours/rebuild Bearer tok',
        'POST /api/projections/parcours/resume Bearer tok',
      ]);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
    expect((await runWith({}, 'projections', 'status', '--api', url)).code).toBe(2);
    // A port nothing listens on any more.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((r) => closed.close(r));
    const gone = await runWith({}, 'projections', 'status', '--api', closedUrl, '--token', 'tok');
    expect(gone.code).toBe(1);
    expect(gone.err).toMatch(/cannot reach the server at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
  });
});
