import type { SqlClient } from '@parcours/event-store';
import { SQL } from '@parcours/runtime';
import { nestsDeeperThan } from '../../apps/api/src/bootstrap';
import { bearer, entryBody, startApi, TestApi, tokens } from '../support/api';

/**
 * A body over the limit answers 413 PAYLOAD_TOO_LARGE, a body
 * that is not JSON 415 UNSUPPORTED_MEDIA_TYPE, JSON nested 5,000 levels deep
 * (once a 500) 400 BODY_TOO_DEEP; nothing is written, the server stays up.
 */
describe('request bodies the API refuses before anything reads them', () => {
  let api: TestApi;
  const system = () => bearer(tokens.system());
  beforeAll(async () => {
    api = await startApi('embedded');
  });
  afterAll(async () => {
    await api.close();
  });

  const eventCount = async () =>
    (
      await api.app.get<symbol, SqlClient>(SQL).query<{ n: number }>('select count(*)::int as n from events')
    )[0].n;

  async function refused(
    status: number,
    code: string,
    send: () => PromiseLike<{ status: number; body: { code?: string; message?: string } }>,
  ) {
    const before = await eventCount();
    const res = await send();
    expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
    expect(res.body.message).toEqual(expect.any(String));
    expect(await eventCount()).toBe(before);
  }

  it('413 for a body over 100 kB', async () => {
    const big = JSON.stringify(entryBody({ territory: 'x'.repeat(200_000) }));
    await refused(413, 'PAYLOAD_TOO_LARGE', () =>
      api.http.post('/api/parcours').set(system()).set('Content-Type', 'application/json').send(big),
    );
  });

  it.each([
    ['text/plain', JSON.stringify(entryBody())],
    ['application/x-www-form-urlencoded', 'territory=ARRAGEOIS'],
    ['application/xml', '<entry/>'],
    ['multipart/form-data; boundary=x', '--x--'],
  ])('415 for a body sent as %s', async (type, body) => {
    await refused(415, 'UNSUPPORTED_MEDIA_TYPE', () =>
      api.http.post('/api/parcours').set(system()).set('Content-Type', type).send(body),
    );
  });

  it('415 for a body without Content-Type, and for JSON in a charset other than UTF-8', async () => {
    await refused(415, 'UNSUPPORTED_MEDIA_TYPE', () =>
      api.http
        .post('/api/parcours')
        .set(system())
        .unset('Content-Type')
        .send(Buffer.from(JSON.stringify(entryBody()))),
    );
    await refused(415, 'UNSUPPORTED_MEDIA_TYPE', () =>
      api.http
        .post('/api/parcours')
        .set(system())
        .set('Content-Type', 'application/json; charset=latin1')
        .send(JSON.stringify(entryBody())),
    );
  });

  it('accepts application/json with its charset, and only it: the one media type the OpenAPI document declares', async () => {
    await api.http
      .post('/api/territories')
      .set(bearer(tokens.departement()))
      .set('Content-Type', 'application/json; charset=utf-8')
      .send(JSON.stringify({ territoryId: 'T-1', name: 'Un' }))
      .expect(201);
    await refused(415, 'UNSUPPORTED_MEDIA_TYPE', () =>
      api.http
        .post('/api/territories')
        .set(bearer(tokens.departement()))
        .set('Content-Type', 'application/vnd.parcours+json')
        .send(JSON.stringify({ territoryId: 'T-2', name: 'Deux' })),
    );
    // A write with no body at all needs no Content-Type.
    await api.http.post('/api/projections/parcours/resume').set(bearer(tokens.departement())).expect(200);
  });

  it.each([
    ['arrays', '['.repeat(5000) + ']'.repeat(5000)],
    ['objects', '{"a":'.repeat(5000) + '1' + '}'.repeat(5000)],
    [
      'a property of a command',
      JSON.stringify({ ...entryBody(), person: 'PLACEHOLDER' }).replace(
        '"PLACEHOLDER"',
        '['.repeat(5000) + ']'.repeat(5000),
      ),
    ],
  ])('400 BODY_TOO_DEEP for %s nested 5,000 levels deep (once a 500)', async (_, body) => {
    expect(body.length).toBeLessThan(100_000);
    await refused(400, 'BODY_TOO_DEEP', () =>
      api.http.post('/api/parcours').set(system()).set('Content-Type', 'application/json').send(body),
    );
  });

  it('judges a body nested within the bound on its content', async () => {
    const deepButAllowed = JSON.stringify({
      ...entryBody(),
      person: JSON.parse('['.repeat(30) + ']'.repeat(30)),
    });
    await refused(400, 'VALIDATION_FAILED', () =>
      api.http
        .post('/api/parcours')
        .set(system())
        .set('Content-Type', 'application/json')
        .send(deepButAllowed),
    );
    await api.http.get('/health').expect(200);
  });

  it('measures depth without recursion', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(nestsDeeperThan(deep, 32)).toBe(true);
    expect(nestsDeeperThan({ a: { b: [1, { c: 2 }] } }, 4)).toBe(false);
    expect(nestsDeeperThan({ a: { b: [1, { c: 2 }] } }, 3)).toBe(true);
    expect(nestsDeeperThan('text', 0)).toBe(false);
  });
});
