import fc from 'fast-check';
import type { StoreUnderTest } from '../support/api';
import { describeWithPostgres } from '../support/services';
import {
  FailureLog,
  FuzzApi,
  fuzzSeed,
  liveAndRebuilt,
  problemShapeError,
  projectionsSettled,
  startFuzzApi,
} from './fuzz-harness';
import { FuzzRequest, fuzzRequestArb, issueExamples } from './openapi-arbitraries';
import { DocumentValidator, operations } from './openapi-document';

/**
 * Malformed requests generated from the OpenAPI document, on every route
 * (path × method), against the API on a real socket: no 5xx, every refusal in
 * the problem shape, nothing appended for a refused request, nothing accepted
 * that the document refuses, the server stays up, and afterwards every
 * projection has caught up and equals a rebuild.
 * Seed and count: PARCOURS_FUZZ_SEED, PARCOURS_FUZZ_RUNS (at least 5,000 in CI).
 */
const SEED = fuzzSeed(20250630);
const RUNS = Number(process.env.PARCOURS_FUZZ_RUNS ?? 5000);

function fuzzSuite(store: StoreUnderTest) {
  jest.setTimeout(600_000);
  let fuzz: FuzzApi;
  let sent = 0;
  const stats = {
    byStatus: new Map<number, number>(),
    reached: new Map<string, number>(),
    started: 0,
    timing: new Map<string, { n: number; ms: number }>(),
  };

  beforeAll(async () => {
    fuzz = await startFuzzApi(store);
  });
  afterAll(async () => {
    await fuzz?.close();
  });

  it(
    `answers ${RUNS} malformed requests on every route without a 5xx, in the problem shape, ` +
      `appending nothing when it refuses, accepting nothing the document refuses (seed ${SEED})`,
    async () => {
      const validator = new DocumentValidator(fuzz.doc);
      const ops = operations(fuzz.doc);
      expect(ops.length).toBeGreaterThan(40);
      // The same number for every operation, interleaved, each operation with its own seed so that a new route
      // does not reshuffle the others.
      const perOp = Math.ceil(RUNS / ops.length);
      const batches = ops.map((op, i) =>
        fc.sample(fuzzRequestArb(validator, op, fuzz.known), { seed: SEED + i, numRuns: perOp }),
      );
      const requests: FuzzRequest[] = issueExamples(ops, fuzz.known);
      for (let i = 0; i < perOp; i++) for (const batch of batches) requests.push(batch[i]);

      const failures = new FailureLog();
      stats.started = Date.now();
      let before = await fuzz.eventCount();
      for (const req of requests) {
        const res = await fuzz.send(req);
        if (res.status === -1) {
          if (process.env.PARCOURS_FUZZ_DEBUG)
            console.log(`not sendable: ${res.error} ${JSON.stringify(req.headers).slice(0, 200)}`);
          continue; // Node itself refuses to send it
        }
        sent++;
        stats.byStatus.set(res.status, (stats.byStatus.get(res.status) ?? 0) + 1);
        const kind = req.defect
          .split(/ at | \+ /)[0]
          .split(' ')
          .slice(0, 2)
          .join(' ');
        const t = stats.timing.get(kind) ?? { n: 0, ms: 0 };
        stats.timing.set(kind, { n: t.n + 1, ms: t.ms + res.ms });
        const after = await fuzz.eventCount();
        const code = (res.json as { code?: string } | undefined)?.code ?? '';
        if (res.status >= 200 && res.status < 300 && req.method === req.op.method) {
          // Nothing wrongly accepted: what the document refuses, the server refuses too.
          const verdict = validator.verdict(req.op, {
            pathParams: req.pathParams,
            query: req.query,
            headers: req.headers,
            body: req.body,
          });
          if (verdict.verdict === 'refused')
            failures.add(
              req.op.key,
              `refused by the document (${verdict.reasons.slice(0, 2).join('; ')}), accepted`,
              String(res.status),
              req,
            );
        }
        if (res.status === 0) failures.add(req.op.key, 'no answer', res.error ?? '', req);
        else if (res.status >= 500)
          failures.add(req.op.key, '5xx', `${res.status} ${code || res.text.slice(0, 60)}`, req);
        else if (res.status >= 400) {
          const shape = req.method === 'HEAD' ? undefined : problemShapeError(res);
          if (shape) failures.add(req.op.key, 'not the problem shape', `${res.status} ${shape}`, req);
          if (after !== before)
            failures.add(
              req.op.key,
              'appended on a refusal',
              `${res.status} ${code} (+${after - before} events)`,
              req,
            );
        }
        if (res.status !== 401 && res.status !== 403 && res.status !== 404)
          stats.reached.set(req.op.key, (stats.reached.get(req.op.key) ?? 0) + 1);
        before = after;
      }
      const seconds = (Date.now() - stats.started) / 1000;
      const statuses = JSON.stringify(Object.fromEntries([...stats.byStatus].sort(([a], [b]) => a - b)));
      console.log(
        `${store}: ${sent} requests in ${seconds.toFixed(1)} s (seed ${SEED}); statuses ${statuses}`,
      );
      if (process.env.PARCOURS_FUZZ_DEBUG)
        console.log(
          [...stats.timing]
            .sort(([, a], [, b]) => b.ms - a.ms)
            .map(([k, t]) => `${k}: ${t.n} × ${(t.ms / t.n).toFixed(1)} ms`)
            .join('\n'),
        );
      // Each route was really exercised: some requests got past authentication and routing.
      for (const op of ops)
        if (!stats.reached.get(op.key))
          failures.add(
            op.key,
            'never reached',
            'every request 401/403/404',
            requests.find((r) => r.op === op)!,
          );
      expect(sent).toBeGreaterThanOrEqual(RUNS);
      if (failures.size)
        throw new Error(
          failures.report(
            `${failures.size} failure groups on ${store} (seed ${SEED}, PARCOURS_FUZZ_SEED=${SEED} to replay):`,
          ),
        );
    },
  );

  it('stays up', async () => {
    expect(sent).toBeGreaterThan(0);
    const health = await fuzz.api.http.get('/health');
    expect(health.status).toBe(200);
  });

  it('has every projection running with lag 0, equal to a rebuild', async () => {
    expect(sent).toBeGreaterThan(0);
    const started = Date.now();
    await projectionsSettled(fuzz);
    for (const { name, live, rebuilt } of await liveAndRebuilt(fuzz)) {
      expect({ name, rows: rebuilt }).toEqual({ name, rows: live });
    }
    // The rebuild left the projections running and caught up.
    await projectionsSettled(fuzz);
    console.log(
      `${store}: projections settled and compared with a rebuild in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  });
}

describe('OpenAPI fuzz on the embedded store (PGlite)', () => fuzzSuite('embedded'));
describeWithPostgres('OpenAPI fuzz on PostgreSQL', () => fuzzSuite('postgres'));
