import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * One process at a time per embedded data directory. PGlite has no lock of its
 * own: a second process (or a second PGlite in the same process) writing the
 * same files corrupts the database beyond repair. The holder writes a lock file
 * inside the directory; anyone else refuses to open it.
 */
export const LOCK_FILE = 'parcours.lock';

export interface LockHolder {
  pid: number;
  hostname: string;
  /** What opened the directory: `server`, `cli`, a script's path. */
  role: string;
  /** When the lock was taken (ISO). */
  since: string;
  /** When the holding process started (ISO). */
  processStartedAt: string;
  /** Linux only: the boot and the process's start tick, so that a reused pid is not taken for the holder. */
  bootId?: string;
  processStartTicks?: string;
}

/** The directory is held by another opener; names the holder so that an operator knows what to stop. */
export class DataDirectoryLockedError extends Error {
  readonly code = 'DATA_DIRECTORY_LOCKED';

  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder | undefined,
    readonly lockPath: string,
    detail: string,
  ) {
    super(`data directory ${dataDir} is locked: ${detail}`);
    this.name = 'DataDirectoryLockedError';
  }
}

export function describeHolder(h: LockHolder): string {
  return `${h.role} (pid ${h.pid} on ${h.hostname}, since ${h.since})`;
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Field 22 of /proc/<pid>/stat: the process's start, in clock ticks since boot (Linux). */
function processStartTicks(pid: number): string | undefined {
  const stat = readOptional(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

function bootId(): string | undefined {
  return readOptional('/proc/sys/kernel/random/boot_id');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by another user
  }
}

/** On this host: is the process that wrote the lock still running? (A pid reused after a restart is not it.) */
function holderIsRunning(h: LockHolder): boolean {
  if (h.bootId && bootId() && h.bootId !== bootId()) return false;
  if (!isAlive(h.pid)) return false;
  const ticks = processStartTicks(h.pid);
  return !(h.processStartTicks && ticks && h.processStartTicks !== ticks);
}

const held = new Set<DataDirectoryLock>();
let exitHookInstalled = false;

function releaseAllOnExit(): void {
  for (const lock of held) lock.release();
}

export class DataDirectoryLock {
  private constructor(
    readonly path: string,
    private readonly content: string,
  ) {}

  /**
   * Takes the directory's lock, or throws DataDirectoryLockedError naming its holder.
   * A lock left by a process of this host that is no longer running is taken over.
   */
  static acquire(
    dataDir: string,
    role: string,
    log: (message: string) => void = (m) => console.warn(m),
  ): DataDirectoryLock {
    const dir = resolve(dataDir);
    const path = join(dir, LOCK_FILE);
    const me: LockHolder = {
      pid: process.pid,
      hostname: hostname(),
      role,
      since: new Date().toISOString(),
      processStartedAt: new Date(Date.now() - process.uptime() * 1000).toISOString(),
      bootId: bootId(),
      processStartTicks: processStartTicks(process.pid),
    };
    const content = `${JSON.stringify(me, null, 2)}\n`;
    for (let attempt = 0; attempt < 5; attempt++) {
      // Written aside then hard-linked: the lock appears complete, or not at all (link fails if it exists).
      const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
      writeFileSync(temp, content, { flag: 'wx' });
      try {
        linkSync(temp, path);
        const lock = new DataDirectoryLock(path, content);
        held.add(lock);
        if (!exitHookInstalled) {
          process.on('exit', releaseAllOnExit);
          exitHookInstalled = true;
        }
        return lock;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      } finally {
        unlinkSync(temp);
      }
      const existing = readOptional(path);
      if (existing === undefined) continue; // released meanwhile
      let holder: LockHolder;
      try {
        holder = JSON.parse(existing) as LockHolder;
        if (!Number.isInteger(holder.pid) || typeof holder.hostname !== 'string')
          throw new Error('no pid or hostname');
      } catch {
        throw new DataDirectoryLockedError(
          dir,
          undefined,
          path,
          `${path} is not a lock this program wrote; if you are sure no process uses the directory, delete that file`,
        );
      }
      if (holder.hostname !== me.hostname) {
        throw new DataDirectoryLockedError(
          dir,
          holder,
          path,
          `held by ${describeHolder(holder)}, another host, whose processes cannot be checked from here; if you are sure no ` +
            `process uses the directory, delete ${path}`,
        );
      }
      if (holderIsRunning(holder)) {
        const who =
          holder.pid === process.pid
            ? `this very process, ${describeHolder(holder)}`
            : describeHolder(holder);
        throw new DataDirectoryLockedError(dir, holder, path, `held by ${who}`);
      }
      if (DataDirectoryLock.setAside(path, existing)) {
        log(
          `data directory ${dir}: taking over the lock of ${describeHolder(holder)}, which is no longer running`,
        );
      }
    }
    throw new DataDirectoryLockedError(
      dir,
      undefined,
      path,
      'other processes keep taking and releasing it; try again',
    );
  }

  /**
   * Removes a stale lock, unless another opener replaced it meanwhile: it is
   * renamed first, then checked, and put back if it was not the stale one.
   */
  private static setAside(path: string, stale: string): boolean {
    const aside = `${path}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
    try {
      renameSync(path, aside);
    } catch {
      return false; // someone else moved it: look again
    }
    const moved = readOptional(aside);
    if (moved !== stale) {
      try {
        linkSync(aside, path);
      } catch {
        // a third opener took the place; it holds the lock
      }
    }
    unlinkSync(aside);
    return moved === stale;
  }

  /** Removes the lock file if it is still this lock's; safe to call twice. */
  release(): void {
    if (!held.delete(this)) return;
    try {
      if (readFileSync(this.path, 'utf8') === this.content) unlinkSync(this.path);
    } catch {
      // already gone (directory removed): nothing to release
    }
  }
}
