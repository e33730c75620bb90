import fc from 'fast-check';
import { FailureLog, FuzzApi, FuzzResponse, fuzzSeed, startFuzzApi } from './fuzz-harness';
import { AuthLabel, FuzzRequest, singleDefectArb, validBaseArb, serialise } from './openapi-arbitraries';
import { danglingReferences, DocumentValidator, Operation, operations, Verdict } from './openapi-document';

/**
 * The OpenAPI document is the contract client apps are generated from: it
 * validates, declares every status a route answers with its schema, and is
 * exactly as strict as the server — a request it admits is never refused as
 * malformed, one it refuses is never accepted. Requests are generated from the
 * document's own schemas; ajv decides on which side of the contract each one is.
 */
const SEED = fuzzSeed(20250701);
const ADMITTED_PER_OPERATION = Number(process.env.PARCOURS_CONTRACT_VALID ?? 20);
const REFUSED_PER_OPERATION = Number(process.env.PARCOURS_CONTRACT_REFUSED ?? 30);

/** Statuses that say "your request is malformed" rather than "not allowed", "not found" or "a rule refused it". */
const MALFORMED = new Set([400, 413, 415]);

/** A role that may call the route, so that the answer comes from validation and the rules. */
const callerOf = (op: Operation): fc.Arbitrary<AuthLabel> =>
  fc.constant(op.path.startsWith('/api/me/') ? 'referent' : 'departement');

