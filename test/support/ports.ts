import net from 'node:net';

/**
 * Listens on the first free port of a range on 127.0.0.1 (servers started by
 * a test: each suite has its own range, so that suites run side by side).
 */
export async function listenInRange(
  server: net.Server,
  range: { from: number; to: number },
): Promise<number> {
  for (let port = range.from; port <= range.to; port++) {
    const ok = await new Promise<boolean>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) =>
        error.code === 'EADDRINUSE' ? resolve(false) : reject(error);
      server.once('error', onError);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', onError);
        resolve(true);
      });
    });
    if (ok) return port;
  }
  throw new Error(`no free port in ${range.from}-${range.to}`);
}
