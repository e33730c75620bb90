import { bearer, entryBody, startApi, TestApi, tokens } from '../../../../test/support/api';

/** Every error is an RFC 9457 problem (application/problem+json), with the product's code, field and fields. */
describe('errors as RFC 9457 problems', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi('embedded');
  });
  afterAll(async () => {
    await api.close();
  });

  it.each([
    [
      'a rule refused (422)',
      () =>
        api.http
          .post('/api/parcours')
          .set(bearer(tokens.system()))
          .send(entryBody({ enteredOn: '2025-01-01' })),
      422,
      'ENTRY_DATES_OUT_OF_ORDER',
    ],
    [
      'malformed input (400)',
      () => api.http.post('/api/parcours').set(bearer(tokens.system())).send({ person: 1 }),
      400,
      'VALIDATION_FAILED',
    ],
    ['no token (401)', () => api.http.get('/api/territories'), 401, 'UNAUTHENTICATED'],
    [
      'an unknown parcours (404)',
      () =>
        api.http.get('/api/parcours/00000000-0000-4000-8000-000000000000').set(bearer(tokens.departement())),
      404,
      'PARCOURS_NOT_FOUND',
    ],
  ])('%s', async (_, send, status, code) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: `https://parcours.example/problems/${code.toLowerCase().replace(/_/g, '-')}`,
      title: expect.any(String),
      status,
      detail: expect.stringMatching(/[a-zà-ü]/),
      instance: expect.stringMatching(/^\/api\//),
      code,
      statusCode: status,
    });
  });
});
