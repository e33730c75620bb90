import fc from 'fast-check';
import { validBaseArb, serialise } from './openapi-arbitraries';
import { danglingReferences, DocumentValidator, OpenApiDocument, operations } from './openapi-document';

/** The fuzz suites' judge of requests, on a small document: it must say admitted, refused or undecided for the right reasons. */
const doc: OpenApiDocument = {
  openapi: '3.0.0',
  paths: {
    '/things/{id}': {
      post: {
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z]{1,5}$' } },
          { name: 'page', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } },
          { name: 'If-Match', in: 'header', schema: { type: 'string', pattern: '^\\d{1,9}$' } },
        ],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } },
        },
        responses: { '201': { description: '' } },
        security: [{ bearer: [] }],
      },
    },
    '/broken': {
      get: {
        responses: {
          '200': {
            description: '',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/' } } },
          },
        },
      },
    },
  },
  components: {
    schemas: {
      Thing: {
        type: 'object',
        additionalProperties: false,
        required: ['on', 'size'],
        properties: {
          on: { type: 'string', format: 'date', pattern: '^(19|20)\\d{2}-\\d{2}-\\d{2}$' },
          size: { type: 'integer', minimum: 1, maximum: 20 },
          tags: { type: 'array', maxItems: 3, items: { type: 'string', enum: ['a', 'b'] } },
        },
      },
    },
  },
};

describe('the OpenAPI judge of the fuzz suites', () => {
  const validator = new DocumentValidator(doc);
  const [post] = operations(doc);
  const req = (
    over: Partial<{ id: string; query: string; headers: Record<string, string>; body: string }>,
  ) => ({
    pathParams: { id: over.id ?? 'abc' },
    query: over.query ?? '',
    headers: over.headers ?? { 'Content-Type': 'application/json' },
    body: over.body ?? '{"on":"2025-03-14","size":3}',
  });

  it('finds dangling references', () => {
    expect(danglingReferences(doc)).toEqual([
      {
        at: '#/paths/~1broken/get/responses/200/content/application~1json/schema',
        ref: '#/components/schemas/',
      },
    ]);
  });

  it('admits a request that follows the document', () => {
    expect(
      validator.verdict(
        post,
        req({ query: 'page=3', headers: { 'Content-Type': 'application/json', 'If-Match': '4' } }),
      ),
    ).toEqual({ verdict: 'admitted' });
  });

  it.each([
    ['a missing required field', req({ body: '{"on":"2025-03-14"}' })],
    ['an unknown field', req({ body: '{"on":"2025-03-14","size":3,"extra":1}' })],
    ['an impossible date', req({ body: '{"on":"2025-02-30","size":3}' })],
    ['a date outside the pattern', req({ body: '{"on":"2999-12-31","size":3}' })],
    ['a number for an integer', req({ body: '{"on":"2025-03-14","size":1.5}' })],
    ['an out-of-range number', req({ body: '{"on":"2025-03-14","size":1e300}' })],
    ['a value outside the enum', req({ body: '{"on":"2025-03-14","size":3,"tags":["c"]}' })],
    ['a body that is not JSON', req({ body: '{' })],
    ['another content type', req({ headers: { 'Content-Type': 'text/plain' } })],
    ['no body', { ...req({}), body: undefined }],
    ['a path id outside the pattern', req({ id: '__proto__' })],
    ['a query number out of range', req({ query: 'page=1e300' })],
    ['a query that is not a number', req({ query: 'page=abc' })],
    [
      'a header outside the pattern',
      req({ headers: { 'Content-Type': 'application/json', 'If-Match': 'abc' } }),
    ],
  ])('refuses %s', (_, request) => {
    expect(validator.verdict(post, request).verdict).toBe('refused');
  });

  it.each([
    ['an undeclared query parameter', req({ query: 'other=1' })],
    ['a repeated query parameter', req({ query: 'page=1&page=2' })],
    ['a byte order mark', req({ body: '\ufeff{"on":"2025-03-14","size":3}' })],
    ['a dot segment as path id', req({ id: '..' })],
  ])('says nothing of %s', (_, request) => {
    expect(validator.verdict(post, request).verdict).toBe('undecided');
  });

  it('generates requests the document admits', () => {
    const requests = fc
      .sample(validBaseArb(validator, post, { things: ['abc'] }, fc.constant('departement')), {
        seed: 1,
        numRuns: 200,
      })
      .map((b) => serialise(b, 'valid'));
    const refused = requests.map((r) => validator.verdict(post, r)).filter((v) => v.verdict !== 'admitted');
    expect(refused).toEqual([]);
  });
});
