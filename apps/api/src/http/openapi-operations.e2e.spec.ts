import {
  bearer,
  entryBody,
  followedParcours,
  seedReferenceData,
  startApi,
  TestApi,
  tokens,
} from '../../../../test/support/api';

/**
 * What a client developer reads: every operation says what it does, who may
 * call it and how it refuses; the examples make a request the server accepts;
 * the revision travels as ETag; validation speaks French.
 */
type Schema = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Op = {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: Schema[];
  requestBody?: Schema;
  responses: Record<string, Schema>;
};

const PUBLIC = new Set(['/health', '/ready']);
/** /ready answers its readiness report with 503, not a problem: the probes read it. */
const OWN_ANSWER = new Set(['GET /ready 503']);

describe('OpenAPI operations', () => {
  let api: TestApi;
  let doc: { paths: Record<string, Record<string, Op>>; components: { schemas: Record<string, Schema> } };

  beforeAll(async () => {
    api = await startApi('embedded');
    await seedReferenceData(api);
    doc = (await api.http.get('/api/docs/json').expect(200)).body;
  });
  afterAll(() => api.close());

  const ops = () =>
    Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ path, method, op })),
    );

  it('gives every operation a summary, a description with who may call it, a tag and its error responses as problems', () => {
    const missing: string[] = [];
    for (const { path, method, op } of ops()) {
      const key = `${method.toUpperCase()} ${path}`;
      if (!op.summary?.trim()) missing.push(`${key}: summary`);
      if (!op.description?.trim()) missing.push(`${key}: description`);
      else if (!/Rôles autorisés : |Accès : public/.test(op.description))
        missing.push(`${key}: who may call it`);
      if (!op.tags?.length) missing.push(`${key}: tag`);
      const isPublic = PUBLIC.has(path);
      const takesInput =
        Boolean(op.requestBody) || (op.parameters ?? []).some((p) => p.in === 'query' || p.in === 'path');
      const expected = [
        ...(takesInput ? ['400'] : []),
        ...(isPublic ? [] : ['401', '403']),
        ...(path.includes('{') ? ['404'] : []),
        ...(method !== 'get' ? ['422'] : []),
        '503',
      ];
      for (const status of expected) {
        if (OWN_ANSWER.has(`${key} ${status}`)) continue;
        const schema = op.responses[status]?.content?.['application/problem+json']?.schema;
        if (schema?.$ref !== '#/components/schemas/Problem') missing.push(`${key}: ${status} as Problem`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('tags operations by capability', () => {
    const tags = new Set(ops().flatMap(({ op }) => op.tags ?? []));
    for (const tag of [
      'parcours',
      'orientation',
      'rendez-vous',
      'contrats',
      'sanctions',
      'lecture',
      'indicateurs',
      'personnes',
      'audit',
      'référentiel',
      'exploitation',
    ]) {
      expect(tags).toContain(tag);
    }
    expect(doc.paths['/api/parcours/{id}/contracts'].post.tags).toEqual(['contrats']);
    // A command names the roles of its own rule, narrower than its controller's.
    expect(doc.paths['/api/parcours/{id}/orientations'].post.description).toMatch(
      /Rôles autorisés : SLAI[^.]*Département\./,
    );
    expect(doc.paths['/api/parcours/{id}/orientations'].post.description).not.toMatch(/référent/);
  });

  /** The body a client builds from the document's examples: required properties only. */
  function exampleOf(schema: Schema): unknown {
    if (schema.$ref) return exampleOf(doc.components.schemas[String(schema.$ref).split('/').pop()!]);
    if (schema.allOf?.length === 1) return exampleOf(schema.allOf[0]);
    if (schema.example !== undefined) return schema.example;
    if (schema.enum) return schema.enum[0];
    if (schema.type === 'object') {
      return Object.fromEntries(
        (schema.required ?? []).map((name: string) => [name, exampleOf(schema.properties[name])]),
      );
    }
    if (schema.type === 'integer' || schema.type === 'number') return schema.minimum ?? 0;
    if (schema.type === 'boolean') return false;
    if (schema.type === 'array') return [];
    throw new Error(`no example for ${JSON.stringify(schema)}`);
  }
  const bodyOf = (path: string) =>
    exampleOf(doc.paths[path].post.requestBody!.content['application/json'].schema);

  it('makes of the examples an entry and a contract the server accepts', async () => {
    const entry = await api.http
      .post('/api/parcours')
      .set(bearer(tokens.system()))
      .send(bodyOf('/api/parcours') as object);
    expect({ status: entry.status, body: entry.body }).toMatchObject({ status: 201 });
    const id = await followedParcours(api);
    const contract = await api.http
      .post(`/api/parcours/${id}/contracts`)
      .set(bearer(tokens.referent()))
      .send(bodyOf('/api/parcours/{id}/contracts') as object);
    expect({ status: contract.status, body: contract.body }).toMatchObject({ status: 201 });
  });

  it('answers the revision as ETag, declared, and taken back by If-Match', async () => {
    expect(doc.paths['/api/parcours/{id}'].get.responses['200'].headers?.ETag).toBeDefined();
    expect(doc.paths['/api/parcours/{id}/contracts'].post.responses['201'].headers?.ETag).toBeDefined();
    const system = bearer(tokens.system());
    const entry = await api.http
      .post('/api/parcours')
      .set(system)
      .send(
        entryBody({
          person: { lastName: 'Durand', firstName: 'Paul', birthDate: '1985-02-01', sex: 'male' },
        }),
      )
      .expect(201);
    expect(entry.headers.etag).toBe(`"${entry.body.revision}"`);
    const id = entry.body.id as string;
    const read = await api.http.get(`/api/parcours/${id}`).set(bearer(tokens.departement())).expect(200);
    expect(read.headers.etag).toBe(`"${read.body.revision}"`);
    expect(read.headers.etag).toBe(entry.headers.etag);
    const slai = bearer(tokens.slai());
    const orientation = {
      track: 'social',
      organisationId: 'org-ccas',
      decidedOn: '2025-01-20',
      notifiedOn: '2025-01-21',
    };
    const oriented = await api.http
      .post(`/api/parcours/${id}/orientations`)
      .set(slai)
      .set('If-Match', read.headers.etag)
      .send(orientation)
      .expect(201);
    expect(oriented.headers.etag).toBe(`"${oriented.body.revision}"`);
    expect(oriented.headers.etag).not.toBe(read.headers.etag);
    // The old ETag no longer matches.
    await api.http
      .post(`/api/parcours/${id}/referent`)
      .set(slai)
      .set('If-Match', read.headers.etag)
      .send({ referentId: 'ref-ccas-1', assignedOn: '2025-01-22' })
      .expect(409);
  });

  it('speaks French in every validation message', async () => {
    const dep = bearer(tokens.departement());
    const answers = [
      await api.http.get('/api/echeances?page=abc&pageSize=0').set(dep),
      await api.http.get('/api/referents/ref-ccas-1/portfolio?overdueOnly=maybe&page=0.5').set(dep),
      await api.http.get('/api/audit?page=99999&pageSize=501').set(dep),
      await api.http.post('/api/persons/retention?dryRun=perhaps').set(dep),
      await api.http.get('/api/persons?lastName=1&nir=').set(dep),
      await api.http.get('/api/indicators?from=2025-01-01&to=2025-02-01&codes=&extra=1').set(dep),
      await api.http
        .post('/api/parcours')
        .set(bearer(tokens.system()))
        .send({
          person: 'x',
          household: { type: 'single', size: 'two', singleParentIncrease: 'yes', cafNumber: 12 },
          territory: 7,
          demandOn: 1,
          unknown: true,
        }),
      await api.http.post('/api/parcours/p-1/contracts').set(dep).send({
        kind: 'cer',
        signedOn: 'x',
        startsOn: 'y',
        endsOn: 'z',
        weeklyHours: 'ten',
        objectives: 'one',
      }),
      await api.http.patch('/api/organisations/org-ccas').set(dep).send({ name: 3, active: 'oui' }),
      await api.http.post('/api/actions').set(dep).send({
        actionId: 4,
        dispositifCode: '',
        theme: 5,
        provider: [],
        places: 1.5,
        startsOn: '2025-01-01',
        endsOn: '2025-12-31',
      }),
    ];
    const messages = answers.flatMap((res) => {
      expect(res.status).toBe(400);
      return (res.body.fields as { messages: string[] }[]).flatMap((f) => f.messages);
    });
    expect(messages.length).toBeGreaterThan(20);
    expect(
      messages.filter((m) => /must be|should not|is not|must contain|nested property|each value/i.test(m)),
    ).toEqual([]);
  });
});
