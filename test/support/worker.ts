import { ChildProcess, spawn } from 'node:child_process';

/**
 * The real worker process (apps/worker/src/main.ts) with these variables,
 * run through ts-node. Its standard error is piped; its standard output too
 * when asked (then the caller must read it, or the worker blocks when the pipe fills).
 */
export function spawnWorker(env: Record<string, string>, options: { stdout?: boolean } = {}): ChildProcess {
  return spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/worker/src/main.ts'],
    {
      env: { ...process.env, NODE_OPTIONS: '', TS_NODE_TRANSPILE_ONLY: 'true', ...env },
      stdio: ['ignore', options.stdout ? 'pipe' : 'ignore', 'pipe'],
    },
  );
}
