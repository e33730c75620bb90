import type { EventStore, ReadAllOptions } from '@parcours/event-store';

/** The store, whose readAll throws `error()` while `down()` says so: a database away, as the runner or the relay meets it. */
export function flakyStore(store: EventStore, down: () => boolean, error: () => Error): EventStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'readAll') {
        return async (options: ReadAllOptions) => {
          if (down()) throw error();
          return target.readAll(options);
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Waits until `probe` holds, or fails naming what it waited for. */
export async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!(await probe())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
