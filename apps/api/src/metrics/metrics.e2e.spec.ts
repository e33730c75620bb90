import {
  bearer,
  followedParcours,
  projectionsCaughtUp,
  seedReferenceData,
  startApi,
  TestApi,
  tokens,
} from '../../../../test/support/api';

/** Every sample of a scrape: name, labels, value (comments and blank lines aside). */
function samples(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
        labels[key] = value;
      return { name: match[1], labels, value: Number(match[3]) };
    });
}

const UUID_ANYWHERE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

describe('GET /metrics (Prometheus)', () => {
  let api: TestApi;
  let parcoursId: string;

  beforeAll(async () => {
    api = await startApi('embedded');
    await seedReferenceData(api);
    parcoursId = await followedParcours(api);
    // A rule refuses: employment cannot start after today (30 June 2025).
    const refused = await api.http
      .post(`/api/parcours/${parcoursId}/employment`)
      .set(bearer(tokens.referent()))
      .send({ startedOn: '2025-07-01', kind: 'permanent' })
      .expect(422);
    expect(refused.body.code).toBe('DATE_IN_FUTURE');
    await api.http.get(`/api/parcours/${parcoursId}`).set(bearer(tokens.referent())).expect(200);
    await projectionsCaughtUp(api);
  });

  afterAll(() => api?.close());

  const scrape = async () => {
    const res = await api.http.get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text;
  };

  it('counts commands by type and outcome: accepted, or the code of the rule that refused', async () => {
    const all = samples(await scrape()).filter((s) => s.name === 'parcours_commands_total');
    const count = (command: string, outcome: string) =>
      all.find((s) => s.labels.command === command && s.labels.outcome === outcome)?.value;
    expect(count('Enter', 'accepted')).toBe(1);
    expect(count('Orient', 'accepted')).toBe(1);
    expect(count('AssignReferent', 'accepted')).toBe(1);
    expect(count('StartEmployment', 'DATE_IN_FUTURE')).toBe(1);
    expect(count('StartEmployment', 'accepted')).toBeUndefined();
  });

  it('shows the lag and position of each projection, and the append latency of the event store', async () => {
    const all = samples(await scrape());
    const behind = all.filter((s) => s.name === 'parcours_projection_events_behind');
    expect(behind.map((s) => s.labels.projection)).toContain('parcours');
    // Caught up in beforeAll, and nothing was written since.
    expect(behind.every((s) => s.value === 0)).toBe(true);
    // The log holds the reference data and the three parcours events: all processed.
    expect(
      all.find((s) => s.name === 'parcours_projection_events_processed' && s.labels.projection === 'parcours')
        ?.value,
    ).toBeGreaterThanOrEqual(3);
    expect(
      all.find(
        (s) =>
          s.name === 'parcours_projection_status' &&
          s.labels.projection === 'parcours' &&
          s.labels.status === 'running',
      )?.value,
    ).toBe(1);
    expect(all.find((s) => s.name === 'parcours_background_status_readable')?.value).toBe(1);
    // Three commands accepted, three appends; no relay series without Kafka.
    expect(
      all.find(
        (s) => s.name === 'parcours_event_store_append_duration_seconds_count' && s.labels.outcome === 'ok',
      )?.value,
    ).toBe(3);
    expect(all.some((s) => s.name.startsWith('parcours_relay_'))).toBe(false);
  });

  it('times HTTP requests by route pattern and status, in histogram buckets, never by URL', async () => {
    const all = samples(await scrape()).filter((s) =>
      s.name.startsWith('parcours_http_request_duration_seconds'),
    );
    const buckets = all.filter(
      (s) =>
        s.name === 'parcours_http_request_duration_seconds_bucket' &&
        s.labels.route === '/api/parcours/:id' &&
        s.labels.method === 'GET' &&
        s.labels.status === '200',
    );
    expect(buckets.length).toBeGreaterThan(5);
    expect(buckets.find((s) => s.labels.le === '+Inf')?.value).toBe(1);
    expect(
      all.find(
        (s) =>
          s.name === 'parcours_http_request_duration_seconds_count' &&
          s.labels.route === '/api/parcours/:id/employment' &&
          s.labels.status === '422',
      )?.value,
    ).toBe(1);
    expect(all.filter((s) => s.labels.route?.includes(parcoursId))).toEqual([]);
  });

  it('counts the audited reads once written; the default Node metrics carry the prefix', async () => {
    // The audit trail writes in the background (every 200 ms).
    let written = 0;
    for (let i = 0; i < 50 && written === 0; i++) {
      written =
        samples(await scrape()).find((s) => s.name === 'parcours_audit_reads_written_total')?.value ?? 0;
      if (written === 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(written).toBeGreaterThanOrEqual(1);
    const text = await scrape();
    expect(text).toContain('parcours_process_cpu_seconds_total');
    expect(text).toContain('parcours_nodejs_eventloop_lag_seconds');
  });

  it('no label carries a parcours id, a name, or an identifier of a person', async () => {
    const values = samples(await scrape()).flatMap((s) => Object.values(s.labels));
    expect(values.filter((v) => UUID_ANYWHERE.test(v))).toEqual([]);
    for (const personal of ['Martin', 'Léa', 'Camille', '1234567', 'ref-ccas-1'])
      expect(values.filter((v) => v.includes(personal))).toEqual([]);
  });

  it('needs no token, and is left out of the OpenAPI document of client apps', async () => {
    await api.http.get('/metrics').set('Authorization', 'Bearer not-a-token').expect(200);
    const doc = await api.http.get('/api/docs/json').expect(200);
    expect(Object.keys(doc.body.paths)).not.toContain('/metrics');
    expect(Object.keys(doc.body.paths).length).toBeGreaterThan(10);
  });
});

describe('GET /metrics access (PARCOURS_METRICS)', () => {
  const withAccess = async (value: string, run: (api: TestApi) => Promise<void>) => {
    const before = process.env.PARCOURS_METRICS;
    process.env.PARCOURS_METRICS = value;
    let api: TestApi | undefined;
    try {
      api = await startApi('embedded');
    } finally {
      if (before === undefined) delete process.env.PARCOURS_METRICS;
      else process.env.PARCOURS_METRICS = before;
    }
    try {
      await run(api);
    } finally {
      await api.close();
    }
  };

  it('off: not found', () =>
    withAccess('off', async (api) => {
      const res = await api.http.get('/metrics').expect(404);
      expect(res.body.code).toBe('NOT_FOUND');
    }));

  it('an allow list: refused to an address outside it (the test client is 127.0.0.1)', () =>
    withAccess('10.0.0.0/8, 192.168.0.0/16', async (api) => {
      const res = await api.http.get('/metrics').expect(403);
      expect(res.body.code).toBe('FORBIDDEN');
    }));
});
