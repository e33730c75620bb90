import { BlockList, isIP } from 'node:net';

/**
 * Who may scrape GET /metrics, from PARCOURS_METRICS:
 * - `on`: anyone who reaches the port (the network in front decides);
 * - `off`: nobody (404, as if the route did not exist);
 * - a comma-separated list of addresses and CIDR blocks (`10.0.0.0/8,127.0.0.1`):
 *   only clients whose address, as resolved with PARCOURS_TRUST_PROXY, is in it.
 * Default: `on` outside production, `off` in production: the metrics name no
 * person, but they tell an outsider how the service is used and loaded, so
 * production opens them deliberately.
 */
export type MetricsAccess =
  { mode: 'on' } | { mode: 'off' } | { mode: 'allow'; allowed: BlockList; description: string };

export class MetricsAccessError extends Error {}

/** The one place the variable is read (it belongs in libs/config once that file is free). */
export function metricsAccessOf(
  config: { production: boolean },
  env: NodeJS.ProcessEnv = process.env,
): MetricsAccess {
  return metricsAccessFrom(env.PARCOURS_METRICS, config.production);
}

export function metricsAccessFrom(value: string | undefined, production: boolean): MetricsAccess {
  const raw = (value ?? '').trim();
  if (raw === '') return production ? { mode: 'off' } : { mode: 'on' };
  if (raw === 'on' || raw === 'off') return { mode: raw };
  const allowed = new BlockList();
  for (const entry of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [address, prefix, extra] = entry.split('/');
    const family = isIP(address);
    const bits = prefix === undefined ? (family === 6 ? 128 : 32) : Number(prefix);
    const max = family === 6 ? 128 : 32;
    if (!family || extra !== undefined || !/^\d+$/.test(String(bits)) || bits > max) {
      throw new MetricsAccessError(
        `PARCOURS_METRICS: "${entry}" is neither on, off, an address nor a CIDR block`,
      );
    }
    allowed.addSubnet(address, bits, family === 6 ? 'ipv6' : 'ipv4');
  }
  return { mode: 'allow', allowed, description: raw };
}

/** True when a client at this address may scrape; an IPv4 address mapped in IPv6 (::ffff:a.b.c.d) is judged as IPv4. */
export function mayScrape(access: MetricsAccess, address: string | undefined): boolean {
  if (access.mode !== 'allow') return access.mode === 'on';
  if (!address) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const ip = mapped ? mapped[1] : address;
  const family = isIP(ip);
  if (!family) return false;
  return access.allowed.check(ip, family === 6 ? 'ipv6' : 'ipv4');
}
