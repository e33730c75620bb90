import { mayScrape, metricsAccessFrom, MetricsAccessError } from './metrics-access';

describe('PARCOURS_METRICS', () => {
  it('is on by default outside production, off in production', () => {
    expect(metricsAccessFrom(undefined, false).mode).toBe('on');
    expect(metricsAccessFrom('', true).mode).toBe('off');
    expect(metricsAccessFrom('on', true).mode).toBe('on');
    expect(mayScrape(metricsAccessFrom('off', false), '127.0.0.1')).toBe(false);
  });

  it('takes addresses and CIDR blocks, IPv4 mapped in IPv6 judged as IPv4', () => {
    const access = metricsAccessFrom('10.0.0.0/8, 192.168.1.7, fd00::/8', true);
    expect(mayScrape(access, '10.42.0.3')).toBe(true);
    expect(mayScrape(access, '::ffff:10.42.0.3')).toBe(true);
    expect(mayScrape(access, '192.168.1.7')).toBe(true);
    expect(mayScrape(access, '192.168.1.8')).toBe(false);
    expect(mayScrape(access, 'fd12::1')).toBe(true);
    expect(mayScrape(access, '8.8.8.8')).toBe(false);
    expect(mayScrape(access, undefined)).toBe(false);
  });

  it('refuses what is neither on, off, an address nor a block', () => {
    for (const bad of ['yes', '10.0.0.0/33', '10.0.0.0/8/1', 'localhost', '10.0.0.0/x'])
      expect(() => metricsAccessFrom(bad, false)).toThrow(MetricsAccessError);
  });
});
