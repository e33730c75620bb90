import { ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DataDirectoryLock, DataDirectoryLockedError, LOCK_FILE, LockHolder } from './data-directory-lock';
import { PgliteSqlClient } from './pglite-client';

const ROOT = resolve(__dirname, '../../../..');
const CLIENT = resolve(__dirname, 'pglite-client.ts');
const LOCK = resolve(__dirname, 'data-directory-lock.ts');
const NODE_TS = ['-r', 'ts-node/register/transpile-only'];

/** Opens the directory in another process: prints "held" and waits to be killed, or prints the error and exits 3. */
const OPEN_AND_HOLD = `
const { PgliteSqlClient } = require(${JSON.stringify(CLIENT)});
PgliteSqlClient.open({ dataDir: process.argv[1], schema: 'lock_test', role: 'child' }).then(
  (c) => { console.log('held'); if (process.argv[2] !== 'hold') return c.close(); setInterval(() => undefined, 1000); },
  (e) => { console.error(e.name + ': ' + e.message); process.exit(3); },
);`;

function runNode(
  script: string,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [...NODE_TS, '-e', script, ...args],
      { cwd: ROOT },
      (error, stdout, stderr) => {
        done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

/** A pid that certainly ran on this host and no longer runs. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid!;
}

function lockOf(dir: string, holder: Partial<LockHolder>): void {
  const lock: LockHolder = {
    pid: 1,
    hostname: hostname(),
    role: 'server',
    since: '2026-01-01T00:00:00.000Z',
    processStartedAt: '2026-01-01T00:00:00.000Z',
    ...holder,
  };
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify(lock));
}

describe('the lock of an embedded data directory', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'parcours-lock-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  let n = 0;
  const freshDir = () => {
    const dir = join(root, `d${++n}`);
    mkdirSync(dir);
    return dir;
  };

  it('refuses a second opener in the same process, and the directory opens again, data intact, once the first closed', async () => {
    const dir = freshDir();
    const first = await PgliteSqlClient.open({ dataDir: dir, schema: 'lock_test', role: 'server' });
    await first.exec('create table kept (v text); insert into kept values ($$before$$)');
    const second = PgliteSqlClient.open({ dataDir: dir, schema: 'lock_test', role: 'cli' });
    await expect(second).rejects.toThrow(DataDirectoryLockedError);
    await expect(second).rejects.toThrow(new RegExp(`this very process, server \\(pid ${process.pid} on `));
    expect(await first.query('select v from kept')).toEqual([{ v: 'before' }]);
    await first.close();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);

    const again = await PgliteSqlClient.open({ dataDir: dir, schema: 'lock_test' });
    expect(await again.query('select v from kept')).toEqual([{ v: 'before' }]);
    await again.close();
  });

  it('refuses an opener in another process, naming the holder; a holder killed with SIGKILL leaves a lock that is taken over', async () => {
    const dir = freshDir();
    const mine = await PgliteSqlClient.open({ dataDir: dir, schema: 'lock_test', role: 'server' });
    await mine.exec('create table kept (v text); insert into kept values ($$before$$)');
    const refused = await runNode(OPEN_AND_HOLD, dir);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(
      `DataDirectoryLockedError: data directory ${dir} is locked: held by server (pid ${process.pid} on ${hostname()}, since `,
    );
    expect(await mine.query('select v from kept')).toEqual([{ v: 'before' }]);
    await mine.close();

    // The other process now holds it; this one is refused, until that process dies without releasing.
    const holder: ChildProcess = spawn(process.execPath, [...NODE_TS, '-e', OPEN_AND_HOLD, dir, 'hold'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((r) => holder.on('exit', r));
    await new Promise<void>((ready, failed) => {
      holder.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('held') && ready());
      holder.on('exit', (code) => failed(new Error(`holder exited with ${code}`)));
    });
    await expect(PgliteSqlClient.open({ dataDir: dir, schema: 'lock_test' })).rejects.toThrow(
      `held by child (pid ${holder.pid} on `,
    );
    holder.kill('SIGKILL');
    await exited;
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);

    const logs: string[] = [];
    const warn = jest.spyOn(console, 'warn').mockImplementation((m: string) => void logs.push(m));
    try {
      const after = await PgliteSqlClient.open({ dataDir: dir, schema: 'lock_test' });
      expect(await after.query('select v from kept')).toEqual([{ v: 'before' }]);
      await after.close();
    } finally {
      warn.mockRestore();
    }
    expect(logs).toEqual([
      expect.stringContaining(`taking over the lock of child (pid ${holder.pid} on ${hostname()}`),
    ]);
  });

  it('takes over the lock of a process of this host that no longer runs, with a log line', () => {
    const dir = freshDir();
    const pid = deadPid();
    lockOf(dir, { pid });
    const logs: string[] = [];
    const lock = DataDirectoryLock.acquire(dir, 'cli', (m) => logs.push(m));
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({
      pid: process.pid,
      role: 'cli',
      hostname: hostname(),
    });
    expect(logs).toEqual([
      `data directory ${dir}: taking over the lock of server (pid ${pid} on ${hostname()}, since 2026-01-01T00:00:00.000Z)` +
        ', which is no longer running',
    ]);
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  const linux = existsSync('/proc/self/stat') ? it : it.skip;
  linux('takes a live pid that started at another time (reused after a restart) for a stale lock', () => {
    const dir = freshDir();
    lockOf(dir, { pid: process.ppid, processStartTicks: '1' });
    const lock = DataDirectoryLock.acquire(dir, 'cli', () => undefined);
    lock.release();
  });

  it('refuses a lock of another host, saying how to remove it if sure', () => {
    const dir = freshDir();
    lockOf(dir, { pid: deadPid(), hostname: 'elsewhere.example' });
    expect(() => DataDirectoryLock.acquire(dir, 'cli')).toThrow(
      /another host, whose processes cannot be checked from here; if you are sure no process uses the directory, delete .*parcours\.lock/,
    );
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({
      hostname: 'elsewhere.example',
    });
  });

  it('refuses a lock file it cannot read rather than guessing', () => {
    const dir = freshDir();
    writeFileSync(join(dir, LOCK_FILE), 'not json');
    expect(() => DataDirectoryLock.acquire(dir, 'cli')).toThrow(DataDirectoryLockedError);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe('not json');
  });

  it('is released when the holding process exits without closing', async () => {
    const dir = freshDir();
    const script = `require(${JSON.stringify(LOCK)}).DataDirectoryLock.acquire(process.argv[1], 'child'); process.exit(0);`;
    expect((await runNode(script, dir)).code).toBe(0);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('never removes a lock that is no longer its own', () => {
    const dir = freshDir();
    const lock = DataDirectoryLock.acquire(dir, 'cli');
    lockOf(dir, { pid: process.ppid, role: 'someone else' });
    lock.release();
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ role: 'someone else' });
  });
});