describe('OpenAPI document: the contract client apps are generated from', () => {
  jest.setTimeout(600_000);
  let fuzz: FuzzApi;
  let validator: DocumentValidator;
  let ops: Operation[];
  const answered: { req: FuzzRequest; res: FuzzResponse }[] = [];

  beforeAll(async () => {
    fuzz = await startFuzzApi('embedded');
    validator = new DocumentValidator(fuzz.doc);
    ops = operations(fuzz.doc);
  });
  afterAll(async () => {
    await fuzz?.close();
  });

  it('validates: every $ref resolves, every operation declares its responses, each 2xx and 4xx with a schema', () => {
    const problems: string[] = [];
    if (!/^3\.\d+\.\d+$/.test(fuzz.doc.openapi ?? '')) problems.push(`openapi version ${fuzz.doc.openapi}`);
    for (const { at, ref } of danglingReferences(fuzz.doc))
      problems.push(`dangling $ref ${JSON.stringify(ref)} at ${at}`);
    for (const [name, schema] of Object.entries(fuzz.doc.components?.schemas ?? {})) {
      try {
        validator.errors(schema, null);
      } catch (error) {
        problems.push(`components.schemas.${name} does not compile: ${(error as Error).message}`);
      }
    }
    expect(ops.length).toBeGreaterThan(40);
    for (const op of ops) {
      const statuses = Object.keys(op.responses);
      if (!statuses.some((s) => /^2(\d\d|XX)$/.test(s))) problems.push(`${op.key}: no 2xx response declared`);
      if (op.body || op.pathParams.length || op.queryParams.length || op.headerParams.length) {
        if (!statuses.some((s) => s === '400' || s === '4XX'))
          problems.push(`${op.key}: takes input but declares no 400`);
      }
      if (op.secured && !statuses.includes('401'))
        problems.push(`${op.key}: needs a token but declares no 401`);
      for (const [status, response] of Object.entries(op.responses)) {
        if (!/^[24]/.test(status) || status === '204') continue;
        const schemas = Object.values(
          (response.content ?? {}) as Record<string, { schema?: unknown }>,
        ).filter((c) => c.schema);
        if (!schemas.length) problems.push(`${op.key}: response ${status} has no schema`);
      }
    }
    expect(problems).toEqual([]);
  });

  /** Sends the requests, keeps their answers for the declared-statuses test. */
  async function play(
    requests: FuzzRequest[],
    judge: (req: FuzzRequest, res: FuzzResponse) => [string, string] | undefined,
    failures: FailureLog,
  ) {
    for (const req of requests) {
      const res = await fuzz.send(req);
      if (res.status === -1) continue;
      answered.push({ req, res });
      const problem: [string, string] | undefined =
        res.status === 0
          ? ['no answer', res.error ?? '']
          : res.status >= 500
            ? ['5xx', `${res.status} ${res.text.slice(0, 100)}`]
            : judge(req, res);
      if (problem) failures.add(req.op.key, problem[0], problem[1], req);
    }
  }

  const answerOf = (res: FuzzResponse) => {
    const body = res.json as { code?: string; fields?: { field: string }[]; field?: string } | undefined;
    // Top-level fields only, so that one defect class makes one group.
    const fields = [
      ...new Set(
        (body?.fields?.map((f) => f.field) ?? (body?.field ? [body.field] : [])).map((f) => f.split('.')[0]),
      ),
    ]
      .sort()
      .slice(0, 4)
      .join(',');
    return `${res.status} ${body?.code ?? ''}${fields ? ` [${fields}]` : ''}`;
  };

  const verdictOf = (op: Operation, req: FuzzRequest) =>
    validator.verdict(op, {
      pathParams: req.pathParams,
      query: req.query,
      headers: req.headers,
      body: req.body,
    });

  /**
   * Requests with one defect, split by the document's verdict: most are
   * refused, some stay within what it admits (a reserved word as an id, the
   * longest string, an If-Match it does not constrain) and must then be accepted as well-formed.
   */
  const defective = new Map<
    string,
    { admitted: FuzzRequest[]; refused: { req: FuzzRequest; verdict: Verdict }[] }
  >();
  function defectsOf(op: Operation, i: number) {
    let split = defective.get(op.key);
    if (!split) {
      split = { admitted: [], refused: [] };
      for (const req of fc.sample(singleDefectArb(validator, op, fuzz.known, callerOf(op)), {
        seed: SEED + 1000 + i,
        numRuns: REFUSED_PER_OPERATION * 2,
      })) {
        const verdict = verdictOf(op, req);
        if (verdict.verdict === 'admitted') split.admitted.push(req);
        else if (verdict.verdict === 'refused') split.refused.push({ req, verdict });
      }
      defective.set(op.key, split);
    }
    return split;
  }

  it(
    `never refuses as malformed a request it admits (${ADMITTED_PER_OPERATION} valid and up to ${ADMITTED_PER_OPERATION}` +
      ` odd-but-admitted per operation, seed ${SEED})`,
    async () => {
      const failures = new FailureLog();
      const requests = ops.flatMap((op, i) => [
        ...fc
          .sample(validBaseArb(validator, op, fuzz.known, callerOf(op)), {
            seed: SEED + i,
            numRuns: ADMITTED_PER_OPERATION * 2,
          })
          .map((base) => serialise(base, 'valid'))
          .filter((req) => verdictOf(op, req).verdict === 'admitted')
          .slice(0, ADMITTED_PER_OPERATION),
        ...defectsOf(op, i).admitted.slice(0, ADMITTED_PER_OPERATION),
      ]);
      // The generators draw from the document: an operation without a single admitted request has an unsatisfiable schema.
      for (const op of ops)
        if (!requests.some((r) => r.op === op && r.defect === 'valid'))
          failures.add(op.key, 'no request admitted', 'the generators found none', {
            op,
            method: op.method,
            pathParams: {},
            query: '',
            headers: {},
            auth: 'departement',
            defect: 'valid',
          });
      const started = Date.now();
      await play(
        requests,
        (_req, res) =>
          MALFORMED.has(res.status)
            ? ['admitted by the document, refused as malformed', answerOf(res)]
            : undefined,
        failures,
      );
      console.log(
        `contract, admitted requests: ${requests.length} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      if (failures.size) throw new Error(failures.report(`${failures.size} groups (seed ${SEED}):`));
    },
  );

  it(`never accepts a request it refuses (${REFUSED_PER_OPERATION} per operation, seed ${SEED})`, async () => {
    const failures = new FailureLog();
    const requests = ops.flatMap((op, i) => defectsOf(op, i).refused.slice(0, REFUSED_PER_OPERATION));
    const started = Date.now();
    await play(
      requests.map(({ req }) => req),
      (req, res) => {
        if (res.status < 200 || res.status >= 300) return undefined;
        const verdict = verdictOf(req.op, req);
        return [
          `refused by the document (${verdict.verdict === 'refused' ? verdict.reasons.slice(0, 2).join('; ') : ''}), accepted`,
          `${res.status}`,
        ];
      },
      failures,
    );
    console.log(
      `contract, refused requests: ${requests.length} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    if (failures.size) throw new Error(failures.report(`${failures.size} groups (seed ${SEED}):`));
  });

  it('declares every status the routes answered, and each answer matches its declared schema', () => {
    expect(answered.length).toBeGreaterThan(0);
    const failures = new FailureLog();
    for (const { req, res } of answered) {
      if (res.status <= 0 || req.method !== req.op.method) continue;
      const declared =
        req.op.responses[String(res.status)] ??
        req.op.responses[`${String(res.status)[0]}XX`] ??
        req.op.responses.default;
      if (!declared) {
        failures.add(req.op.key, 'status not declared', answerOf(res), req);
        continue;
      }
      const content = (declared.content ?? {}) as Record<string, { schema?: object }>;
      const mediaType = (res.contentType ?? '').split(';')[0].trim();
      if (!mediaType) continue;
      const media = content[mediaType];
      if (!media)
        failures.add(
          req.op.key,
          `${res.status} answered as ${mediaType}, not declared`,
          Object.keys(content).join(',') || 'no content declared',
          req,
        );
      else if (media.schema && res.json !== undefined) {
        const errors = validator.errors(media.schema, res.json);
        if (errors.length)
          failures.add(
            req.op.key,
            `${res.status} does not match its schema`,
            errors.slice(0, 2).join('; '),
            req,
          );
      }
    }
    if (failures.size) throw new Error(failures.report(`${failures.size} groups:`));
  });
});
